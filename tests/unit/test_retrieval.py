"""Retrieval: recall on labelled learner questions, scope filters, ordering and the tokenizer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backend.app.course import get_course
from backend.app.retrieval import get_index, search_theory_materials, tokenize
from backend.app.retrieval.index import MAX_QUERY_CHARS

LABELS_PATH = Path(__file__).resolve().parent.parent / "data" / "retrieval_labels.json"
MIN_RECALL_AT_3 = 0.9


def _labels() -> list[dict[str, str]]:
    return json.loads(LABELS_PATH.read_text(encoding="utf-8"))["labels"]


def test_labels_are_valid_and_cover_every_material():
    labels = _labels()
    known = {material.material_id for _, material in get_course().all_materials()}
    assert len(labels) >= 36
    assert len({label["query"] for label in labels}) == len(labels)
    assert {label["material_id"] for label in labels} == known


def test_recall_at_3_over_the_whole_course():
    labels = _labels()
    misses = []
    for label in labels:
        found = [hit.material_id for hit in search_theory_materials(label["query"], top_k=3)]
        if label["material_id"] not in found:
            misses.append((label["query"], label["material_id"], found))
    recall = 1 - len(misses) / len(labels)
    print(f"\nrecall@3 = {recall:.3f} ({len(labels) - len(misses)}/{len(labels)})")
    for miss in misses:
        print("  miss:", *miss)
    assert recall >= MIN_RECALL_AT_3, misses


def test_hits_carry_the_material_and_its_place_in_the_course():
    hits = search_theory_materials("코사인 유사도는 어떻게 계산해요?")
    assert hits[0].material_id == "ch2_s2_m4"
    best = hits[0]
    section = get_course().section(best.chapter_number, best.section_number)
    material = next(m for m in section.materials if m.material_id == best.material_id)
    assert (best.section_title, best.title, best.content) == (
        section.title,
        material.title,
        material.content,
    )
    assert isinstance(best.score, float)


def test_results_are_sorted_positive_and_limited_to_top_k():
    hits = search_theory_materials("트랜스포머의 어텐션과 임베딩, 토큰", top_k=5)
    assert len(hits) == 5
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(score > 0 for score in scores)
    assert search_theory_materials("트랜스포머", top_k=0) == []


def test_search_is_deterministic():
    first = search_theory_materials("LLM이 환각을 일으키는 이유", top_k=10)
    assert all(
        search_theory_materials("LLM이 환각을 일으키는 이유", top_k=10) == first for _ in range(3)
    )


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "은는이가을를", "?!...", "zzqqxx qwerty"])
def test_queries_without_known_content_words_return_nothing(query):
    assert search_theory_materials(query) == []


def test_chapter_filter_keeps_global_ranking_and_scores():
    query = "임베딩 벡터와 검색"
    everything = search_theory_materials(query, top_k=50)
    scoped = search_theory_materials(query, chapter_number=3, top_k=50)
    assert scoped
    assert all(hit.chapter_number == 3 for hit in scoped)
    assert scoped == [hit for hit in everything if hit.chapter_number == 3]


def test_section_filter():
    hits = search_theory_materials("어텐션", chapter_number=2, section_number=3, top_k=10)
    assert hits
    assert {(hit.chapter_number, hit.section_number) for hit in hits} == {(2, 3)}
    assert search_theory_materials("어텐션", chapter_number=1, section_number=1) == []


def test_section_filter_without_chapter_keeps_that_section_number_in_every_chapter():
    hits = search_theory_materials("학습", section_number=1, top_k=50)
    assert hits
    assert {hit.section_number for hit in hits} == {1}


def test_huge_query_is_capped():
    hits = search_theory_materials("트랜스포머 " * 10_000)
    assert hits
    assert hits == search_theory_materials(("트랜스포머 " * 10_000)[:MAX_QUERY_CHARS])


def test_index_is_built_once_and_covers_every_material():
    index = get_index()
    assert get_index() is index
    assert len(index) == len(get_course().all_materials())


def test_tokenizer_drops_particles_and_endings():
    assert tokenize("LLM이란 무엇인가요?") == ["llm"]
    tokens = tokenize("임베딩은 단어를 벡터로 바꿉니다.")
    assert tokens == ["임베딩", "단어", "벡터", "바꾸"]
    assert not {"은", "를", "로", "ㅂ니다", "."} & set(tokens)


def test_tokenizer_lowercases_english_and_keeps_numbers():
    assert tokenize("GPT-3의 Embedding") == ["gpt", "3", "embedding"]


def test_tokenizer_keeps_course_terms_whole():
    # The same term must give the same token in a question and in the material's prose.
    assert "역전파" in tokenize("역전파 알고리즘이 뭔지")
    assert "역전파" in tokenize("역전파(backpropagation)는 출력층에서 입력층 방향으로")
    assert "과적합" in tokenize("과적합이란?")


def test_tokenizer_handles_empty_text():
    assert tokenize("") == []
    assert tokenize("   ") == []
