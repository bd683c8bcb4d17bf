"""Wording of each lesson block for the beginner, advanced and retry styles."""

from __future__ import annotations

from backend.app.llm.offline.lesson_spec import LessonSpec
from backend.app.llm.offline.text_utils import josa, pick, with_josa

# (name, what it does, its parts): everyday pictures the key concepts are mapped onto.
_ANALOGIES = (
    (
        "요리 레시피",
        "정해진 재료와 순서를 따라 요리를 완성하는 것",
        ("재료", "조리 순서", "완성된 요리"),
    ),
    (
        "도서관 사서",
        "수많은 책을 분류해 두었다가 필요한 책을 찾아 주는 것",
        ("책 분류", "색인 카드", "대출 창구"),
    ),
    (
        "내비게이션",
        "현재 위치와 목적지를 보고 가장 좋은 길을 안내하는 것",
        ("현재 위치", "지도 정보", "안내 경로"),
    ),
    (
        "레고 블록",
        "작은 블록을 조합해 큰 작품을 만드는 것",
        ("기본 블록", "조립 설명서", "완성 작품"),
    ),
    (
        "학교 시간표",
        "과목과 시간을 정해 하루를 체계적으로 운영하는 것",
        ("과목", "시간 배치", "하루 일과"),
    ),
    (
        "택배 물류 센터",
        "물건을 받아 분류하고 알맞은 곳으로 보내는 것",
        ("입고", "분류 작업", "배송"),
    ),
)
_DEFINITION_SENTENCES = {"beginner": 2, "advanced": 3, "retry": 2}
_EXAMPLE_COUNT = {"beginner": 3, "advanced": 4, "retry": 2}
_BENEFITS = {
    "beginner": (
        "이 예시를 떠올리면 {cat} 개념이 훨씬 친숙하게 느껴질 거예요.",
        "실생활과 연결해 두면 오래 기억하기 쉬워요.",
        "개념이 실제로 어떻게 쓰이는지 한눈에 볼 수 있어요.",
    ),
    "advanced": (
        "{cat}의 적용 범위와 한계를 구체적으로 파악할 수 있습니다.",
        "설계 시 고려해야 할 트레이드오프를 이해하는 데 도움이 됩니다.",
        "이론과 실제 구현 사이의 연결 고리를 확인할 수 있습니다.",
    ),
    "retry": ("이렇게 보면 쉽죠?", "생활 속 장면으로 기억해 두세요."),
}


def header_block(spec: LessonSpec) -> dict:
    """Return the header block with chapter info and title."""
    info = f"📚 {spec.chapter}챕터 {spec.section}섹션"
    return {"block_type": "header", "data": {"chapter_info": info, "title": f"{spec.title} 🤖"}}


def introduction_block(spec: LessonSpec) -> dict:
    """Return the introduction: friendly, dense, or an easier retry opening."""
    title, goals = spec.title, spec.objectives
    if spec.style == "retry":
        text = (
            f"괜찮아요! '{title}'{josa(title, '을/를')} 더 쉽게 다시 설명해 드릴게요 🙂 "
            "어려운 말은 빼고, 짧은 문장으로 하나씩 볼게요."
        )
    elif spec.style == "advanced":
        text = f"이번 섹션에서는 {title}의 핵심 개념과 동작 원리를 정리합니다."
        if goals:
            text += f" 학습 목표: {'; '.join(goals)}."
        if spec.key_concepts:
            text += f" 핵심 키워드는 {', '.join(spec.key_concepts)}입니다."
    else:
        text = f"안녕하세요! 이번 시간에는 '{title}'에 대해 함께 알아볼 거예요 😊"
        if goals:
            marks = "①②③④⑤⑥⑦⑧⑨"
            listed = " ".join(f"{marks[i % 9]} {goal}" for i, goal in enumerate(goals))
            text += f" 오늘의 학습 목표는 다음과 같아요. {listed}."
        text += " 어려운 내용도 차근차근 풀어 볼 테니 편하게 따라와 주세요!"
    return {"block_type": "section", "data": {"type": "introduction", "content": text}}


