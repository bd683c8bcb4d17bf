"""QnAResolver: the synchronous answer, and the two halves of a streamed one."""

from __future__ import annotations

from backend.app.agents.qna_resolver.context import (
    QnAContext,
    build_answer_messages,
    prepare_qna_context,
)
from backend.app.agents.qna_resolver.prompts import ANSWER_CANCELLED, ANSWER_FAILED
from backend.app.agents.state import (
    TutorState,
    Unfinished,
    add_conversation,
    conversation_entry,
    thread_config,
)
from backend.app.agents.streaming_agent import StreamingAgent
from backend.app.domain.tickets import PreparedStream, StreamRequest, StreamTicket
from backend.app.llm.errors import GenerationFailed, ModelUnavailable
from backend.app.llm.text import content_text

AGENT = "qna_resolver"


class QnAResolver(StreamingAgent):
    """Answers questions about the lesson; the pair goes into the session's conversation."""

    def process(self, state: TutorState) -> dict:
        """Answer synchronously (the non-streaming path)."""
        question = state.get("user_message", "")
        context = prepare_qna_context(state, question)
        try:
            reply = self.model.invoke(build_answer_messages(context))
        except Exception as error:  # the client has already spent its bounded retries
            raise ModelUnavailable(f"{type(error).__name__}: {error}") from error
        answer = content_text(reply.content).strip()
        if not answer:
            raise GenerationFailed("the model gave an empty answer")
        return {
            "current_agent": AGENT,
            "conversation": _pair(state, question, answer),
            "workflow_response": {
                "current_agent": AGENT,
                "session_progress_stage": state.get("session_progress_stage"),
                "ui_mode": "chat",
                "streaming": False,
                "answer": answer,
                "sources": context.sources(),
            },
        }

    def process_streaming_state(self, request: StreamRequest) -> PreparedStream:
        """Prepare a streamed answer: its context (no model call) and the ticket to claim it.

        The ticket goes back to the caller only, never into the TutorState.
        """
        state = self.session_state(request.session_id)
        context = prepare_qna_context(state, request.question)
        return PreparedStream(temp_session_id=self.issue_ticket(request, context))

    def finalize_streaming_state(self, ticket: StreamTicket, final_content: dict) -> dict:
        """Append the question and its answer (or what was delivered, marked) to the state."""
        config = thread_config(ticket.session_id)
        state = self.session_state(ticket.session_id)
        answer = final_content.get("answer", "").strip()
        status = final_content["status"]
        unfinished = None if status == "completed" else status
        if unfinished:
            note = ANSWER_CANCELLED if unfinished == "cancelled" else ANSWER_FAILED
            answer = f"{answer}\n\n({note})" if answer else note
        update = {
            "current_agent": AGENT,
            "conversation": _pair(state, ticket.question, answer, unfinished),
        }
        self.graph.update_state(config, update, as_node=AGENT)
        return {**state, **update}

    @staticmethod
    def context_of(ticket: StreamTicket) -> QnAContext:
        """The context stored in a stream ticket."""
        return QnAContext.model_validate(ticket.context)


def _pair(state: TutorState, question: str, answer: str, status: Unfinished | None = None) -> list:
    return add_conversation(
        state,
        conversation_entry("user", "learner", question),
        conversation_entry("assistant", AGENT, answer, status),
    )
