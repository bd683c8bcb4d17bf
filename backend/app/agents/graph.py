"""The tutor: supervisor -> (theory educator | QnA | direct reply), checkpointed per session."""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.language_models.chat_models import BaseChatModel
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from backend.app.agents.learning_supervisor import LearningSupervisor
from backend.app.agents.qna_resolver import QnAResolver
from backend.app.agents.state import TutorState
from backend.app.agents.theory_educator import TheoryEducator


@dataclass(frozen=True)
class Tutor:
    """The compiled graph and the two agents whose streamed runs finish through it."""

    graph: CompiledStateGraph
    educator: TheoryEducator
    qna: QnAResolver
    supervisor: LearningSupervisor

    def open_streamed_lesson(self, initial: TutorState, config: dict) -> TutorState:
        """A new session's first turn when its lesson streams: the state it ends in, saved.

        The same decision and the same checkpointed values as `graph.invoke` (the
        supervisor routes a streamed lesson to END), saved in one checkpoint write instead
        of a run's three checkpoints, two task-write batches and its task executor: a
        burst of learners opening lessons pays this once per learner, on one worker.
        Anything the supervisor does not end at once goes through the graph as before.
        """
        command = self.supervisor.process(initial, config)
        if command.goto != END:
            return self.graph.invoke(initial, config)
        state: TutorState = {**initial, **command.update}
        # One write as the supervisor: the thread then ends there, as after invoke.
        self.graph.update_state(config, state, as_node="learning_supervisor")
        return state


def build_tutor(
    *,
    course,
    model: BaseChatModel,
    checkpointer: BaseCheckpointSaver,
    tickets=None,
    ticket_ttl: float = 60,
    classify=None,
) -> Tutor:
    """Compile the graph once per process; each session is a thread (thread_id = session id).

    `classify` reads a message's intent (default: the rules); `tickets` is the store the
    streaming agents issue their run tickets in.
    """
    supervisor = LearningSupervisor(course, classify) if classify else LearningSupervisor(course)
    educator = TheoryEducator(course, model, tickets=tickets, ticket_ttl=ticket_ttl)
    qna = QnAResolver(model, tickets=tickets, ticket_ttl=ticket_ttl)
    graph = StateGraph(TutorState)
    graph.add_node("learning_supervisor", supervisor.process)
    graph.add_node("theory_educator", educator.process)
    graph.add_node("qna_resolver", qna.process)
    graph.add_node("respond", supervisor.respond)
    graph.add_edge(START, "learning_supervisor")
    graph.add_edge("theory_educator", END)
    graph.add_edge("qna_resolver", END)
    graph.add_edge("respond", END)
    compiled = graph.compile(checkpointer=checkpointer)
    educator.attach(compiled)
    qna.attach(compiled)
    return Tutor(graph=compiled, educator=educator, qna=qna, supervisor=supervisor)
