"""Problem analysis and problem variation (a fresh Korean story setting)."""

from __future__ import annotations

import json

from backend.app.llm.offline.problem_kinds import (
    DIFFICULTY_NAMES,
    infer_algorithm_type,
    kind_for,
    normalize_difficulty,
)
from backend.app.llm.offline.text_utils import pick, shorten, with_josa
from backend.app.llm.prompt_tags import find_lines, find_tag

# (place, opening, hero, items, spots, resource): the worlds a problem can be retold in.
_SETTINGS = (
    (
        "우주 정거장",
        "2150년, 지구 궤도의 우주 정거장에서는",
        "관제 로봇 누리",
        "화물 컨테이너",
        "모듈",
        "연료",
    ),
    ("마법 도서관", "오래된 마법 도서관에서는", "견습 사서 하린", "마법서", "서가", "마력"),
    (
        "해변 축제",
        "여름 해변 축제 준비가 한창인 마을에서는",
        "축제 기획자 도윤",
        "공연 일정",
        "부스",
        "예산",
    ),
    (
        "배달 로봇 회사",
        "도심을 누비는 배달 로봇 회사에서는",
        "신입 엔지니어 서연",
        "배달 주문",
        "교차로",
        "배터리",
    ),
    (
        "산속 캠핑장",
        "별이 잘 보이는 산속 캠핑장에서는",
        "관리인 지호",
        "예약 기록",
        "캠핑 사이트",
        "장작",
    ),
    (
        "e스포츠 대회",
        "전국 e스포츠 대회 현장에서는",
        "운영팀장 민준",
        "경기 기록",
        "경기장",
        "준비 시간",
    ),
    (
        "해저 연구소",
        "깊은 바닷속 해저 연구소에서는",
        "연구원 수아",
        "관측 데이터",
        "연구 구역",
        "산소",
    ),
    (
        "동네 빵집",
        "아침마다 줄이 길게 늘어서는 동네 빵집에서는",
        "제빵사 예준",
        "주문서",
        "진열대",
        "밀가루",
    ),
)
_TASKS = {
    "sorting": "{items_obj} 정해진 기준에 따라 순서대로 정리해야 합니다",
    "graph": "{spots} 사이의 연결 정보를 보고 가장 빠른 이동 경로를 찾아야 합니다",
    "dynamic_programming": "한정된 {resource} 안에서 얻을 수 있는 가치를 최대로 만들어야 합니다",
    "binary_search": "정렬된 {items}에서 원하는 값을 빠르게 찾아내야 합니다",
    "two_pointer": "연속으로 이어진 {items} 가운데 조건을 만족하는 가장 짧은 구간을 찾아야 합니다",
    "string": "기록된 {items}의 문자열을 짧고 읽기 쉽게 바꿔야 합니다",
    "greedy": "겹치지 않게 최대한 많은 일정을 {spots}에 배치해야 합니다",
    "hash": "{items} 가운데 가장 자주 등장한 항목을 찾아내야 합니다",
    "stack": "{items}에 적힌 기호들의 짝이 올바른지 확인해야 합니다",
    "queue": "대기열에 쌓인 {items_obj} 규칙에 따라 차례로 처리해야 합니다",
    "heap": "쌓여 가는 {items} 중 가장 급한 것부터 처리해야 합니다",
    "implementation": "정해진 규칙에 따라 {spots} 사이의 움직임을 그대로 재현해야 합니다",
}
_TITLES = ("{place}의 {name} 대작전", "{place} {name} 미션", "{hero}의 하루: {place} 편")


def _dump(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def compose_analysis(text: str) -> str:
    """Return the JSON analysis: algorithm type, key concepts, difficulty and summary."""
    prompt = find_tag(text, "prompt") or ""
    given = find_tag(text, "algorithm_type") or ""
    algorithm_type = kind_for(given).key if given else infer_algorithm_type(prompt)
    kind = kind_for(algorithm_type)
    difficulty = normalize_difficulty(find_tag(text, "difficulty"))
    summary = f"{kind.name} 유형의 {DIFFICULTY_NAMES[difficulty]} 문제입니다."
    if prompt:
        request = shorten(prompt, 80).rstrip(".")
        summary += f" 요청 내용: {request}."
    summary += f" 핵심은 {', '.join(kind.concepts[:2])}입니다."
    return _dump(
        {
            "algorithm_type": kind.key,
            "key_concepts": list(kind.concepts),
            "difficulty": difficulty,
            "summary": summary,
        }
    )


def compose_variation(text: str) -> str:
    """Return the JSON variation: a new title and story scenario for the problem."""
    prompt = find_tag(text, "prompt") or ""
    difficulty = normalize_difficulty(find_tag(text, "difficulty"))
    given = find_tag(text, "algorithm_type") or infer_algorithm_type(prompt)
    kind = kind_for(given)
    concepts = find_lines(text, "key_concepts", split_commas=True)
    seed = (prompt, difficulty, kind.key, *concepts)
    place, opening, hero, items, spots, resource = pick(_SETTINGS, *seed)
    task = _TASKS.get(kind.key, _TASKS["implementation"]).format(
        items=items, items_obj=with_josa(items, "을/를"), spots=spots, resource=resource
    )
    scenario = (
        f"{opening} {with_josa(hero, '이/가')} 중요한 임무를 맡았습니다. "
        f"{with_josa(hero, '은/는')} {task}. "
    )
    if concepts:
        scenario += f"이 임무의 열쇠는 {', '.join(concepts[:3])}입니다. "
    scenario += f"여러분이 {with_josa(hero, '을/를')} 도와 문제를 해결해 주세요!"
    title = pick(_TITLES, *seed, "title").format(place=place, name=kind.name, hero=hero)
    return _dump({"title": title, "scenario": scenario})
