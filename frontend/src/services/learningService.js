// Learning sessions, lesson and answer streams, messages, feedback: HTTP only (the stores
// decide what to do).
import { api, authorizedFetch, openStream } from './api'
import { readSseEvents } from '@/lib/streamReaders'

async function* connectSse(path, { lastEventId = null, signal, onActivity } = {}) {
  const headers = { Accept: 'text/event-stream' }
  if (lastEventId !== null && lastEventId !== undefined)
    headers['Last-Event-ID'] = String(lastEventId)
  const response = await openStream(path, { headers, signal })
  yield* readSseEvents(response.body, { onActivity })
}

function startMessage(chapterNumber, sectionNumber) {
  return `${chapterNumber}챕터 ${sectionNumber}섹션 시작할게요`
}

export const learningService = {
  async getChapters() {
    return (await api.get('/learning/chapters')).chapters
  },
  async listSessions() {
    return (await api.get('/learning/sessions')).sessions
  },
  getSession(sessionId) {
    return api.get(`/learning/session/${encodeURIComponent(sessionId)}`)
  },
  /**
   * Open a session on a section; `streaming: false` returns the whole lesson at once.
   * `fallbackFrom`: the ticket of the lesson stream this request replaces (the server counts
   * the client's fallbacks).
   */
  startSession(chapterNumber, sectionNumber, { streaming = true, userType, fallbackFrom } = {}) {
    const body = {
      chapter_number: chapterNumber,
      section_number: sectionNumber,
      user_message: startMessage(chapterNumber, sectionNumber),
      streaming,
    }
    if (userType) body.user_type = userType
    if (fallbackFrom) body.fallback_from = fallbackFrom
    return api.post('/learning/session/start', body)
  },
  /** Phase 1 of a streamed lesson: a session and a one-time stream ticket. */
  startTheoryStreaming(chapterNumber, sectionNumber, options = {}) {
    return this.startSession(chapterNumber, sectionNumber, { ...options, streaming: true })
  },
  /** The synchronous lesson: the client's fallback when streaming does not work. */
  startSyncLesson(chapterNumber, sectionNumber, options = {}) {
    return this.startSession(chapterNumber, sectionNumber, { ...options, streaming: false })
  },
  /**
   * Phase 2: the lesson's SSE events (`{id, data}`), over fetch so the JWT travels in the
   * Authorization header (a native EventSource cannot send it). `lastEventId` resumes;
   * `preview` also asks for `block_preview` events (no id) of the block being written.
   */
  connectTheoryStream(tempSessionId, { preview = false, ...options } = {}) {
    const query = preview ? '?preview=1' : ''
    return connectSse(
      `/learning/theory-stream/${encodeURIComponent(tempSessionId)}${query}`,
      options,
    )
  },
  async cancelTheoryStream(tempSessionId) {
    const response = await authorizedFetch(
      `/learning/theory-stream/${encodeURIComponent(tempSessionId)}/cancel`,
      { method: 'POST' },
    )
    return response.status === 202
  },
  /**
   * A learner's message in a session: a question (an answer ticket, or with `streaming:
   * false` the whole answer), "다음" / an easier retry (a lesson ticket), or a short reply.
   */
  sendMessage(sessionId, userMessage, { streaming = true } = {}) {
    return api.post('/learning/session/message', {
      session_id: sessionId,
      user_message: userMessage,
      streaming,
    })
  },
  /** An answer's SSE events, like connectTheoryStream. */
  connectQnaStream(tempSessionId, options = {}) {
    return connectSse(`/learning/qna-stream/${encodeURIComponent(tempSessionId)}`, options)
  },
  async cancelQnaStream(tempSessionId) {
    const response = await authorizedFetch(
      `/learning/qna-stream/${encodeURIComponent(tempSessionId)}/cancel`,
      { method: 'POST' },
    )
    return response.status === 202
  },
  /** Thumbs up (1) or down (-1) on the lesson or an answer of a session. */
  async sendFeedback(sessionId, target, rating, comment = null) {
    const body = { session_id: sessionId, target, rating }
    if (comment) body.comment = comment
    return (await api.post('/learning/feedback', body)).feedback
  },
}
