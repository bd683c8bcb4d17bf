"""Scripted responses and request records shared by the fake LLM servers."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

ChunkSize = int | Literal["random"] | Sequence[int]


@dataclass(frozen=True)
class Script:
    """One scripted answer: its text, how it is split and paced, and how it fails.

    Failures, checked in this order: `hang` (never answer), `status` >= 400 (an error
    body), `drop_after=N` (N content chunks, then the connection is cut without the
    end of the stream), `hang_after=N` (N content chunks, then silence).
    """

    content: str = "Hello from the fake model."
    # A fixed size, "random" (seeded sizes within chunk_range) or explicit lengths;
    # text left over after an explicit list is sent as one last chunk.
    chunk_size: ChunkSize = 4
    chunk_range: tuple[int, int] = (1, 8)
    seed: int = 0
    chunk_delay: float = 0.0
    first_token_delay: float = 0.0
    status: int = 200
    error_message: str = "The fake server had an error while processing your request."
    # Sent as `retry-after-ms` on errors: the OpenAI client honors it, which keeps
    # retry tests fast without touching the client's backoff.
    retry_after_ms: int | None = None
    drop_after: int | None = None
    hang: bool = False
    hang_after: int | None = None
    # Why the answer ended, as the provider says it ("length": cut at the token limit).
    finish_reason: str = "stop"

    @classmethod
    def error(cls, status: int = 500, **kwargs: Any) -> Script:
        """An HTTP error answer with a provider-style error body."""
        return cls(status=status, **kwargs)

    @classmethod
    def coerce(cls, item: Script | int | str) -> Script:
        """Accept a Script, an HTTP status code or plain content text."""
        if isinstance(item, Script):
            return item
        if isinstance(item, bool):
            raise TypeError("A script cannot be a bool")
        if isinstance(item, int):
            return cls(status=item)
        if isinstance(item, str):
            return cls(content=item)
        raise TypeError(f"Cannot build a Script from {item!r}")

    def chunks(self) -> list[str]:
        """Split the content into the chunks that will be sent, in order."""
        return split_content(self.content, self.chunk_size, self.chunk_range, self.seed)


def split_content(
    content: str, chunk_size: ChunkSize, chunk_range: tuple[int, int] = (1, 8), seed: int = 0
) -> list[str]:
    """Split `content` by a fixed size, seeded random sizes or an explicit list of lengths."""
    if isinstance(chunk_size, str):
        if chunk_size != "random":
            raise ValueError(f"Unknown chunk_size {chunk_size!r}")
        rng = random.Random(seed)
        low, high = chunk_range
        sizes: list[int] = []
        while sum(sizes) < len(content):
            sizes.append(rng.randint(max(1, low), max(1, low, high)))
    elif isinstance(chunk_size, int):
        if chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")
        sizes = [chunk_size] * -(-len(content) // chunk_size)
    else:
        sizes = [int(size) for size in chunk_size]
        if any(size < 1 for size in sizes):
            raise ValueError("explicit chunk lengths must be at least 1")
    pieces: list[str] = []
    position = 0
    for size in sizes:
        if position >= len(content):
            break
        pieces.append(content[position : position + size])
        position += size
    if position < len(content):
        pieces.append(content[position:])
    return pieces


@dataclass
class SentChunk:
    """One content chunk as it left the fake server."""

    text: str
    monotonic: float
    wall: float


@dataclass
class RequestRecord:
    """What the fake saw and did for one HTTP request (mutated under the server's lock)."""

    index: int
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    model: str | None
    stream: bool
    messages: list[Any]
    script: Script | None
    # Position of the script in the FIFO (0 = first ever scripted), None for the default.
    script_index: int | None
    received_at: float
    received_wall: float
    status: int | None = None
    chunks: list[SentChunk] = field(default_factory=list)
    client_gone: bool = False
    client_gone_at: float | None = None
    completed: bool = False
    finished: bool = False
    finished_at: float | None = None
    # pending | completed | error | dropped | hung | client_gone | stopped
    outcome: str = "pending"

    @property
    def text(self) -> str:
        """The content sent so far, all chunks joined."""
        return "".join(chunk.text for chunk in self.chunks)

    @property
    def chunk_texts(self) -> list[str]:
        """The text of every chunk sent, in order."""
        return [chunk.text for chunk in self.chunks]
