"""LLM providers: one factory returning a LangChain chat model for the configured provider."""

from backend.app.llm.factory import create_chat_model

__all__ = ["create_chat_model"]
