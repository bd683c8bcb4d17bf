"""What the educator records in the conversation when a streamed lesson does not finish."""

LESSON_CANCELLED = "수업을 중간에 멈췄어요. 지금까지 {delivered}개 블록을 전달했어요."
LESSON_FAILED = (
    "수업을 끝까지 만들지 못했어요. 지금까지 {delivered}개 블록을 전달했어요. 다시 시도해 주세요."
)
