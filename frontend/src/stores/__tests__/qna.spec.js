import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

import { ev, scriptedConnect } from '@/lib/__tests__/fakeStream'
import { threadFromView } from '@/lib/thread'
import { learningService } from '@/services/learningService'
import { useCourseStore } from '@/stores/course'
import { useLessonStore } from '@/stores/lesson'
import { useQnaStore } from '@/stores/qna'

vi.mock('@/services/learningService', () => ({
  learningService: {
    sendMessage: vi.fn(),
    connectQnaStream: vi.fn(),
    cancelQnaStream: vi.fn(async () => true),
    connectTheoryStream: vi.fn(),
    cancelTheoryStream: vi.fn(async () => true),
    getSession: vi.fn(),
  },
}))
vi.mock('@/services/api', () => ({ renewSessionOrLogout: vi.fn(async () => true) }))

const FAST = { retryDelayMs: 0, idleTimeoutMs: 50, totalTimeoutMs: 2000, maxRetries: 2 }
const QUESTION = '셀프 어텐션은 무엇인가요?'
const SOURCES = [{ chapter_number: 2, section_number: 1, title: 'LLM이란?' }]

const qna = {
  start: () => ({ type: 'stream_start', temp_session_id: 't' }),
  token: (text) => ({ type: 'qna_token', text }),
  complete: (answer) => ({
    type: 'stream_complete',
    answer,
    sources: SOURCES,
    elapsed_ms: 10,
    usage: null,
  }),
  error: (code) => ({ type: 'stream_error', code, message: code }),
}

function answerTurn(ticket = 'answer-1') {
  return {
    session_info: { session_id: 's1', chapter_number: 2, section_number: 1 },
    workflow_response: {
      current_agent: 'qna_resolver',
      ui_mode: 'chat',
      streaming: true,
      temp_session_id: ticket,
    },
  }
}

function view(conversation, activeRun = null) {
  return {
    session_id: 's1',
    chapter_number: 2,
    section_number: 1,
    session_progress_stage: 'theory_completed',
    theory_content: [],
    conversation,
    active_run: activeRun,
  }
}

const said = (role, agent, message) => ({ role, agent, message, created_at: '2025-01-01T00:00:00' })

async function settle(store) {
  await vi.waitFor(() => expect(store.busy).toBe(false), { timeout: 2000 })
}

const last = (store) => store.messages.at(-1)

let store
beforeEach(() => {
  setActivePinia(createPinia())
  vi.clearAllMocks()
  store = useQnaStore()
  store.streamOptions = FAST
  store.showSession('s1', null)
})

