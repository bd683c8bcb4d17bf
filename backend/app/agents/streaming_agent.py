"""What the two streaming agents share: their model, tickets and the graph they write through."""

from __future__ import annotations

from langchain_core.language_models.chat_models import BaseChatModel
from pydantic import BaseModel

from backend.app.agents.state import TutorState, thread_config
from backend.app.domain.tickets import StreamRequest, StreamTicket


class StreamingAgent:
    """An agent whose streamed runs start from a ticket and end in a state update.

    `process_streaming_state` prepares a run's context and stores it under a ticket;
    `finalize_streaming_state` writes the outcome through the compiled graph, which is
    attached after compilation (the graph is built from the agents).
    """

    def __init__(self, model: BaseChatModel, tickets=None, ticket_ttl: float = 60) -> None:
        self.model = model
        self.tickets = tickets
        self.ticket_ttl = ticket_ttl
        self.graph = None

    def attach(self, graph) -> None:
        """Give the agent the compiled graph whose threads it finalizes."""
        self.graph = graph

    def session_state(self, session_id: str) -> TutorState:
        """The session's checkpointed TutorState."""
        return self.graph.get_state(thread_config(session_id)).values

    def issue_ticket(self, request: StreamRequest, context: BaseModel) -> str:
        """Store the run's inputs (the request and its prepared context) under a new ticket."""
        ticket = StreamTicket(**request.model_dump(), context=context.model_dump(mode="json"))
        return self.tickets.issue(request.user_id, ticket.model_dump(mode="json"), self.ticket_ttl)
