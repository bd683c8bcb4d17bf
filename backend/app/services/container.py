"""Services: every per-process object the routes use, built once, in one place.

`build_services` makes them in dependency order at start-up (a worker's first request
must not pay for the retrieval index or the model client); `services()` is the one typed
way a route, a CLI command or a JWT callback reaches them.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app
from langchain_core.language_models.chat_models import BaseChatModel

from backend.app.agents.checkpointer import create_checkpointer
from backend.app.agents.graph import Tutor, build_tutor
from backend.app.agents.learning_supervisor.intent_classifier import IntentClassifier
from backend.app.auth.passwords import PasswordService
from backend.app.config import Settings
from backend.app.course import Course, get_course
from backend.app.limits.run_slots import RunSlots
from backend.app.llm import create_chat_model
from backend.app.problem_generator.sandbox import Sandbox
from backend.app.retrieval import warm_up
from backend.app.services.learning.feedback import LearnerFeedback
from backend.app.services.learning.session_views import SessionViews
from backend.app.services.learning.turns import LearningTurns
from backend.app.services.problems.generate_stream import ProblemStreamService
from backend.app.services.streams.answer import AnswerStreamService
from backend.app.services.streams.lesson import LessonStreamService
from backend.app.storage.db import Database, open_database
from backend.app.storage.feedback_repo import FeedbackRepository
from backend.app.storage.problems.build import build_problem_store
from backend.app.storage.problems.service import ProblemStore
from backend.app.storage.sessions_repo import SessionRepository
from backend.app.streaming.protocols import RunCaps, StreamStore
from backend.app.streaming.runner import Runner
from backend.app.streaming.sqlite import SqliteStreamStore

# The one key of the app's extensions this project uses.
EXTENSION_KEY = "tutor"


@dataclass
class Services:
    """The process's services; routes reach them through `services()`."""

    settings: Settings
    database: Database
    passwords: PasswordService
    run_slots: RunCaps  # RunSlots on the database, or RedisRunCaps beside a Redis stream store
    course: Course
    model: BaseChatModel  # one client (and connection pool) per process
    tutor: Tutor
    stream_store: StreamStore  # tickets, run logs and run coordination (SQLite or Redis)
    runner: Runner  # the producers of lesson and answer runs, their reader and takeovers
    sessions: SessionRepository
    turns: LearningTurns
    session_views: SessionViews
    feedback: LearnerFeedback
    lesson_streams: LessonStreamService
    answer_streams: AnswerStreamService
    problems: ProblemStore
    problem_streams: ProblemStreamService


def build_services(settings: Settings) -> Services:
    """Build every service once, in dependency order (migrations run first)."""
    database = open_database(settings)
    redis_client = open_redis(settings) if settings.stream_store == "redis" else None
    run_slots = open_run_caps(settings, database, redis_client)
    course = get_course()
    warm_up()  # the retrieval index: built now rather than inside a learner's first request
    stream_store = open_stream_store(settings, redis_client)
    model = create_chat_model(settings)
    # The offline model has no structured output: its provider classifies by the rules.
    classifier = IntentClassifier(model, use_model=settings.LLM_PROVIDER != "offline")
    tutor = build_tutor(
        course=course,
        model=model,
        classify=classifier.classify,
        checkpointer=create_checkpointer(settings),
        tickets=stream_store,
        ticket_ttl=settings.STREAM_TICKET_TTL_SECONDS,
    )
    sessions = SessionRepository(database)
    runner = Runner(
        stream_store,
        lease_seconds=settings.STREAM_RUN_LEASE_SECONDS,
        deadline_seconds=settings.LLM_RUN_DEADLINE_SECONDS,
        preview_interval=settings.STREAM_PREVIEW_INTERVAL_MS / 1000,
    )
    core = {"runner": runner, "sessions": sessions, "run_slots": run_slots, "settings": settings}
    problems = build_problem_store(settings, database)
    problems.start_background_drain(settings.PROBLEM_OUTBOX_RETRY_SECONDS)
    return Services(
        settings=settings,
        database=database,
        passwords=PasswordService(testing=settings.is_testing),
        run_slots=run_slots,
        course=course,
        model=model,
        tutor=tutor,
        stream_store=stream_store,
        runner=runner,
        sessions=sessions,
        turns=LearningTurns(
            tutor=tutor, course=course, sessions=sessions, run_slots=run_slots, settings=settings
        ),
        session_views=SessionViews(
            tutor=tutor, course=course, sessions=sessions, tickets=stream_store
        ),
        feedback=LearnerFeedback(sessions=sessions, feedback=FeedbackRepository(database)),
        lesson_streams=LessonStreamService(educator=tutor.educator, **core),
        answer_streams=AnswerStreamService(qna=tutor.qna, **core),
        problems=problems,
        problem_streams=ProblemStreamService(
            model=model,
            store=problems,
            run_slots=run_slots,
            lease_seconds=settings.STREAM_RUN_LEASE_SECONDS * 2,
            deadline_seconds=settings.LLM_RUN_DEADLINE_SECONDS,
            sandbox=open_sandbox(settings),
        ),
    )


