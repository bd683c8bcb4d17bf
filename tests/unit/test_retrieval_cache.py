"""The index remembers its searches: the same answers, once per process, per index."""

from __future__ import annotations

from backend.app.course import get_course
from backend.app.retrieval import get_index, search_theory_materials, tokenizer
from backend.app.retrieval.index import MaterialIndex

LESSON_QUERY = "임베딩 벡터 유사도"


def counting_tokenizer(monkeypatch) -> list[str]:
    """Record every text the index analyses from now on."""
    analysed: list[str] = []
    real = tokenizer.tokenize

    def tokenize(text: str) -> list[str]:
        analysed.append(text)
        return real(text)

    monkeypatch.setattr(tokenizer, "tokenize", tokenize)
    return analysed


def test_a_repeated_search_is_answered_without_analysing_the_query_again(monkeypatch):
    index = MaterialIndex(get_course().all_materials())
    analysed = counting_tokenizer(monkeypatch)
    first = index.search(LESSON_QUERY, chapter_number=2, top_k=4)
    second = index.search(LESSON_QUERY, chapter_number=2, top_k=4)
    assert first and second == first
    assert analysed == [LESSON_QUERY]


def test_remembered_answers_equal_fresh_ones(monkeypatch):
    index = MaterialIndex(get_course().all_materials())
    remembered = index.search(LESSON_QUERY, top_k=5)
    index.clear_search_cache()
    analysed = counting_tokenizer(monkeypatch)
    assert index.search(LESSON_QUERY, top_k=5) == remembered
    assert analysed == [LESSON_QUERY]


def test_scope_and_size_are_part_of_what_is_remembered():
    index = MaterialIndex(get_course().all_materials())
    everywhere = index.search(LESSON_QUERY, top_k=5)
    assert len(index.search(LESSON_QUERY, top_k=1)) == 1
    scoped = index.search(LESSON_QUERY, chapter_number=1, top_k=5)
    assert {hit.chapter_number for hit in scoped} == {1}
    assert index.search(LESSON_QUERY, top_k=5) == everywhere


def test_an_index_of_other_materials_does_not_answer_from_the_first_ones_memory():
    materials = get_course().all_materials()
    whole = MaterialIndex(materials)
    assert whole.search(LESSON_QUERY, top_k=3)
    # The same query against an index rebuilt without those materials (the course
    # changed): its answers come from its own materials only.
    found = {hit.material_id for hit in whole.search(LESSON_QUERY, top_k=50)}
    rest = [(s, m) for s, m in materials if m.material_id not in found]
    smaller = MaterialIndex(rest)
    assert not {hit.material_id for hit in smaller.search(LESSON_QUERY, top_k=50)} & found


def test_a_caller_changing_its_list_does_not_change_the_next_answer():
    hits = search_theory_materials(LESSON_QUERY, top_k=3)
    expected = list(hits)
    hits.clear()
    assert search_theory_materials(LESSON_QUERY, top_k=3) == expected


def test_the_process_index_keeps_its_memory_between_calls(monkeypatch):
    search_theory_materials(LESSON_QUERY, section_number=1, top_k=2)
    analysed = counting_tokenizer(monkeypatch)
    search_theory_materials(LESSON_QUERY, section_number=1, top_k=2)
    assert analysed == []
    assert get_index() is get_index()
