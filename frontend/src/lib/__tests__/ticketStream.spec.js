import { describe, expect, it, vi } from 'vitest'

import { runTicketStream } from '@/lib/ticketStream'

import { ev, lesson, scriptedConnect } from './fakeStream'

const FAST = { retryDelayMs: 0, idleTimeoutMs: 50, totalTimeoutMs: 2000, maxRetries: 2 }

async function run(scripts, extra = {}) {
  const { connect, calls } = scriptedConnect(scripts)
  const events = []
  const result = await runTicketStream({
    tempId: 'ticket',
    connect,
    onEvent: (data) => events.push(data),
    options: FAST,
    ...extra,
  })
  return { result, events, calls }
}

describe('runTicketStream', () => {
  it('closes on the terminal event', async () => {
    const { result, events, calls } = await run([
      [ev(1, lesson.start()), ev(2, lesson.block(1)), ev(3, lesson.complete(1)), ev(4, {})],
    ])
    expect(result.outcome).toBe('completed')
    expect(events.map((e) => e.type)).toEqual(['stream_start', 'theory_block', 'stream_complete'])
    expect(calls).toEqual([{ tempId: 'ticket', lastEventId: null }])
  })

  it('hands events without an id (previews) to onVolatile, never to onEvent', async () => {
    const volatile = []
    const { result, events } = await run(
      [
        [
          ev(1, lesson.start()),
          ev(null, lesson.preview(1, 0, '제목')),
          ev(2, lesson.block(1)),
          ev(3, lesson.complete(1)),
        ],
      ],
      { onVolatile: (data) => volatile.push(data) },
    )
    expect(result.outcome).toBe('completed')
    expect(volatile).toEqual([lesson.preview(1, 0, '제목')])
    expect(events.map((e) => e.type)).toEqual(['stream_start', 'theory_block', 'stream_complete'])
  })

  it('resumes after a drop with Last-Event-ID and skips replayed events', async () => {
    const { result, events, calls } = await run([
      [ev(1, lesson.start()), ev(2, lesson.block(1)), 'drop'],
      // the server replays after 2; a proxy might replay more: those are skipped
      [ev(2, lesson.block(1)), ev(3, lesson.block(2)), ev(4, lesson.complete(2))],
    ])
    expect(result.outcome).toBe('completed')
    expect(calls.map((c) => c.lastEventId)).toEqual([null, 2])
    expect(events.filter((e) => e.type === 'theory_block').map((e) => e.block_id)).toEqual([1, 2])
  })

  it('treats a silent line (no byte, no heartbeat) as a drop', async () => {
    const { result, calls } = await run([
      [ev(1, lesson.start()), 'hang'],
      [ev(2, lesson.complete(0))],
    ])
    expect(result.outcome).toBe('completed')
    expect(calls.map((c) => c.lastEventId)).toEqual([null, 1])
  })

  it('falls back after repeated failures with no progress', async () => {
    const { result, calls } = await run([
      [ev(1, lesson.start()), 'drop'],
      ['drop'],
      ['drop'],
      ['drop'],
    ])
    expect(result).toMatchObject({ outcome: 'fallback', reason: 'retries' })
    expect(calls).toHaveLength(3) // the first try and maxRetries more
  })

  it('falls back when the lesson takes longer than the total timeout', async () => {
    const { result } = await run([[ev(1, lesson.start()), 'hang']], {
      options: { ...FAST, idleTimeoutMs: 10_000, totalTimeoutMs: 60 },
    })
    expect(result).toMatchObject({ outcome: 'fallback', reason: 'timeout' })
  })

  it('renews an expired token once, then reconnects', async () => {
    const refresh = vi.fn(async () => true)
    const { result, calls } = await run(
      [
        [ev(null, lesson.error('TOKEN_EXPIRED'))],
        [ev(1, lesson.start()), ev(2, lesson.complete(0))],
      ],
      { refresh },
    )
    expect(result.outcome).toBe('completed')
    expect(refresh).toHaveBeenCalledTimes(1)
    expect(calls.map((c) => c.lastEventId)).toEqual([null, null])
  })

  it('gives up when the token stays expired', async () => {
    const refresh = vi.fn(async () => true)
    const { result } = await run(
      [[ev(null, lesson.error('TOKEN_EXPIRED'))], [ev(null, lesson.error('TOKEN_EXPIRED'))]],
      { refresh },
    )
    expect(result).toMatchObject({ outcome: 'failed', code: 'TOKEN_EXPIRED' })
    expect(refresh).toHaveBeenCalledTimes(1)
  })

  it('resumes from the start when its first answer was lost and the ticket is claimed', async () => {
    const { result, calls } = await run([
      ['drop'],
      [ev(null, lesson.error('INVALID_SESSION'))],
      [ev(1, lesson.start()), ev(2, lesson.complete(0))],
    ])
    expect(result.outcome).toBe('completed')
    expect(calls.map((c) => c.lastEventId)).toEqual([null, null, 0])
  })

  it('falls back when the ticket is invalid (expired before use)', async () => {
    const { result } = await run([
      [ev(null, lesson.error('INVALID_SESSION'))],
      [ev(null, lesson.error('INVALID_SESSION'))],
    ])
    expect(result).toMatchObject({ outcome: 'fallback', reason: 'INVALID_SESSION' })
  })

  it('reports CANCELLED as cancelled, other terminal errors as failed, RUN_ABORTED as fallback', async () => {
    const cancelled = await run([[ev(1, lesson.start()), ev(2, lesson.error('CANCELLED'))]])
    expect(cancelled.result.outcome).toBe('cancelled')
    expect(cancelled.events.at(-1).code).toBe('CANCELLED')
    const failed = await run([[ev(1, lesson.start()), ev(2, lesson.error('GENERATION_FAILED'))]])
    expect(failed.result).toMatchObject({ outcome: 'failed', code: 'GENERATION_FAILED' })
    const aborted = await run([[ev(1, lesson.start()), ev(2, lesson.error('RUN_ABORTED'))]])
    expect(aborted.result).toMatchObject({ outcome: 'fallback', reason: 'RUN_ABORTED' })
  })

  it('stops when the caller aborts', async () => {
    const controller = new AbortController()
    const pending = run([[ev(1, lesson.start()), 'hang']], {
      signal: controller.signal,
      options: { ...FAST, idleTimeoutMs: 10_000 },
    })
    setTimeout(() => controller.abort(), 20)
    expect((await pending).result.outcome).toBe('aborted')
  })
})
