import { describe, expect, it, vi } from 'vitest'

import { useLessonStatus } from '@/lib/lessonStatus'

import { lesson } from './fakeStream'

function status() {
  const onBlock = vi.fn()
  const onEnd = vi.fn()
  return { onBlock, onEnd, ...useLessonStatus({ onBlock, onEnd }) }
}

describe('useLessonStatus', () => {
  it('follows a stream from its start to its summary, handing blocks on', () => {
    const s = status()
    s.handleTheoryEvent({ type: 'stream_start', estimated_blocks: 4 })
    expect([s.theoryStreamingState.value, s.estimatedBlocks.value]).toEqual(['streaming', 4])
    s.handleTheoryEvent({ type: 'theory_block', ...lesson.block(1) })
    expect(s.onBlock).toHaveBeenCalledWith(expect.objectContaining({ block_id: 1 }))
    expect(s.onEnd).not.toHaveBeenCalled()
    s.handleTheoryEvent({ type: 'stream_complete', total_blocks: 1, skipped_blocks: 2 })
    expect(s.theoryStreamingState.value).toBe('completed')
    expect(s.skippedBlocks.value).toBe(2)
    expect(s.onEnd).toHaveBeenCalledTimes(1)
  })

  it('tells a stopped lesson from a failed one, and ignores events it does not know', () => {
    const s = status()
    s.handleTheoryEvent({ type: 'block_preview', block_id: 1, text: '...' })
    expect(s.theoryStreamingState.value).toBe('idle')
    s.handleTheoryEvent({ type: 'stream_error', code: 'CANCELLED' })
    expect([s.theoryStreamingState.value, s.error.value]).toEqual(['cancelled', null])
    s.handleTheoryEvent({ type: 'stream_error', code: 'GENERATION_FAILED' })
    expect(s.theoryStreamingState.value).toBe('error')
    expect(s.error.value.code).toBe('GENERATION_FAILED')
    expect(s.onEnd).toHaveBeenCalledTimes(2)
    s.resetStatus()
    expect([s.theoryStreamingState.value, s.error.value, s.skippedBlocks.value]).toEqual([
      'idle',
      null,
      0,
    ])
  })
})
