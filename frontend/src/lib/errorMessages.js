// The backend's error codes (DESIGN 4.0) in the learner's language.
const MESSAGES = {
  NETWORK_ERROR: '서버에 연결할 수 없어요. 네트워크를 확인해 주세요.',
  UNAUTHORIZED: '로그인이 필요해요.',
  TOKEN_EXPIRED: '로그인이 만료됐어요. 다시 로그인해 주세요.',
  FORBIDDEN: '이 작업을 할 권한이 없어요.',
  NOT_FOUND: '찾을 수 없어요.',
  CONFLICT: '이미 있는 항목이에요.',
  VALIDATION_ERROR: '입력을 확인해 주세요.',
  PAYLOAD_TOO_LARGE: '입력이 너무 길어요.',
  RATE_LIMITED: '요청이 너무 많아요. 잠시 후 다시 시도해 주세요.',
  INTERNAL_ERROR: '서버에서 문제가 생겼어요. 잠시 후 다시 시도해 주세요.',
  GENERATION_FAILED: 'AI가 내용을 만들지 못했어요. 다시 시도해 주세요.',
  UPSTREAM_UNAVAILABLE: 'AI 서비스가 잠시 응답하지 않아요. 잠시 후 다시 시도해 주세요.',
  STORE_UNAVAILABLE: '저장소가 잠시 응답하지 않아요. 잠시 후 다시 시도해 주세요.',
  INVALID_SESSION: '이 스트림은 더 이상 사용할 수 없어요. 다시 시작해 주세요.',
  RUN_ABORTED: '생성이 중간에 멈췄어요. 다시 시도해 주세요.',
  CANCELLED: '중단했어요.',
}

/** A Korean message for an error code; `fallback` when the code is not known. */
export function messageFor(code, fallback = '요청을 처리하지 못했어요.') {
  return MESSAGES[code] ?? fallback
}
