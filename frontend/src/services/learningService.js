// Learning sessions and theory streams: HTTP only (the store decides what to do).
import { api, authorizedFetch, openStream } from './api'
import { readSseEvents } from '@/lib/streamReaders'

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
  /** Open a session on a section; `streaming: false` returns the whole lesson at once. */
  startSession(chapterNumber, sectionNumber, { streaming = true, userType } = {}) {
    const body = {
      chapter_number: chapterNumber,
      section_number: sectionNumber,
      user_message: startMessage(chapterNumber, sectionNumber),
      streaming,
    }
    if (userType) body.user_type = userType
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
   * Authorization header (a native EventSource cannot send it). `lastEventId` resumes.
   */
  async *connectTheoryStream(tempSessionId, { lastEventId = null, signal, onActivity } = {}) {
    const headers = { Accept: 'text/event-stream' }
    if (lastEventId !== null && lastEventId !== undefined)
      headers['Last-Event-ID'] = String(lastEventId)
    const response = await openStream(
      `/learning/theory-stream/${encodeURIComponent(tempSessionId)}`,
      { headers, signal },
    )
    yield* readSseEvents(response.body, { onActivity })
  },
  async cancelTheoryStream(tempSessionId) {
    const response = await authorizedFetch(
      `/learning/theory-stream/${encodeURIComponent(tempSessionId)}/cancel`,
      { method: 'POST' },
    )
    return response.status === 202
  },
}
