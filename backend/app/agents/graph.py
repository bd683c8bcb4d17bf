"""The tutor graph: supervisor -> (theory educator | direct reply), checkpointed per session."""

from __future__ import annotations

from langchain_core.language_models.chat_models import BaseChatModel
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from backend.app.agents.learning_supervisor import LearningSupervisor
from backend.app.agents.qna_resolver import QnAResolver
from backend.app.agents.state import TutorState
from backend.app.agents.theory_educator import TheoryEducator


def build_tutor_graph(
    *,
    course,
    model: BaseChatModel,
    checkpointer: BaseCheckpointSaver,
    tickets=None,
    ticket_ttl: float = 60,
    classify=None,
) -> CompiledStateGraph:
    """Compile the graph once per process; each session is a thread (thread_id = session id).

    The TheoryEducator and QnAResolver are reachable as `graph.educator` and `graph.qna`
    for the streaming paths. `classify` reads a message's intent (default: the rules).
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
    compiled.educator = educator
    compiled.qna = qna
    return compiled
