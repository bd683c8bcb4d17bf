"""Build the LangChain chat model named by LLM_PROVIDER (openai | gemini | offline)."""

from __future__ import annotations

from langchain_core.language_models.chat_models import BaseChatModel

from backend.app.config import Settings


def create_chat_model(settings: Settings, *, temperature: float | None = None) -> BaseChatModel:
    """Return a chat model with the configured timeout, bounded retries and output limit.

    Every provider streams synchronously over httpx (`.stream()`), which cooperates with
    gevent's monkey patching; callers never need asyncio.
    """
    provider = settings.LLM_PROVIDER
    if provider == "openai":
        from langchain_openai import ChatOpenAI

        from backend.app.llm.openai_chunks import use_dict_chunks

        model = ChatOpenAI(
            model=settings.OPENAI_MODEL,
            api_key=settings.OPENAI_API_KEY or "not-needed",
            base_url=settings.OPENAI_BASE_URL or None,
            timeout=settings.LLM_TIMEOUT_SECONDS,
            max_retries=settings.LLM_MAX_RETRIES,
            temperature=temperature,
            stream_usage=True,
            max_tokens=settings.LLM_MAX_OUTPUT_TOKENS,  # sent as max_completion_tokens
        )
        # The SDK builds its platform headers on its first request, and Python runs
        # `uname -p` for them: under gevent a fork of the whole worker, which held every
        # stream of the worker while the first lesson of its life began. Built now, at
        # start-up, they are cached for the life of the process.
        _ = model.root_client.default_headers
        return use_dict_chunks(model)
    if provider == "gemini":
        from langchain_google_genai import ChatGoogleGenerativeAI

        return ChatGoogleGenerativeAI(
            model=settings.GEMINI_MODEL,
            google_api_key=settings.GOOGLE_API_KEY,
            base_url=settings.GEMINI_BASE_URL or None,
            timeout=settings.LLM_TIMEOUT_SECONDS,
            # google-genai counts attempts, not retries: keep both providers' meaning equal.
            max_retries=settings.LLM_MAX_RETRIES + 1,
            temperature=temperature,
            max_output_tokens=settings.LLM_MAX_OUTPUT_TOKENS,
        )
    if provider == "offline":
        from backend.app.llm.offline import OfflineChatModel

        return OfflineChatModel(
            tokens_per_second=settings.OFFLINE_LLM_TOKENS_PER_SECOND,
            max_output_tokens=settings.LLM_MAX_OUTPUT_TOKENS,
        )
    raise ValueError(f"Unknown LLM_PROVIDER {provider!r}")