describe('the thread', () => {
  it('is built from the session view, in order', () => {
    const conversation = [
      said('user', 'learner', '2챕터 1섹션 시작할게요'),
      said('assistant', 'theory_educator', '강의가 준비됐어요.'),
      said('user', 'learner', QUESTION),
      said('assistant', 'qna_resolver', '**셀프 어텐션**은...'),
    ]
    store.showSession('s1', view(conversation))
    expect(store.messages.map((m) => [m.role, m.agent, m.text, m.status])).toEqual([
      ['user', 'learner', '2챕터 1섹션 시작할게요', 'done'],
      ['assistant', 'theory_educator', '강의가 준비됐어요.', 'done'],
      ['user', 'learner', QUESTION, 'done'],
      ['assistant', 'qna_resolver', '**셀프 어텐션**은...', 'done'],
    ])
    expect(store.messages[0].createdAt).toBe('2025-01-01T00:00:00')
    expect(threadFromView({})).toEqual([])
  })

  it('an answer still running at load is replayed from event 0, then the thread reloads', async () => {
    const { connect, calls } = scriptedConnect([
      [
        ev(1, qna.start()),
        ev(2, qna.token('가')),
        ev(3, qna.token('나')),
        ev(4, qna.complete('가나')),
      ],
    ])
    learningService.connectQnaStream.mockImplementation(connect)
    const after = view([
      said('user', 'learner', QUESTION),
      said('assistant', 'qna_resolver', '가나'),
    ])
    learningService.getSession.mockResolvedValue(after)

    store.showSession('s1', view([], { temp_session_id: 'answer-9', kind: 'qna' }))
    expect(store.busy).toBe(true)
    await vi.waitFor(() => expect(store.messages).toHaveLength(2))
    expect(calls).toEqual([{ tempId: 'answer-9', lastEventId: 0 }])
    expect(learningService.getSession).toHaveBeenCalledWith('s1')
    expect(store.messages.map((m) => m.text)).toEqual([QUESTION, '가나'])
  })

  it('a stopped or failed answer of the view keeps its status and can be asked again', async () => {
    const stopped = { ...said('assistant', 'qna_resolver', '가\n\n(답변을 중간에 멈췄어요.)') }
    const lesson = {
      ...said('assistant', 'theory_educator', '강의를 멈췄어요.'),
      status: 'cancelled',
    }
    store.showSession(
      's1',
      view([
        said('user', 'learner', '다음'),
        lesson,
        said('user', 'learner', QUESTION),
        { ...stopped, status: 'cancelled' },
        said('user', 'learner', '두 번째 질문'),
        { ...said('assistant', 'qna_resolver', '실패'), status: 'failed' },
      ]),
    )
    expect(store.messages.map((m) => [m.status, m.question ?? null])).toEqual([
      ['done', null],
      ['cancelled', null], // a lesson is not asked again from the chat
      ['done', null],
      ['cancelled', QUESTION],
      ['done', null],
      ['failed', '두 번째 질문'],
    ])
    expect(store.busy).toBe(false)
    learningService.sendMessage.mockResolvedValue({
      workflow_response: { current_agent: 'qna_resolver', streaming: false, answer: '답' },
    })
    expect(await store.retry(store.messages[3])).toBe(true)
    expect(learningService.sendMessage).toHaveBeenCalledWith('s1', QUESTION)
  })

  it('a lesson run in the view is not the chat’s business', () => {
    store.showSession('s1', view([], { temp_session_id: 'lesson-1', kind: 'theory' }))
    expect(store.messages).toEqual([])
    expect(learningService.connectQnaStream).not.toHaveBeenCalled()
  })
})

