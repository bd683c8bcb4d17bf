"""Pytest fixtures serving scripted fake LLM providers over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.gemini_server import FakeGeminiServer
from tests.fakes.openai_server import FakeOpenAIServer


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAIServer]:
    """A started OpenAI-compatible fake, stopped after the test."""
    with FakeOpenAIServer() as server:
        yield server


@pytest.fixture
def fake_gemini() -> Iterator[FakeGeminiServer]:
    """A started Gemini API fake, stopped after the test."""
    with FakeGeminiServer() as server:
        yield server


# Module-scoped servers let a module-scoped app (e.g. a live server) be configured once
# with their URL; the `*_shared` fixtures hand the same server to each test, reset.


@pytest.fixture(scope="module")
def fake_openai_module() -> Iterator[FakeOpenAIServer]:
    """One OpenAI fake for the whole module (not reset between tests)."""
    with FakeOpenAIServer() as server:
        yield server


@pytest.fixture
def fake_openai_shared(fake_openai_module: FakeOpenAIServer) -> FakeOpenAIServer:
    """The module's OpenAI fake with scripts, default and records reset for this test."""
    fake_openai_module.reset()
    return fake_openai_module


@pytest.fixture(scope="module")
def fake_gemini_module() -> Iterator[FakeGeminiServer]:
    """One Gemini fake for the whole module (not reset between tests)."""
    with FakeGeminiServer() as server:
        yield server


@pytest.fixture
def fake_gemini_shared(fake_gemini_module: FakeGeminiServer) -> FakeGeminiServer:
    """The module's Gemini fake with scripts, default and records reset for this test."""
    fake_gemini_module.reset()
    return fake_gemini_module
