import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

import { ev, lesson, scriptedConnect } from '@/lib/__tests__/fakeStream'
import { learningService } from '@/services/learningService'
import { useLessonStore } from '@/stores/lesson'

vi.mock('@/services/learningService', () => ({
  learningService: {
    startTheoryStreaming: vi.fn(),
    startSyncLesson: vi.fn(),
    connectTheoryStream: vi.fn(),
    cancelTheoryStream: vi.fn(async () => true),
    getSession: vi.fn(),
    getChapters: vi.fn(),
    listSessions: vi.fn(),
  },
}))
vi.mock('@/services/api', () => ({ renewSessionOrLogout: vi.fn(async () => true) }))

const FAST = { retryDelayMs: 0, idleTimeoutMs: 50, totalTimeoutMs: 2000, maxRetries: 2 }

function streamingStart(sessionId = 's1', ticket = 'ticket-1') {
  return {
    session_info: { session_id: sessionId, chapter_number: 2, section_number: 1 },
    workflow_response: { streaming: true, temp_session_id: ticket, estimated_blocks: 4 },
  }
}

function syncStart(sessionId, blocks) {
  return {
    session_info: { session_id: sessionId, chapter_number: 2, section_number: 1 },
    workflow_response: { streaming: false, theory_content: blocks },
  }
}

const asBlock = ({ block_type, block_id, data }) => ({ block_type, block_id, data })

async function settle(store) {
  await vi.waitFor(() => expect(store.isStreaming).toBe(false), { timeout: 2000 })
}

let store
beforeEach(() => {
  setActivePinia(createPinia())
  vi.clearAllMocks()
  store = useLessonStore()
  store.streamOptions = FAST
})

describe('block handling', () => {
  it('keeps blocks in block_id order whatever order they arrive in', () => {
    for (const id of [3, 1, 4, 2]) store.handleTheoryBlock(lesson.block(id))
    expect(store.theoryBlocks.map((b) => b.block_id)).toEqual([1, 2, 3, 4])
    expect(store.receivedBlocks).toBe(4)
  })

  it('ignores a block id it already has (a replay)', () => {
    expect(store.handleTheoryBlock(lesson.block(1))).toBe(true)
    expect(store.handleTheoryBlock({ ...lesson.block(1), data: { title: 'other' } })).toBe(false)
    expect(store.theoryBlocks).toHaveLength(1)
    expect(store.theoryBlocks[0].data.title).toBe('T')
  })

  it('keeps unknown block types (they render plainly) and drops blocks without an id', () => {
    store.handleTheoryEvent({
      type: 'theory_block',
      block_type: 'quiz',
      block_id: 2,
      data: { q: 1 },
    })
    store.handleTheoryEvent(lesson.block(3, 'summary'))
    store.handleTheoryEvent({ type: 'theory_block', block_type: 'section', data: {} })
    store.handleTheoryEvent({ type: 'some_future_event' })
    expect(store.theoryBlocks.map((b) => [b.block_type, b.data.type])).toEqual([
      ['quiz', undefined],
      ['section', 'summary'],
    ])
  })

  it('handles terminal events: complete, cancelled, failed', () => {
    store.handleTheoryEvent(lesson.start(4))
    expect(store.theoryStreamingState).toBe('streaming')
    expect(store.estimatedBlocks).toBe(4)
    store.handleTheoryEvent(lesson.complete(4))
    expect(store.theoryStreamingState).toBe('completed')
    expect(store.streamSummary.total_blocks).toBe(4)

    expect(store.skippedBlocks).toBe(0)

    store.handleTheoryEvent(lesson.error('CANCELLED'))
    expect(store.theoryStreamingState).toBe('cancelled')
    expect(store.error).toBeNull()

    store.handleTheoryEvent(lesson.error('GENERATION_FAILED'))
    expect(store.theoryStreamingState).toBe('error')
    expect(store.error.code).toBe('GENERATION_FAILED')
  })
})