describe('a streamed answer against a fake stream', () => {
  it('shows the tokens in order as they arrive, then the whole answer and its sources', async () => {
    let release
    const gate = new Promise((resolve) => (release = resolve))
    learningService.sendMessage.mockResolvedValue(answerTurn())
    learningService.connectQnaStream.mockImplementation(async function* () {
      yield ev(1, qna.start())
      yield ev(2, qna.token('셀프 '))
      yield ev(3, qna.token('어텐션은'))
      await gate
      yield ev(4, qna.token(' 문맥을 봐요.'))
      yield ev(5, qna.complete('셀프 어텐션은 문맥을 봐요.'))
    })

    expect(await store.ask(`  ${QUESTION} `)).toBe(true)
    expect(learningService.sendMessage).toHaveBeenCalledWith('s1', QUESTION)
    await vi.waitFor(() => expect(last(store).text).toBe('셀프 어텐션은'))
    expect(last(store).status).toBe('streaming')
    expect(store.busy).toBe(true)
    release()
    await settle(store)

    expect(store.messages.map((m) => [m.role, m.text, m.status])).toEqual([
      ['user', QUESTION, 'done'],
      ['assistant', '셀프 어텐션은 문맥을 봐요.', 'done'],
    ])
    expect(last(store).sources).toEqual(SOURCES)
    expect(last(store).agent).toBe('qna_resolver')
  })

  it('resumes after a drop with Last-Event-ID and keeps each token once', async () => {
    const { connect, calls } = scriptedConnect([
      [ev(1, qna.start()), ev(2, qna.token('하나')), ev(3, qna.token('둘')), 'drop'],
      // The server replays from the id it was given; a repeat is skipped all the same.
      [ev(3, qna.token('둘')), ev(4, qna.token('셋')), 'drop'],
      [ev(5, qna.complete('하나둘셋'))],
    ])
    learningService.sendMessage.mockResolvedValue(answerTurn())
    learningService.connectQnaStream.mockImplementation(connect)

    await store.ask(QUESTION)
    await settle(store)
    expect(calls.map((c) => c.lastEventId)).toEqual([null, 3, 4])
    expect(last(store).text).toBe('하나둘셋')
    expect(last(store).status).toBe('done')
  })

  it('skips an event id it already has within one connection', async () => {
    const { connect } = scriptedConnect([
      [ev(1, qna.start()), ev(2, qna.token('A')), ev(2, qna.token('A')), ev(3, qna.token('B'))],
      [ev(4, qna.complete('AB'))],
    ])
    learningService.sendMessage.mockResolvedValue(answerTurn())
    learningService.connectQnaStream.mockImplementation(connect)
    await store.ask(QUESTION)
    await settle(store)
    expect(last(store).text).toBe('AB')
  })

  it('a failed answer keeps what arrived, says why in Korean, and retry asks again', async () => {
    const { connect } = scriptedConnect([
      [ev(1, qna.start()), ev(2, qna.token('일부')), ev(3, qna.error('GENERATION_FAILED'))],
      [ev(1, qna.start()), ev(2, qna.token('전부')), ev(3, qna.complete('전부'))],
    ])
    learningService.sendMessage
      .mockResolvedValueOnce(answerTurn('answer-1'))
      .mockResolvedValueOnce(answerTurn('answer-2'))
    learningService.connectQnaStream.mockImplementation(connect)

    await store.ask(QUESTION)
    await settle(store)
    const failed = last(store)
    expect([failed.status, failed.text, failed.error.code]).toEqual([
      'failed',
      '일부',
      'GENERATION_FAILED',
    ])
    expect(failed.error.message).toContain('AI가 내용을 만들지 못했어요')

    expect(await store.retry(failed)).toBe(true)
    await settle(store)
    expect(learningService.sendMessage).toHaveBeenLastCalledWith('s1', QUESTION)
    expect(learningService.connectQnaStream.mock.calls.map((c) => c[0])).toEqual([
      'answer-1',
      'answer-2',
    ])
    // The failed pair stays (the server keeps it too), the new pair follows.
    expect(store.messages.map((m) => [m.role, m.text, m.status])).toEqual([
      ['user', QUESTION, 'done'],
      ['assistant', '일부', 'failed'],
      ['user', QUESTION, 'done'],
      ['assistant', '전부', 'done'],
    ])
  })

  it('gives up after repeated drops (the run is cancelled) and offers retry', async () => {
    const { connect } = scriptedConnect([[ev(1, qna.start()), ev(2, qna.token('반'))]])
    learningService.sendMessage.mockResolvedValue(answerTurn('answer-3'))
    learningService.connectQnaStream.mockImplementation(connect) // later connections drop

    await store.ask(QUESTION)
    await settle(store)
    expect(last(store).status).toBe('failed')
    expect(last(store).error.code).toBe('NETWORK_ERROR')
    expect(learningService.cancelQnaStream).toHaveBeenCalledWith('answer-3')
  })

  it('Stop cancels the run on the server and stops listening; the answer keeps its text', async () => {
    learningService.sendMessage.mockResolvedValue(answerTurn('answer-4'))
    learningService.connectQnaStream.mockImplementation(async function* (id, { signal }) {
      yield ev(1, qna.start())
      yield ev(2, qna.token('멈추기 전'))
      await new Promise((resolve) => signal.addEventListener('abort', resolve))
      throw new DOMException('aborted', 'AbortError')
    })

    await store.ask(QUESTION)
    await vi.waitFor(() => expect(last(store).text).toBe('멈추기 전'))
    await store.stop()
    expect(learningService.cancelQnaStream).toHaveBeenCalledWith('answer-4')
    expect(last(store).status).toBe('cancelled')
    expect(last(store).text).toBe('멈추기 전')
    expect(store.busy).toBe(false)
    expect(store.activeTicket).toBeNull()
  })

  it('a CANCELLED terminal (stopped elsewhere) ends the answer as cancelled', async () => {
    const { connect } = scriptedConnect([
      [ev(1, qna.start()), ev(2, qna.token('앞')), ev(3, qna.error('CANCELLED'))],
    ])
    learningService.sendMessage.mockResolvedValue(answerTurn())
    learningService.connectQnaStream.mockImplementation(connect)
    await store.ask(QUESTION)
    await settle(store)
    expect([last(store).status, last(store).error]).toEqual(['cancelled', null])
  })
})

