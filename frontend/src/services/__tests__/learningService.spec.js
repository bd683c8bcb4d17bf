import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { learningService } from '@/services/learningService'
import { tokenStorage } from '@/services/tokenStorage'

function json(status, data) {
  return new Response(JSON.stringify({ success: true, data }), {
    status,
    headers: { 'Content-Type': 'application/json' },
  })
}

let calls
function stubFetch(respond) {
  calls = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url, init) => {
      calls.push({
        url,
        method: init.method,
        headers: init.headers,
        body: init.body ? JSON.parse(init.body) : undefined,
      })
      return respond(url, init)
    }),
  )
}

beforeEach(() => tokenStorage.setTokens({ access_token: 'a1', refresh_token: 'r1' }))
afterEach(() => {
  tokenStorage.clear()
  vi.unstubAllGlobals()
})

describe('learningService: messages, answers, feedback', () => {
  it('sends a message (streamed by default) and returns the turn', async () => {
    stubFetch(() => json(200, { workflow_response: { ui_mode: 'chat' } }))
    const turn = await learningService.sendMessage('s1', '다음')
    expect(turn.workflow_response.ui_mode).toBe('chat')
    expect(calls[0]).toMatchObject({
      url: '/api/v1/learning/session/message',
      method: 'POST',
      body: { session_id: 's1', user_message: '다음', streaming: true },
    })
    expect(calls[0].headers.Authorization).toBe('Bearer a1')
  })

  it('the synchronous fallback names the stream it replaces', async () => {
    stubFetch(() => json(200, { workflow_response: { streaming: false, theory_content: [] } }))
    await learningService.startSyncLesson(2, 1, { fallbackFrom: 'ticket-1' })
    await learningService.startTheoryStreaming(2, 1)
    expect(calls.map((c) => c.body)).toEqual([
      {
        chapter_number: 2,
        section_number: 1,
        user_message: '2챕터 1섹션 시작할게요',
        streaming: false,
        fallback_from: 'ticket-1',
      },
      {
        chapter_number: 2,
        section_number: 1,
        user_message: '2챕터 1섹션 시작할게요',
        streaming: true,
      },
    ])
  })

  it('posts feedback: target, rating and an optional comment', async () => {
    stubFetch(() => json(201, { feedback: { feedback_id: 'f1', rating: -1 } }))
    expect(await learningService.sendFeedback('s1', 'answer', -1)).toEqual({
      feedback_id: 'f1',
      rating: -1,
    })
    await learningService.sendFeedback('s1', 'lesson', 1, '좋아요')
    expect(calls.map((c) => [c.url, c.body])).toEqual([
      ['/api/v1/learning/feedback', { session_id: 's1', target: 'answer', rating: -1 }],
      [
        '/api/v1/learning/feedback',
        { session_id: 's1', target: 'lesson', rating: 1, comment: '좋아요' },
      ],
    ])
  })

  it('reads an answer stream with Last-Event-ID and the JWT in headers; cancel is a POST', async () => {
    const sse = 'id: 4\ndata: {"type":"qna_token","text":"가"}\n\n: ping\n\n'
    stubFetch((url) =>
      url.endsWith('/cancel')
        ? new Response(JSON.stringify({ success: true, data: {} }), { status: 202 })
        : new Response(sse, { status: 200, headers: { 'Content-Type': 'text/event-stream' } }),
    )
    const events = []
    for await (const event of learningService.connectQnaStream('t/1', { lastEventId: 3 })) {
      events.push(event)
    }
    expect(events).toEqual([{ id: '4', data: { type: 'qna_token', text: '가' } }])
    expect(calls[0].url).toBe('/api/v1/learning/qna-stream/t%2F1')
    expect(calls[0].headers['Last-Event-ID']).toBe('3')
    expect(calls[0].headers.Authorization).toBe('Bearer a1')
    expect(await learningService.cancelQnaStream('t/1')).toBe(true)
    expect(calls[1]).toMatchObject({
      url: '/api/v1/learning/qna-stream/t%2F1/cancel',
      method: 'POST',
    })
  })

  it('a lesson stream asks for previews in the query; they come without an id', async () => {
    const sse =
      'data: {"type":"block_preview","block_id":1,"block_type":null,"offset":0,"text":"📚"}\n\n' +
      'id: 2\ndata: {"type":"theory_block","block_id":1}\n\n'
    stubFetch(() => new Response(sse, { status: 200 }))
    const events = []
    for await (const event of learningService.connectTheoryStream('t/1', { preview: true })) {
      events.push(event)
    }
    expect(calls[0].url).toBe('/api/v1/learning/theory-stream/t%2F1?preview=1')
    expect(events.map((e) => [e.id, e.data.type])).toEqual([
      [null, 'block_preview'],
      ['2', 'theory_block'],
    ])
    for await (const _ of learningService.connectTheoryStream('t2')) break
    expect(calls[1].url).toBe('/api/v1/learning/theory-stream/t2')
  })
})
