"""The lesson the fake streams: realistic blocks with a marker per stream, and its pace."""

from __future__ import annotations

import json
import re

CHUNK_CHARS = 4
CHUNK_DELAY = 0.02
MARKER = re.compile(r"\[(bench-[0-9-]+)\]")

_INTRO = (
    "안녕하세요! 이번 시간에는 프로그램이 값을 기억하는 방법인 변수에 대해 알아볼 거예요. "
    "변수는 값을 담아 두는 이름표 같은 것이라서, 한 번 이름을 붙여 두면 나중에 그 이름으로 "
    "언제든지 값을 다시 꺼내 쓸 수 있어요. 처음에는 낯설 수 있지만 천천히 따라오면 금방 "
    "익숙해질 거예요. 오늘 배운 내용은 다음 시간의 조건문과 반복문에서도 계속 쓰인답니다."
)
_DEFINITION = (
    "변수(variable)는 컴퓨터 메모리의 한 칸에 이름을 붙인 것이에요. 예를 들어 "
    "`score = 90`이라고 쓰면 score라는 이름의 칸에 90이 저장되고, print(score)를 "
    "실행하면 90이 출력돼요. 같은 이름에 새 값을 넣으면 이전 값은 사라지고 새 값으로 바뀝니다."
)
_COMPARISON = (
    "변수는 이름표가 붙은 서랍과 같아요. 서랍에 물건을 넣어 두고 이름표만 보면 "
    "어디에 무엇이 있는지 바로 찾을 수 있죠."
)
_DETAILS = (
    "서랍의 이름표 = 변수 이름",
    "서랍 속 물건 = 변수에 저장된 값",
    "물건을 바꿔 넣기 = 변수에 새 값을 대입하기",
)
_ITEMS = (
    (
        "게임 점수",
        "게임에서 현재 점수를 score 변수에 저장하고 득점할 때마다 더해요.",
        "점수가 바뀌어도 같은 이름으로 계속 관리할 수 있어요.",
    ),
    (
        "쇼핑몰 장바구니",
        "담은 상품의 개수를 count 변수에 기록해 화면 위쪽에 보여 줘요.",
        "여러 화면에서 같은 값을 함께 쓸 수 있어요.",
    ),
    (
        "날씨 앱",
        "오늘 기온을 temperature 변수에 담아 옷차림을 추천하는 데 써요.",
        "값 하나로 여러 계산을 할 수 있어요.",
    ),
)


def marker_of(index: int, level: int, run: int) -> str:
    """A marker no other stream of the whole benchmark uses."""
    return f"bench-{level}-{run}-{index:04d}"


def lesson_blocks(marker: str) -> list[dict]:
    """Eight blocks of realistic size; the header title carries `marker`."""
    header = {
        "block_type": "header",
        "data": {"chapter_info": "📚 2챕터 1섹션", "title": f"변수와 값 다루기 [{marker}]"},
    }
    intro = {"block_type": "section", "data": {"type": "introduction", "content": _INTRO}}

    def definition(n: int) -> dict:
        analogy = {
            "concept": "이름표가 붙은 서랍",
            "comparison": _COMPARISON,
            "details": list(_DETAILS),
        }
        data = {
            "type": "definition",
            "title": f"핵심 개념 {n}: 변수",
            "content": _DEFINITION,
            "analogy": analogy,
        }
        return {"block_type": "section", "data": data}

    def examples(n: int) -> dict:
        items = [{"category": c, "description": d, "benefit": b} for c, d, b in _ITEMS]
        data = {"type": "examples", "title": f"생활 속 예시 {n}", "items": items}
        return {"block_type": "section", "data": data}

    closing = {"block_type": "section", "data": {"type": "introduction", "content": _INTRO}}
    return [
        header,
        intro,
        definition(1),
        examples(1),
        definition(2),
        examples(2),
        definition(3),
        closing,
    ]


def lesson_document(marker: str) -> str:
    """The model's answer: the blocks as one JSON array."""
    return json.dumps(lesson_blocks(marker), ensure_ascii=False)


def block_end_offsets(document: str) -> list[int]:
    """The offset of the last character (closing brace) of every top-level array element."""
    decoder = json.JSONDecoder()
    position = document.index("[") + 1
    ends = []
    while True:
        while document[position] in " \t\r\n,":
            position += 1
        if document[position] == "]":
            return ends
        _, end = decoder.raw_decode(document, position)
        ends.append(end - 1)
        position = end