describe('a streamed lesson against a fake stream', () => {
  it('streams, survives a drop by resuming, shows each block once', async () => {
    const { connect, calls } = scriptedConnect([
      [ev(1, lesson.start()), ev(2, lesson.block(1)), ev(3, lesson.block(2)), 'drop'],
      [ev(3, lesson.block(2)), ev(4, lesson.block(3)), ev(5, lesson.block(4))],
      [ev(6, lesson.complete())],
    ])
    learningService.startTheoryStreaming.mockResolvedValue(streamingStart())
    learningService.connectTheoryStream.mockImplementation(connect)

    expect(await store.startLesson(2, 1)).toBe('s1')
    await settle(store)

    expect(store.theoryStreamingState).toBe('completed')
    expect(store.theoryBlocks.map((b) => b.block_id)).toEqual([1, 2, 3, 4])
    expect(calls.map((c) => c.lastEventId)).toEqual([null, 3, 5])
    expect(store.usedSyncFallback).toBe(false)
  })

  it('keeps the count of blocks the server left out, until the next lesson', async () => {
    const { connect } = scriptedConnect([
      [ev(1, lesson.start()), ev(2, lesson.block(1)), ev(3, lesson.block(3)), 'drop'],
      [ev(4, lesson.complete(2, 1))],
      [ev(1, lesson.start()), ev(2, lesson.block(1)), ev(3, lesson.complete(1))],
    ])
    learningService.startTheoryStreaming.mockResolvedValue(streamingStart())
    learningService.connectTheoryStream.mockImplementation(connect)

    await store.startLesson(2, 1)
    await settle(store)
    expect(store.theoryStreamingState).toBe('completed')
    expect(store.skippedBlocks).toBe(1)
    expect(store.streamSummary.skipped_blocks).toBe(1)

    await store.retryLesson()
    expect(store.skippedBlocks).toBe(0) // a new lesson starts with nothing missing
    await settle(store)
    expect(store.skippedBlocks).toBe(0)
  })

  it('falls back to the synchronous lesson after repeated failures', async () => {
    const syncBlocks = [1, 2, 3, 4].map((id) => asBlock(lesson.block(id)))
    const { connect } = scriptedConnect([[ev(1, lesson.start()), ev(2, lesson.block(1)), 'drop']])
    learningService.startTheoryStreaming.mockResolvedValue(streamingStart('s1', 'ticket-1'))
    learningService.startSyncLesson.mockResolvedValue(syncStart('s2', syncBlocks))
    learningService.connectTheoryStream.mockImplementation(connect)

    await store.startLesson(2, 1)
    await settle(store)

    expect(learningService.cancelTheoryStream).toHaveBeenCalledWith('ticket-1')
    // The server counts the client's fallbacks by the ticket of the stream that failed.
    expect(learningService.startSyncLesson).toHaveBeenCalledWith(2, 1, { fallbackFrom: 'ticket-1' })
    expect(store.theoryStreamingState).toBe('completed')
    expect(store.usedSyncFallback).toBe(true)
    expect(store.sessionId).toBe('s2')
    expect(store.theoryBlocks.map((b) => b.block_id)).toEqual([1, 2, 3, 4])
  })

  it('falls back after a timeout', async () => {
    store.streamOptions = { ...FAST, idleTimeoutMs: 10_000, totalTimeoutMs: 80 }
    const { connect } = scriptedConnect([[ev(1, lesson.start()), 'hang']])
    learningService.startTheoryStreaming.mockResolvedValue(streamingStart())
    learningService.startSyncLesson.mockResolvedValue(syncStart('s2', [asBlock(lesson.block(1))]))
    learningService.connectTheoryStream.mockImplementation(connect)

    await store.startLesson(2, 1)
    await settle(store)
    expect(store.usedSyncFallback).toBe(true)
    expect(store.theoryStreamingState).toBe('completed')
  })

  it('shows an error with retry when even the fallback fails', async () => {
    const { connect } = scriptedConnect([['drop']])
    learningService.startTheoryStreaming.mockResolvedValue(streamingStart())
    learningService.startSyncLesson.mockRejectedValue(
      Object.assign(new Error('서버 오류'), { code: 'UPSTREAM_UNAVAILABLE' }),
    )
    learningService.connectTheoryStream.mockImplementation(connect)

    await store.startLesson(2, 1)
    await settle(store)
    expect(store.theoryStreamingState).toBe('error')
    expect(store.error.code).toBe('UPSTREAM_UNAVAILABLE')
  })

  it('takes the whole lesson when the server does not stream', async () => {
    const blocks = [2, 1].map((id) => asBlock(lesson.block(id)))
    learningService.startTheoryStreaming.mockResolvedValue(syncStart('s3', blocks))
    await store.startLesson(2, 1)
    expect(store.theoryStreamingState).toBe('completed')
    expect(store.theoryBlocks.map((b) => b.block_id)).toEqual([1, 2])
    expect(learningService.connectTheoryStream).not.toHaveBeenCalled()
  })

  it('Stop asks the server to cancel; the stream then ends as cancelled', async () => {
    let release
    const gate = new Promise((resolve) => (release = resolve))
    learningService.startTheoryStreaming.mockResolvedValue(streamingStart('s1', 'ticket-9'))
    learningService.connectTheoryStream.mockImplementation(async function* () {
      yield ev(1, lesson.start())
      yield ev(2, lesson.block(1))
      await gate
      yield ev(3, lesson.error('CANCELLED'))
    })
    learningService.cancelTheoryStream.mockImplementation(async () => {
      release()
      return true
    })

    await store.startLesson(2, 1)
    await vi.waitFor(() => expect(store.theoryBlocks).toHaveLength(1))
    await store.stopLesson()
    await settle(store)
    expect(learningService.cancelTheoryStream).toHaveBeenCalledWith('ticket-9')
    expect(store.theoryStreamingState).toBe('cancelled')
    expect(store.theoryBlocks).toHaveLength(1)
  })

  it('reopening a session with an active run replays it from the start', async () => {
    const { connect, calls } = scriptedConnect([
      [
        ev(1, lesson.start()),
        ev(2, lesson.block(1)),
        ev(3, lesson.block(2)),
        ev(4, lesson.complete(2)),
      ],
    ])
    learningService.getSession.mockResolvedValue({
      session_id: 's1',
      chapter_number: 2,
      section_number: 1,
      session_progress_stage: 'theory_streaming',
      theory_content: [asBlock(lesson.block(1))],
      active_run: { temp_session_id: 'ticket-1', kind: 'theory' },
    })
    learningService.connectTheoryStream.mockImplementation(connect)

    await store.openSession('s1')
    await settle(store)
    expect(calls).toEqual([{ tempId: 'ticket-1', lastEventId: 0 }])
    expect(store.theoryStreamingState).toBe('completed')
    expect(store.theoryBlocks.map((b) => b.block_id)).toEqual([1, 2])
  })

  it('reopening a finished session shows its lesson without streaming', async () => {
    learningService.getSession.mockResolvedValue({
      session_id: 's1',
      chapter_number: 2,
      section_number: 1,
      session_progress_stage: 'theory_completed',
      theory_content: [1, 2, 3].map((id) => asBlock(lesson.block(id))),
      active_run: null,
    })
    await store.openSession('s1')
    expect(store.theoryStreamingState).toBe('completed')
    expect(store.receivedBlocks).toBe(3)
    expect(learningService.connectTheoryStream).not.toHaveBeenCalled()
  })

  it('a lesson from session/message stays in the session: an easier retry keeps its section', async () => {
    const { connect, calls } = scriptedConnect([
      [ev(1, lesson.start(1)), ev(2, lesson.block(1)), ev(3, lesson.complete(1))],
    ])
    learningService.connectTheoryStream.mockImplementation(connect)
    Object.assign(store, { sessionId: 's1', chapterNumber: 2, sectionNumber: 1 })
    store.handleTheoryBlock(lesson.block(1))
    store.handleTheoryBlock(lesson.block(2))
    const serial = store.lessonSerial
    store.beginSessionLesson({
      session_info: { session_id: 's1', chapter_number: 2, section_number: 1 },
      workflow_response: {
        streaming: true,
        temp_session_id: 'retry-1',
        estimated_blocks: 1,
        is_retry_session: true,
      },
    })
    expect(store.theoryBlocks).toEqual([])
    expect(store.lessonSerial).toBe(serial + 1)
    await settle(store)
    expect(calls).toEqual([{ tempId: 'retry-1', lastEventId: null }])
    expect([store.sessionId, store.chapterNumber, store.sectionNumber]).toEqual(['s1', 2, 1])
    expect(store.theoryBlocks.map((b) => b.block_id)).toEqual([1])
  })

  it('a lesson from session/message that did not stream comes whole', () => {
    Object.assign(store, { sessionId: 's1', chapterNumber: 1, sectionNumber: 3 })
    store.beginSessionLesson({
      session_info: { session_id: 's1', chapter_number: 2, section_number: 1 },
      workflow_response: { streaming: false, theory_content: [asBlock(lesson.block(1))] },
    })
    expect(store.theoryStreamingState).toBe('completed')
    expect([store.chapterNumber, store.sectionNumber, store.receivedBlocks]).toEqual([2, 1, 1])
  })
})

