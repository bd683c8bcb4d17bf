"""BM25 search over the course materials, indexed once per process."""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass

import bm25s
import numpy as np

from backend.app.course import Material, Section, get_course
from backend.app.retrieval import tokenizer

# A longer query adds nothing a learner means, but would make one request hog the worker.
MAX_QUERY_CHARS = 500
# A material's title names its sub-topic, so a title word counts as much as several
# mentions in the body; section title and key concepts only say which lesson it is in.
TITLE_WEIGHT = 3
# Searches remembered per index: the sections' lesson queries and the most recent questions.
SEARCH_CACHE_SIZE = 512


@dataclass(frozen=True)
class MaterialHit:
    """One search result: a material, where it sits in the course, and its BM25 score."""

    material_id: str
    chapter_number: int
    section_number: int
    section_title: str
    title: str
    content: str
    score: float


def document_tokens(section: Section, material: Material) -> list[str]:
    """Return the tokens a material is indexed under: its text plus its section's headings."""
    title = tokenizer.tokenize(material.title)
    context = tokenizer.tokenize(" ".join((section.title, *section.key_concepts)))
    return title * TITLE_WEIGHT + tokenizer.tokenize(material.content) + context


class MaterialIndex:
    """A BM25 index of every course material; read-only once built."""

    def __init__(self, entries: list[tuple[Section, Material]]) -> None:
        """Tokenize and index the given materials, in the given order."""
        self._entries = entries
        self._bm25 = bm25s.BM25()
        self._bm25.index([document_tokens(*entry) for entry in entries], show_progress=False)
        self._vocab: dict[str, int] = self._bm25.vocab_dict
        # The index never changes once built, so a query always finds the same materials:
        # every lesson start of a section asks the same one (its title and key concepts),
        # and analysing it with Kiwi and scoring it was most of the search's cost. The cache
        # belongs to this index: an index built from other materials starts with its own.
        self._cached_search = functools.lru_cache(maxsize=SEARCH_CACHE_SIZE)(self._search)

    def __len__(self) -> int:
        return len(self._entries)

    def clear_search_cache(self) -> None:
        """Forget remembered searches (a benchmark timing the search itself needs this)."""
        self._cached_search.cache_clear()

    def search(
        self,
        query: str,
        *,
        chapter_number: int | None = None,
        section_number: int | None = None,
        top_k: int = 3,
    ) -> list[MaterialHit]:
        """Return up to top_k materials matching the query, best first, scores above zero."""
        if top_k <= 0:
            return []
        return list(
            self._cached_search(query[:MAX_QUERY_CHARS], chapter_number, section_number, top_k)
        )

    def _search(
        self, query: str, chapter_number: int | None, section_number: int | None, top_k: int
    ) -> tuple[MaterialHit, ...]:
        token_ids = [self._vocab[t] for t in tokenizer.tokenize(query) if t in self._vocab]
        if not token_ids:
            return ()
        scores = self._bm25.get_scores_from_ids(token_ids)
        # Stable sort: equal scores keep course order, so results never depend on luck.
        hits: list[MaterialHit] = []
        for position in np.argsort(-scores, kind="stable"):
            score = float(scores[position])
            if score <= 0:
                break
            section, material = self._entries[position]
            # Scope is applied to the global ranking so scores stay comparable across scopes.
            if chapter_number is not None and section.chapter_number != chapter_number:
                continue
            if section_number is not None and section.section_number != section_number:
                continue
            hits.append(_hit(section, material, score))
            if len(hits) == top_k:
                break
        return tuple(hits)


def _hit(section: Section, material: Material, score: float) -> MaterialHit:
    return MaterialHit(
        material_id=material.material_id,
        chapter_number=section.chapter_number,
        section_number=section.section_number,
        section_title=section.title,
        title=material.title,
        content=material.content,
        score=score,
    )


_index: MaterialIndex | None = None
_index_lock = threading.Lock()


def get_index() -> MaterialIndex:
    """Return the process-wide index of the shipped course, building it on first use."""
    global _index
    if _index is None:
        # Double-checked so concurrent first requests build it once and later calls never lock.
        with _index_lock:
            if _index is None:
                _index = MaterialIndex(get_course().all_materials())
    return _index


def warm_up() -> None:
    """Build the index (and load the Korean analyser) now rather than on the first question."""
    get_index()


def search_theory_materials(
    query: str,
    *,
    chapter_number: int | None = None,
    section_number: int | None = None,
    top_k: int = 3,
) -> list[MaterialHit]:
    """Return the course materials most relevant to a learner's query, best first."""
    if not query or not query.strip():
        return []
    return get_index().search(
        query, chapter_number=chapter_number, section_number=section_number, top_k=top_k
    )
