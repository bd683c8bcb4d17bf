import { describe, expect, it } from 'vitest'

import { QNA_AGENT, isLessonTurn, threadEntry, threadFromView } from '@/lib/thread'

const said = (role, agent, message, extra = {}) => ({
  role,
  agent,
  message,
  created_at: '2025-01-01T00:00:00',
  ...extra,
})

describe('the thread of a session view', () => {
  it('is empty for a view without a conversation', () => {
    expect(threadFromView(null)).toEqual([])
    expect(threadFromView({})).toEqual([])
  })

  it('keeps the order, the text and the time of each turn', () => {
    const thread = threadFromView({
      conversation: [said('user', 'learner', '질문'), said('assistant', QNA_AGENT, '답')],
    })
    expect(thread).toEqual([
      threadEntry('user', 'learner', '질문', { createdAt: '2025-01-01T00:00:00' }),
      threadEntry('assistant', QNA_AGENT, '답', { createdAt: '2025-01-01T00:00:00' }),
    ])
  })

  it('a stopped or failed answer keeps its status and the question before it', () => {
    const thread = threadFromView({
      conversation: [
        said('user', 'learner', '어텐션이 뭐예요?'),
        said('assistant', QNA_AGENT, '중단됨', { status: 'failed' }),
        said('assistant', 'theory_educator', '강의 중단', { status: 'cancelled' }),
      ],
    })
    expect(thread.map((m) => [m.status, m.recorded ?? false, m.question ?? null])).toEqual([
      ['done', false, null],
      ['failed', true, '어텐션이 뭐예요?'],
      ['cancelled', true, null], // a lesson is not asked again from the chat
    ])
  })
})

describe('a session/message reply', () => {
  it('starts a lesson when it streams one or brings one whole', () => {
    expect(isLessonTurn({ ui_mode: 'streaming' })).toBe(true)
    expect(isLessonTurn({ ui_mode: 'chat', theory_content: [] })).toBe(true)
    expect(isLessonTurn({ ui_mode: 'chat', message: '좋아요' })).toBe(false)
    expect(isLessonTurn(undefined)).toBe(false)
  })
})
