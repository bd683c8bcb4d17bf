"""Algorithm types: keyword inference from a prompt, Korean names and key concepts."""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_TYPE = "implementation"
DIFFICULTIES = ("easy", "medium", "hard")
DIFFICULTY_NAMES = {"easy": "쉬운", "medium": "중간 난이도의", "hard": "어려운"}


@dataclass(frozen=True)
class AlgorithmKind:
    """One algorithm type with the words that reveal it and the concepts it needs."""

    key: str
    name: str
    korean_words: tuple[str, ...]
    english_words: tuple[str, ...]
    concepts: tuple[str, ...]

    def matches(self, prompt: str) -> bool:
        """Return whether the prompt mentions this type (Korean substrings, English words)."""
        if any(word in prompt for word in self.korean_words):
            return True
        # English words must start a word, so "dp" does not match "endpoint".
        return any(re.search(rf"\b{word}", prompt, re.IGNORECASE) for word in self.english_words)


# Most specific first: "이분 탐색" must win over a generic word appearing in the same prompt.
KINDS = (
    AlgorithmKind(
        "binary_search",
        "이분 탐색",
        ("이분 탐색", "이진 탐색", "이분탐색", "이진탐색", "매개 변수 탐색"),
        ("binary search", "bisect", "lower bound", "upper bound"),
        ("탐색 범위 절반 줄이기", "정렬된 배열", "lower bound", "시간 복잡도 O(log N)"),
    ),
    AlgorithmKind(
        "two_pointer",
        "투 포인터",
        ("투 포인터", "투포인터", "두 포인터", "슬라이딩 윈도우"),
        ("two pointer", "two-pointer", "sliding window"),
        ("두 개의 인덱스", "구간 합", "슬라이딩 윈도우", "시간 복잡도 O(N)"),
    ),
    AlgorithmKind(
        "dynamic_programming",
        "동적 계획법",
        ("동적", "다이나믹", "점화식", "메모이제이션", "배낭"),
        ("dp", "dynamic", "memoization", "knapsack"),
        ("부분 문제", "점화식", "메모이제이션", "최적 부분 구조"),
    ),
    AlgorithmKind(
        "graph",
        "그래프 탐색",
        ("그래프", "최단", "너비 우선", "깊이 우선", "트리", "미로", "경로"),
        ("graph", "bfs", "dfs", "shortest path", "dijkstra", "tree", "maze"),
        ("정점과 간선", "인접 리스트", "너비 우선 탐색(BFS)", "방문 처리"),
    ),
    AlgorithmKind(
        "heap",
        "우선순위 큐",
        ("우선순위 큐", "우선순위큐", "힙"),
        ("heap", "priority queue"),
        ("최소 힙", "우선순위", "삽입과 삭제 O(log N)"),
    ),
    AlgorithmKind(
        "sorting",
        "정렬",
        ("정렬", "순서대로", "오름차순", "내림차순"),
        ("sort", "order by"),
        ("정렬 기준", "안정 정렬", "다중 키 비교", "시간 복잡도 O(N log N)"),
    ),
    AlgorithmKind(
        "greedy",
        "그리디",
        ("그리디", "탐욕", "욕심쟁이"),
        ("greedy",),
        ("탐욕적 선택", "정렬 후 선택", "최적해 증명"),
    ),
    AlgorithmKind(
        "hash",
        "해시",
        ("해시", "딕셔너리", "빈도", "등장 횟수"),
        ("hash", "dictionary", "counter"),
        ("해시 맵", "키-값 저장", "빈도 세기", "평균 O(1) 조회"),
    ),
    AlgorithmKind(
        "stack",
        "스택",
        ("스택", "괄호"),
        ("stack", "parenthes", "bracket"),
        ("후입선출(LIFO)", "짝 맞추기", "스택 push/pop"),
    ),
    AlgorithmKind(
        "queue",
        "큐",
        ("큐", "대기열", "줄 서기"),
        ("queue", "deque"),
        ("선입선출(FIFO)", "덱(deque)", "순환 처리"),
    ),
    AlgorithmKind(
        "string",
        "문자열",
        ("문자열", "문자", "단어", "회문", "팰린드롬"),
        ("string", "palindrome", "substring", "text"),
        ("문자열 순회", "연속 구간 처리", "문자 비교"),
    ),
    AlgorithmKind(
        DEFAULT_TYPE,
        "구현",
        ("구현", "시뮬레이션"),
        ("implement", "simulation"),
        ("문제 조건 그대로 구현", "시뮬레이션", "경계 조건 처리"),
    ),
)
_BY_KEY = {kind.key: kind for kind in KINDS}


def infer_algorithm_type(prompt: str) -> str:
    """Return the algorithm type a prompt talks about, ``implementation`` when unsure."""
    return next((kind.key for kind in KINDS if kind.matches(prompt)), DEFAULT_TYPE)


def kind_for(algorithm_type: str) -> AlgorithmKind:
    """Return the kind for a type key (aliases like "dp" or "bfs" accepted)."""
    key = (algorithm_type or "").strip().lower().replace("-", "_").replace(" ", "_")
    if key in _BY_KEY:
        return _BY_KEY[key]
    return _BY_KEY[infer_algorithm_type(algorithm_type.replace("_", " "))]


def normalize_difficulty(value: str | None) -> str:
    """Return easy, medium or hard (medium when missing or unknown)."""
    lowered = (value or "").strip().lower()
    korean = {"쉬움": "easy", "하": "easy", "보통": "medium", "중": "medium", "어려움": "hard"}
    lowered = korean.get(lowered, lowered)
    return lowered if lowered in DIFFICULTIES else "medium"
