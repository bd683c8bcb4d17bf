// What a problem's verification (its reference solution run on every example) says, in words.

const BADGES = {
  passed: { kind: 'passed', icon: '✓', label: '예제 검증됨' },
  failed: { kind: 'failed', icon: '✗', label: '검증 실패' },
  // Skipped and never verified (an older problem, or verification turned off) read alike.
  none: { kind: 'none', icon: '–', label: '검증 안 함' },
}

/** The badge for a verification status ("passed" | "failed" | "skipped" | null). */
export function verificationBadge(status) {
  return BADGES[status] ?? BADGES.none
}

/**
 * The check of example `index` (0-based into `problem.examples`), or null when the
 * verification has none (skipped, absent, or an example the server did not run).
 */
export function exampleCheck(verification, index) {
  if (!verification || verification.status === 'skipped') return null
  return verification.examples?.find((check) => check.index === index) ?? null
}