describe('previews of the block being written', () => {
  it('shows the block in progress until its theory_block replaces it', async () => {
    let release
    const gate = new Promise((resolve) => (release = resolve))
    const seen = []
    learningService.startTheoryStreaming.mockResolvedValue(streamingStart())
    learningService.connectTheoryStream.mockImplementation(async function* (id, options) {
      seen.push(options.preview)
      yield ev(1, lesson.start(2))
      yield ev(null, lesson.preview(1, 0, '📚 2챕터', 'header'))
      yield ev(null, lesson.preview(1, 5, '\nT'))
      await gate
      yield ev(2, lesson.block(1))
      yield ev(null, lesson.preview(1, 7, ' late')) // a stale poll: the block is rendered
      yield ev(null, lesson.preview(2, 0, 'b'))
      yield ev(3, lesson.block(2))
      yield ev(4, lesson.complete(2))
    })

    await store.startLesson(2, 1)
    await vi.waitFor(() => expect(store.preview?.text).toBe('📚 2챕터\nT'))
    expect(store.theoryBlocks).toEqual([])
    expect(seen).toEqual([true]) // the lesson asks for previews
    release()
    await settle(store)
    expect(store.preview).toBeNull()
    expect(store.theoryBlocks.map((b) => b.block_id)).toEqual([1, 2])
    expect([store.wasPreviewed(1), store.wasPreviewed(2)]).toEqual([true, true])
  })

  it('after a drop the current block comes again from offset 0; an ended lesson shows none', async () => {
    const { connect, calls } = scriptedConnect([
      [ev(1, lesson.start(1)), ev(null, lesson.preview(1, 0, '제목의 앞', 'header')), 'drop'],
      [ev(null, lesson.preview(1, 0, '제목의 앞부분', 'header')), 'hang'],
    ])
    learningService.startTheoryStreaming.mockResolvedValue(streamingStart())
    learningService.connectTheoryStream.mockImplementation(connect)

    await store.startLesson(2, 1)
    await vi.waitFor(() => expect(store.preview?.text).toBe('제목의 앞부분'))
    expect(calls.map((c) => c.lastEventId)).toEqual([null, 1])
    store.handleTheoryEvent(lesson.error('CANCELLED'))
    expect(store.preview).toBeNull()
    store.resetLesson()
  })
})
