"""What the supervisor says to the learner when it answers by itself."""

LESSON_READY = "{chapter_info} '{title}' 수업을 준비했어요."
COURSE_COMPLETED = (
    "축하해요! 코스의 마지막 섹션까지 모두 마쳤어요. 🎉 다른 섹션을 다시 열어 복습해 보세요."
)
UNKNOWN_INTENT = (
    "궁금한 점은 편하게 질문해 주세요. '다음'이라고 보내면 다음 섹션으로 넘어가고, "
    "'더 쉽게 설명해 주세요'라고 보내면 이번 섹션을 더 쉽게 다시 배울 수 있어요."
)
