"""QnAResolver: answers a learner's question grounded in the lesson and course materials."""

from backend.app.agents.qna_resolver.qna_resolver_agent import AGENT, QnAResolver

__all__ = ["AGENT", "QnAResolver"]
