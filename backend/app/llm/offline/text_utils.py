"""Small deterministic text helpers: stable hashing, sentences, bigrams, Korean particles."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

_SENTENCE_END = re.compile(r"(?<=[.!?。？！])\s+|\n+")
_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_RIEUL_FINAL = 8
# Digits read in Korean: 영, 일, 삼, 육, 칠, 팔 end with a final consonant.
_DIGITS_WITH_FINAL = set("013678")
_RIEUL_DIGITS = set("178")
# Letter names 엘, 엠, 엔, 알 end with a final consonant (for acronyms like "LLM").
_LETTERS_WITH_FINAL = set("LMNR")
_WORD_ENDINGS_WITH_FINAL = ("l", "m", "n", "ng", "k", "p", "b", "t")
_AFTER_FINAL = {"이", "은", "을", "과"}


def stable_hash(*parts: object) -> int:
    """Return a hash of the parts that is identical across processes and runs."""
    joined = "\x1f".join(str(part) for part in parts)
    return int.from_bytes(hashlib.sha256(joined.encode("utf-8")).digest()[:8], "big")


def pick(options: Sequence[T], *parts: object) -> T:
    """Return one option chosen deterministically from the parts."""
    return options[stable_hash(*parts) % len(options)]


def split_sentences(text: str) -> list[str]:
    """Split text into trimmed sentences on end punctuation and line breaks."""
    sentences = (part.strip(" \t-*•") for part in _SENTENCE_END.split(text))
    return [sentence for sentence in sentences if len(sentence) >= 2]


def bigrams(text: str) -> set[str]:
    """Return the lower-cased character bigrams inside each word (letters and digits only)."""
    grams: set[str] = set()
    for word in re.findall(r"\w+", text.lower()):
        grams.update(word[i : i + 2] for i in range(len(word) - 1))
    return grams


def shorten(text: str, limit: int) -> str:
    """Collapse whitespace and cut the text to ``limit`` characters with an ellipsis."""
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _final_consonant(word: str) -> tuple[bool, bool]:
    """Return (has final consonant, final is ㄹ) for the last readable character."""
    match = re.search(r"[0-9A-Za-z\uac00-\ud7a3]+(?=[^0-9A-Za-z\uac00-\ud7a3]*$)", word)
    if not match:
        return False, False
    token = match.group(0)
    last = token[-1]
    if _HANGUL_FIRST <= ord(last) <= _HANGUL_LAST:
        final = (ord(last) - _HANGUL_FIRST) % 28
        return final != 0, final == _RIEUL_FINAL
    if last.isdigit():
        return last in _DIGITS_WITH_FINAL, last in _RIEUL_DIGITS
    if token.isupper():
        return last in _LETTERS_WITH_FINAL, last in "LR"
    lowered = token.lower()
    return lowered.endswith(_WORD_ENDINGS_WITH_FINAL), lowered.endswith("l")


def josa(word: str, pair: str) -> str:
    """Return the particle of ``pair`` ("이/가", "은/는", "을/를", "와/과", "으로/로") for word."""
    has_final, is_rieul = _final_consonant(word)
    forms = set(pair.split("/"))
    if forms == {"으로", "로"}:
        return "로" if not has_final or is_rieul else "으로"
    # Each pair holds one form for a final consonant (이, 은, 을, 과) and one without.
    with_final = next(form for form in forms if form in _AFTER_FINAL)
    (without_final,) = forms - {with_final}
    return with_final if has_final else without_final


def with_josa(word: str, pair: str) -> str:
    """Return the word followed by its correct particle."""
    return word + josa(word, pair)
