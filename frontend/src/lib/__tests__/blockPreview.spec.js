import { describe, expect, it } from 'vitest'

import { codePointLength, codePointSlice, nextPreview, useBlockPreview } from '@/lib/blockPreview'

import { lesson } from './fakeStream'

const { preview: p } = lesson

/** Apply `events` to a fresh preview state whose rendered blocks are `rendered`. */
function play(events, rendered = new Set()) {
  const state = useBlockPreview((id) => rendered.has(id))
  for (const event of events) state.handleBlockPreview(event)
  return state
}

describe('code points', () => {
  it('counts and slices by code point, not UTF-16 unit', () => {
    expect(codePointLength('임베딩')).toBe(3)
    expect(codePointLength('a😀b')).toBe(3) // the emoji is two UTF-16 units
    expect('a😀b'.length).toBe(4)
    expect(codePointSlice('a😀b', 2)).toBe('a😀')
    expect(codePointSlice('a😀b', 0)).toBe('')
    expect(codePointSlice('ab', 5)).toBe('ab')
  })
})

describe('nextPreview', () => {
  it('appends text at the offset it was sent for', () => {
    const state = play([p(3, 0, '임베딩은 토큰을'), p(3, 8, ' 수천 개의 실수로')])
    expect(state.preview.value).toMatchObject({
      block_id: 3,
      block_type: 'section',
      text: '임베딩은 토큰을 수천 개의 실수로',
      length: 18,
    })
  })

  it('counts offsets in code points, emoji included', () => {
    // '📚 2챕터' is 5 code points but 6 UTF-16 units: the next text goes at offset 5.
    const state = play([p(1, 0, '📚 2챕터', 'header'), p(1, 5, ' 1섹션'), p(1, 9, '\n제목')])
    expect(state.preview.value.text).toBe('📚 2챕터 1섹션\n제목')
    expect(state.preview.value.length).toBe(12)
  })

  it('offset 0 starts the block afresh (a reconnect sends it whole again)', () => {
    const state = play([p(2, 0, '앞부분'), p(2, 3, ' 뒤'), p(2, 0, '앞부분 뒤와 더')])
    expect(state.preview.value.text).toBe('앞부분 뒤와 더')
  })

  it('a block that turned out invalid is cleared by the next first preview with its id', () => {
    const state = play([p(4, 0, '{잘못된 블록의'), p(4, 8, ' 글'), p(4, 0, '새 블록')])
    expect(state.preview.value).toMatchObject({ block_id: 4, text: '새 블록', length: 4 })
  })

  it('keeps the text before an offset that comes again, and ignores gaps', () => {
    let state = play([p(2, 0, 'abcd'), p(2, 2, 'XY')])
    expect(state.preview.value.text).toBe('abXY')
    state = play([p(2, 0, 'ab'), p(2, 5, 'lost')])
    expect(state.preview.value.text).toBe('ab')
  })

  it('ignores a later part of a block whose start it did not see, and malformed events', () => {
    const state = play([p(2, 0, '블록 2'), p(3, 4, '중간부터')])
    expect(state.preview.value).toMatchObject({ block_id: 2, text: '블록 2' })
    const current = state.preview.value
    for (const odd of [null, {}, p(0, 0, 'x'), p(2, -1, 'x'), { ...p(2, 4, 'x'), text: 5 }]) {
      expect(nextPreview(current, odd)).toBe(current)
    }
    expect(play([p(3, 2, 'x')]).preview.value).toBeNull()
  })
})

describe('useBlockPreview', () => {
  it('the rendered block replaces its preview, and is marked as previewed', () => {
    const state = play([p(1, 0, '제목', 'header')])
    state.settleBlock(1)
    expect(state.preview.value).toBeNull()
    expect(state.wasPreviewed(1)).toBe(true)
    expect(state.wasPreviewed(2)).toBe(false)
  })

  it('a rendered block does not clear the preview of the block after it', () => {
    const state = play([p(3, 0, '다음 블록')])
    state.settleBlock(2)
    expect(state.preview.value.block_id).toBe(3)
  })

  it('ignores previews of blocks already rendered (a late poll from another worker)', () => {
    const rendered = new Set([1, 2])
    const state = play([p(2, 0, '이미 받은 블록'), p(1, 0, '더 이전')], rendered)
    expect(state.preview.value).toBeNull()
    state.handleBlockPreview(p(3, 0, '새 블록'))
    expect(state.preview.value.block_id).toBe(3)
  })

  it('resetPreview forgets the lesson, clearPreview only the text shown', () => {
    const state = play([p(1, 0, '제목', 'header')])
    state.clearPreview()
    expect([state.preview.value, state.wasPreviewed(1)]).toEqual([null, true])
    state.resetPreview()
    expect(state.wasPreviewed(1)).toBe(false)
  })
})