def open_sandbox(settings: Settings) -> Sandbox | None:
    """The worker's sandbox for reference solutions; None when verification is off."""
    if settings.PROBLEM_VERIFICATION == "off":
        return None
    return Sandbox(max_concurrent=settings.PROBLEM_VERIFICATION_CONCURRENCY)


def open_redis(settings: Settings):
    """The process's Redis client on REDIS_URL, for the stream store and the run caps."""
    # Imported only here: a one-host deployment never loads the Redis client.
    import redis

    # Bounded per worker: a greenlet waits (at most `timeout`) for a free connection
    # rather than opening one per stream. Redis away fails fast: a refused connection at
    # once, an unreachable host after socket_connect_timeout; commands are not retried
    # (a retry could run a script twice), and the pool replaces connections the server
    # closed when they are next taken, so service resumes by itself when Redis returns.
    pool = redis.BlockingConnectionPool.from_url(
        settings.REDIS_URL,
        max_connections=settings.REDIS_MAX_CONNECTIONS,
        timeout=5,
        socket_connect_timeout=2,
        socket_timeout=5,
    )
    return redis.Redis(connection_pool=pool)


def open_run_caps(settings: Settings, database: Database, redis_client) -> RunCaps:
    """MAX_CONCURRENT_RUNS_PER_USER where the stream store is: Redis, else the database."""
    cap = settings.MAX_CONCURRENT_RUNS_PER_USER
    if redis_client is not None:
        from backend.app.streaming.redis import RedisRunCaps

        return RedisRunCaps(redis_client, cap, prefix=f"{settings.REDIS_KEY_PREFIX}caps:")
    return RunSlots(database, cap)


def open_stream_store(settings: Settings, redis_client=None) -> StreamStore:
    """The stream store STREAM_STORE names: SQLite in DATA_DIR (one host) or Redis."""
    limits = {
        "max_events": settings.STREAM_RUN_MAX_EVENTS,
        "retention_seconds": settings.STREAM_RUN_RETENTION_SECONDS,
    }
    if settings.stream_store == "redis":
        from backend.app.streaming.redis import RedisStreamStore

        client = redis_client if redis_client is not None else open_redis(settings)
        return RedisStreamStore(client, prefix=f"{settings.REDIS_KEY_PREFIX}stream:", **limits)
    return SqliteStreamStore(settings.DATA_DIR / "streams.db", **limits)


def register_services(app: Flask) -> None:
    """Build the services for `app` (from its SETTINGS) and attach them."""
    app.extensions[EXTENSION_KEY] = build_services(app.config["SETTINGS"])


def services(app: Flask | None = None) -> Services:
    """The services of `app` (default: the current app)."""
    return (app or current_app).extensions[EXTENSION_KEY]
