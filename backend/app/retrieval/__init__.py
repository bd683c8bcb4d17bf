"""Retrieval of course materials: BM25 over Korean content morphemes."""

from backend.app.retrieval.index import (
    MaterialHit,
    MaterialIndex,
    get_index,
    search_theory_materials,
    warm_up,
)
from backend.app.retrieval.tokenizer import tokenize

__all__ = [
    "MaterialHit",
    "MaterialIndex",
    "get_index",
    "search_theory_materials",
    "tokenize",
    "warm_up",
]