def definition_block(spec: LessonSpec, sentences: list[str]) -> tuple[dict, int]:
    """Return the definition block and how many leading sentences it used."""
    # Leave at least two sentences for the examples when the materials are short.
    used = max(1, min(_DEFINITION_SENTENCES[spec.style], len(sentences) - 2))
    lead = sentences[:used]
    concept = spec.concept
    if spec.style == "retry":
        content = (
            f"한 문장으로 말하면 이래요. {min(lead, key=len)} 어렵게 생각하지 않아도 괜찮아요."
        )
    elif spec.style == "advanced":
        content = "정의: " + " ".join(lead)
        if len(spec.key_concepts) > 1:
            content += f" 관련 개념: {', '.join(spec.key_concepts[1:])}."
    else:
        content = " ".join(lead) + " 쉽게 말해, 아래 비유처럼 생각하면 돼요!"
    data = {
        "type": "definition",
        "title": f"{with_josa(concept, '이/가')} 뭔가요? 🔍",
        "content": content,
        "analogy": _analogy(spec),
    }
    return {"block_type": "section", "data": data}, used


def _analogy(spec: LessonSpec) -> dict:
    concept = spec.concept
    name, how, parts = pick(_ANALOGIES, concept, spec.title)
    if spec.style == "retry":
        comparison = f"{with_josa(concept, '은/는')} {with_josa(name, '와/과')} 같아요."
        detail = "{part} = {kc}"
    elif spec.style == "advanced":
        comparison = (
            f"{with_josa(concept, '을/를')} {name}에 비유할 수 있습니다. "
            f"{with_josa(how, '와/과')} 유사하지만, 실제로는 각 구성 요소의 역할과 제약이 "
            "더 엄밀하게 정의됩니다."
        )
        detail = "{kc} — " + name + "의 '{part}'에 대응"
    else:
        comparison = (
            f"{with_josa(concept, '은/는')} {with_josa(name, '와/과')} 비슷해요. {how}처럼요!"
        )
        detail = "{part_topic} {kc}에 해당해요"
    details = [
        detail.format(part=part, kc=kc, part_topic=with_josa(part, "은/는"))
        for part, kc in zip(parts, spec.key_concepts, strict=False)
    ]
    fillers = {
        "beginner": f"{name}에서 각 단계의 역할이 중요하듯, {concept}에서도 각 요소의 역할이 중요해요.",
        "advanced": f"비유의 한계: {with_josa(name, '와/과')} 달리 {concept}에는 명확한 정의와 전제 조건이 있습니다.",
        "retry": "하나씩 차근차근 보면 어렵지 않아요.",
    }
    if len(details) < 2:
        details.append(fillers[spec.style])
    if len(details) < 2:
        details.append(f"{name}의 '{parts[0]}'부터 떠올려 보세요.")
    return {"concept": concept, "comparison": comparison, "details": details}


def examples_block(spec: LessonSpec, sentences: list[str]) -> dict:
    """Return the examples block built from the sentences the definition did not use."""
    count = _EXAMPLE_COUNT[spec.style]
    chosen = sentences[:count]
    if spec.style == "retry":
        # Easier wording: the shortest sentences, kept in reading order.
        shortest = sorted(sentences[: count + 2], key=len)[:count]
        chosen = [s for s in sentences[: count + 2] if s in shortest][:count]
    descriptions = chosen + _outline_examples(spec)[: max(0, 2 - len(chosen))]
    prefix = "적용 사례" if spec.style == "advanced" else "예시"
    items, taken = [], set()
    for index, description in enumerate(descriptions, start=1):
        matched = next(
            (
                kc
                for kc in spec.key_concepts
                if kc.lower() in description.lower() and kc not in taken
            ),
            None,
        )
        category = matched or f"{prefix} {index}"
        taken.add(category)
        benefits = _BENEFITS[spec.style]
        # A numbered label reads badly inside a sentence; name the main concept instead.
        benefit = benefits[(index - 1) % len(benefits)].format(cat=matched or spec.concept)
        items.append({"category": category, "description": description, "benefit": benefit})
    data = {"type": "examples", "title": f"{spec.title} 예시들 💡", "items": items}
    return {"block_type": "section", "data": data}


def _outline_examples(spec: LessonSpec) -> list[str]:
    # Padding when the materials run out: one line per objective, then per concept.
    lines = [f"{goal} — 이 목표를 실제 상황에 적용해 보는 예시예요." for goal in spec.objectives]
    lines += [
        f"{with_josa(kc, '이/가')} 실제로 쓰이는 장면을 떠올려 보세요." for kc in spec.key_concepts
    ]
    # Generic lines last, so even a bare outline yields the two items the block needs.
    return [
        *lines,
        f"{with_josa(spec.title, '을/를')} 주변의 서비스나 생활 속에서 찾아보세요.",
        f"{with_josa(spec.title, '이/가')} 없다면 무엇이 불편해질지 상상해 보세요.",
    ]
