import { describe, expect, it } from 'vitest'

import { exampleCheck, verificationBadge } from '@/lib/verification'

describe('verificationBadge', () => {
  it.each([
    ['passed', 'passed', '예제 검증됨'],
    ['failed', 'failed', '검증 실패'],
    ['skipped', 'none', '검증 안 함'],
    [null, 'none', '검증 안 함'],
    [undefined, 'none', '검증 안 함'],
    ['something new', 'none', '검증 안 함'],
  ])('reads %s as %s (%s)', (status, kind, label) => {
    expect(verificationBadge(status)).toMatchObject({ kind, label })
  })
})

describe('exampleCheck', () => {
  const verification = {
    status: 'failed',
    examples: [
      { index: 1, passed: false, actual: '3' },
      { index: 0, passed: true },
    ],
    runtime_ms: 40,
    repaired: true,
  }

  it('finds a check by its 0-based example index, not by its position', () => {
    expect(exampleCheck(verification, 0)).toEqual({ index: 0, passed: true })
    expect(exampleCheck(verification, 1)).toMatchObject({ passed: false, actual: '3' })
  })

  it('has nothing for an example not run, a skipped or an absent verification', () => {
    expect(exampleCheck(verification, 2)).toBeNull()
    expect(exampleCheck({ status: 'skipped', reason: 'no bwrap', examples: [] }, 0)).toBeNull()
    expect(exampleCheck(null, 0)).toBeNull()
    expect(exampleCheck({ status: 'passed' }, 0)).toBeNull()
  })
})