describe('other turns', () => {
  it('an answer that did not stream comes whole', async () => {
    learningService.sendMessage.mockResolvedValue({
      workflow_response: {
        current_agent: 'qna_resolver',
        streaming: false,
        answer: '전체 답',
        sources: SOURCES,
      },
    })
    await store.ask(QUESTION)
    expect([last(store).text, last(store).status, last(store).sources]).toEqual([
      '전체 답',
      'done',
      SOURCES,
    ])
    expect(learningService.connectQnaStream).not.toHaveBeenCalled()
  })

  it('a short reply of the supervisor joins the thread', async () => {
    learningService.sendMessage.mockResolvedValue({
      workflow_response: {
        current_agent: 'learning_supervisor',
        ui_mode: 'chat',
        streaming: false,
        message: '무엇을 도와드릴까요?',
      },
    })
    await store.ask('안녕하세요')
    expect(store.messages.map((m) => [m.role, m.agent, m.text])).toEqual([
      ['user', 'learner', '안녕하세요'],
      ['assistant', 'learning_supervisor', '무엇을 도와드릴까요?'],
    ])
  })

  it('"다음" starts the next lesson in the lesson view, in the same session', async () => {
    const lesson = useLessonStore()
    useCourseStore().chapters = [
      {
        chapter_number: 2,
        title: 'LLM',
        sections: [
          { section_number: 1, title: 'LLM이란?' },
          { section_number: 2, title: '프롬프트' },
        ],
      },
    ]
    Object.assign(lesson, { sessionId: 's1', chapterNumber: 2, sectionNumber: 1 })
    lesson.streamOptions = FAST
    learningService.connectTheoryStream.mockImplementation(async function* () {
      yield ev(1, { type: 'stream_start', temp_session_id: 'l', estimated_blocks: 1 })
      yield ev(2, { type: 'theory_block', block_type: 'header', block_id: 1, data: {} })
      yield ev(3, { type: 'stream_complete', total_blocks: 1, fallback: false })
    })
    learningService.sendMessage.mockResolvedValue({
      session_info: { session_id: 's1', chapter_number: 2, section_number: 1 },
      workflow_response: {
        current_agent: 'learning_supervisor',
        session_progress_stage: 'theory_streaming',
        ui_mode: 'streaming',
        streaming: true,
        temp_session_id: 'lesson-2',
        estimated_blocks: 4,
        is_retry_session: false,
      },
    })

    await store.ask('다음')
    expect(lesson.theoryStreamingState).toBe('streaming')
    expect([lesson.chapterNumber, lesson.sectionNumber]).toEqual([2, 2])
    await vi.waitFor(() => expect(lesson.theoryStreamingState).toBe('completed'))
    expect(learningService.connectTheoryStream.mock.calls[0][0]).toBe('lesson-2')
    expect(lesson.sessionId).toBe('s1')
    expect(last(store).lesson).toBe(true)
  })

  it('a message the server refused leaves the thread as it was, with a Korean error', async () => {
    learningService.sendMessage.mockRejectedValue(
      Object.assign(new Error('limited'), { code: 'RATE_LIMITED' }),
    )
    expect(await store.ask(QUESTION)).toBe(false)
    expect(store.messages).toEqual([])
    expect(store.sendError.message).toBe('요청이 너무 많아요. 잠시 후 다시 시도해 주세요.')
    expect(store.busy).toBe(false)
  })

  it('sends nothing blank, nor while an answer is on its way', async () => {
    expect(await store.ask('   ')).toBe(false)
    learningService.sendMessage.mockResolvedValue(answerTurn())
    learningService.connectQnaStream.mockImplementation(
      scriptedConnect([[ev(1, qna.start()), 'hang']]).connect,
    )
    await store.ask(QUESTION)
    expect(await store.ask('또 질문')).toBe(false)
    expect(learningService.sendMessage).toHaveBeenCalledTimes(1)
    store.detach()
    expect(store.messages).toEqual([])
  })
})
