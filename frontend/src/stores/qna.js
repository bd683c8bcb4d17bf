// The chat under the lesson: the session's conversation, and answers as they stream in.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

import { renewSessionOrLogout } from '@/services/api'
import { learningService } from '@/services/learningService'
import { messageFor } from '@/lib/errorMessages'
import { PENDING, QNA_AGENT, isLessonTurn, threadEntry, threadFromView } from '@/lib/thread'
import { runTicketStream } from '@/lib/ticketStream'
import { useLessonStore } from '@/stores/lesson'

export const useQnaStore = defineStore('qna', () => {
  const sessionId = ref(null)
  const messages = ref([])
  const sending = ref(false)
  const sendError = ref(null) // {code, message}: the message did not reach the server
  const activeTicket = ref(null)
  // Tunables of the stream client (tests shorten them).
  const streamOptions = ref({})

  let controller = null

  const pendingAnswer = computed(() => messages.value.find((m) => PENDING.has(m.status)) ?? null)
  const busy = computed(() => sending.value || pendingAnswer.value !== null)

  function stopListening() {
    controller?.abort()
    controller = null
    activeTicket.value = null
  }

  /**
   * Show the thread of session `id` from its view (null: a session just started here, whose
   * thread is empty so far). An answer still streaming is replayed from its first event.
   */
  function showSession(id, view = null) {
    stopListening()
    sessionId.value = id
    sendError.value = null
    sending.value = false
    messages.value = threadFromView(view)
    const run = view?.active_run
    if (run?.kind === 'qna' && run.temp_session_id) {
      // The question joins the conversation with its answer: until then it is not known.
      messages.value.push(
        threadEntry('assistant', QNA_AGENT, '', { status: 'waiting', resumed: true }),
      )
      followAnswer(messages.value.at(-1), run.temp_session_id, 0)
    }
  }

  /** Read the thread again from the server (a lesson or a resumed answer ended). */
  async function reloadThread(id = sessionId.value) {
    if (!id) return null
    let view
    try {
      view = await learningService.getSession(id)
    } catch {
      return null // the thread shown stays; the next load will bring it
    }
    // Never replace an answer that is arriving, nor another session's thread.
    if (sessionId.value !== id) return null
    if (busy.value) return view
    showSession(id, view)
    return view
  }

  /** Show session `id`'s thread, loaded from the server. */
  function openThread(id) {
    showSession(id, null)
    return reloadThread(id)
  }

  /** Ask a question (or say "다음", ...). True once the server took the message. */
  async function ask(text) {
    const message = (text ?? '').trim()
    const id = sessionId.value
    if (!message || !id || busy.value) return false
    sending.value = true
    sendError.value = null
    messages.value.push(threadEntry('user', 'learner', message))
    const asked = messages.value.at(-1)
    let data
    try {
      data = await learningService.sendMessage(id, message)
    } catch (e) {
      if (sessionId.value === id) {
        messages.value = messages.value.filter((m) => m !== asked)
        sendError.value = {
          code: e?.code,
          message: messageFor(e?.code, '메시지를 보내지 못했어요.'),
        }
      }
      return false
    } finally {
      if (sessionId.value === id) sending.value = false
    }
    if (sessionId.value !== id) return true // the learner has moved on
    const flow = data?.workflow_response ?? {}
    if (flow.current_agent === QNA_AGENT) {
      const streamed = Boolean(flow.streaming && flow.temp_session_id)
      messages.value.push(
        threadEntry('assistant', QNA_AGENT, streamed ? '' : (flow.answer ?? ''), {
          status: streamed ? 'waiting' : 'done',
          sources: streamed ? [] : (flow.sources ?? []),
          question: message,
        }),
      )
      if (streamed) followAnswer(messages.value.at(-1), flow.temp_session_id, null)
    } else if (isLessonTurn(flow)) {
      messages.value.push(
        threadEntry('assistant', flow.current_agent ?? 'learning_supervisor', '', { lesson: true }),
      )
      useLessonStore().beginSessionLesson(data)
    } else {
      messages.value.push(threadEntry('assistant', flow.current_agent ?? '', flow.message ?? ''))
    }
    return true
  }

  /** One event of an answer stream (terminal events included). */
  function handleAnswerEvent(answer, event) {
    switch (event?.type) {
      case 'stream_start':
        answer.status = 'streaming'
        break
      case 'qna_token':
        if (typeof event.text === 'string') answer.text += event.text
        answer.status = 'streaming'
        break
      case 'stream_complete':
        if (typeof event.answer === 'string') answer.text = event.answer
        answer.sources = Array.isArray(event.sources) ? event.sources : []
        answer.status = 'done'
        break
      case 'stream_error':
        endAnswer(answer, event.code)
        break
      default:
        break // an event type this client does not know yet
    }
  }

  function endAnswer(answer, code) {
    if (!PENDING.has(answer.status)) return
    if (code === 'CANCELLED') {
      answer.status = 'cancelled'
      answer.error = null
    } else {
      answer.status = 'failed'
      answer.error = { code, message: messageFor(code, '답변을 끝까지 받지 못했어요.') }
    }
  }

  async function followAnswer(answer, ticket, resumeFrom) {
    controller?.abort()
    const own = new AbortController()
    controller = own
    activeTicket.value = ticket
    const result = await runTicketStream({
      tempId: ticket,
      connect: (tempId, options) => learningService.connectQnaStream(tempId, options),
      refresh: renewSessionOrLogout,
      onEvent: (event) => handleAnswerEvent(answer, event),
      signal: own.signal,
      resumeFrom,
      options: streamOptions.value,
    })
    if (controller !== own) return result // stopped, or another session shown
    controller = null
    activeTicket.value = null
    if (result.outcome === 'fallback') {
      // A lost run, a dead line, or too many failed reconnections: give up on this answer.
      learningService.cancelQnaStream(ticket).catch(() => {})
      const lost = ['RUN_ABORTED', 'INVALID_SESSION'].includes(result.reason)
      endAnswer(answer, result.terminal?.code ?? (lost ? result.reason : 'NETWORK_ERROR'))
    } else if (result.outcome !== 'aborted') {
      endAnswer(answer, result.code ?? 'GENERATION_FAILED') // no-op once it is done
    }
    if (answer.resumed && result.outcome !== 'aborted') reloadThread() // the question too
    return result
  }

  /** The Stop button: the server ends the run; the answer keeps what arrived. */
  async function stop() {
    const ticket = activeTicket.value
    const answer = pendingAnswer.value
    if (!ticket) return
    const told = learningService.cancelQnaStream(ticket).catch(() => false)
    stopListening()
    if (answer) endAnswer(answer, 'CANCELLED')
    await told
  }

  /** Ask a stopped or failed answer's question again. */
  function retry(answer) {
    return answer?.question ? ask(answer.question) : Promise.resolve(false)
  }

  /** Leaving the lesson page: stop listening (a running answer is resumed when reopened). */
  function detach() {
    stopListening()
    sessionId.value = null
    messages.value = []
    sending.value = false
    sendError.value = null
  }

  return {
    sessionId,
    messages,
    sending,
    sendError,
    activeTicket,
    streamOptions,
    pendingAnswer,
    busy,
    showSession,
    reloadThread,
    openThread,
    ask,
    handleAnswerEvent,
    stop,
    retry,
    detach,
  }
})
