// The lesson the learner is reading: its blocks as they stream in, resumed, stopped or
// fetched whole when streaming fails. Its blocks are kept by lib/lessonBlocks, its
// streaming status by lib/lessonStatus; the outline and the session list are in stores/course.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

import { renewSessionOrLogout } from '@/services/api'
import { learningService } from '@/services/learningService'
import { useBlockPreview } from '@/lib/blockPreview'
import { useLessonBlocks } from '@/lib/lessonBlocks'
import { useLessonStatus } from '@/lib/lessonStatus'
import { runTicketStream } from '@/lib/ticketStream'
import { useCourseStore } from '@/stores/course'

const ACTIVE_STATES = new Set(['starting', 'streaming', 'fallback'])

export const useLessonStore = defineStore('lesson', () => {
  const sessionId = ref(null)
  const chapterNumber = ref(null)
  const sectionNumber = ref(null)
  const tempSessionId = ref(null)
  const { theoryBlocks, receivedBlocks, handleTheoryBlock, hasBlock, setBlocks } = useLessonBlocks()
  // The block being written, shown as plain text until it arrives rendered.
  const { preview, handleBlockPreview, settleBlock, clearPreview, resetPreview, wasPreviewed } =
    useBlockPreview(hasBlock)
  const {
    theoryStreamingState,
    estimatedBlocks,
    streamSummary,
    skippedBlocks,
    error,
    resetStatus,
    completeTheoryStreaming,
    failTheoryStreaming,
    handleTheoryEvent,
  } = useLessonStatus({
    onBlock: (block) => {
      handleTheoryBlock(block)
      settleBlock(Number(block.block_id))
    },
    onEnd: () => {
      tempSessionId.value = null // the ticket is spent once its lesson ended
      clearPreview()
    },
  })
  const usedSyncFallback = ref(false)
  // +1 for every lesson shown (its feedback is about that lesson)
  const lessonSerial = ref(0)
  // Tunables of the stream client (tests shorten them).
  const streamOptions = ref({})

  let controller = null

  const isStreaming = computed(() => ACTIVE_STATES.has(theoryStreamingState.value))

  function resetLesson() {
    clearLesson()
    sessionId.value = null
  }

  /** Forget the lesson shown (its stream too), not the session. */
  function clearLesson() {
    controller?.abort()
    controller = null
    lessonSerial.value += 1
    tempSessionId.value = null
    resetStatus()
    setBlocks([])
    resetPreview()
    usedSyncFallback.value = false
  }

  async function followStream(ticket, resumeFrom = null) {
    controller?.abort()
    const own = new AbortController()
    controller = own
    tempSessionId.value = ticket
    if (theoryStreamingState.value !== 'streaming') theoryStreamingState.value = 'streaming'
    const result = await runTicketStream({
      tempId: ticket,
      connect: (id, options) =>
        learningService.connectTheoryStream(id, { ...options, preview: true }),
      refresh: renewSessionOrLogout,
      onEvent: handleTheoryEvent,
      onVolatile: (event) => {
        if (event?.type === 'block_preview' && controller === own) handleBlockPreview(event)
      },
      signal: own.signal,
      resumeFrom,
      options: streamOptions.value,
    })
    if (controller !== own) return result // superseded by another lesson
    controller = null
    if (result.outcome === 'fallback') await fallbackToSync(ticket)
    else if (result.outcome === 'failed' && theoryStreamingState.value !== 'error') {
      failTheoryStreaming(result.code)
    } else if (result.outcome === 'cancelled') failTheoryStreaming('CANCELLED')
    return result
  }

  /** Start a lesson on a section: streamed when the server streams, whole otherwise. */
  async function startLesson(chapter, section, { userType } = {}) {
    resetLesson()
    chapterNumber.value = chapter
    sectionNumber.value = section
    theoryStreamingState.value = 'starting'
    let data
    try {
      data = await learningService.startTheoryStreaming(chapter, section, { userType })
    } catch (e) {
      failTheoryStreaming(e?.code, '강의를 시작하지 못했어요.')
      return null
    }
    sessionId.value = data.session_info.session_id
    showLessonTurn(data.workflow_response)
    return sessionId.value
  }

  /** A lesson the server sent: follow its stream, or show it whole (on `info`'s section). */
  function showLessonTurn(flow, info = null) {
    if (flow.streaming && flow.temp_session_id) {
      estimatedBlocks.value = flow.estimated_blocks ?? null
      followStream(flow.temp_session_id) // runs on; the view follows the store
      return
    }
    setBlocks(flow.theory_content)
    if (info)
      [chapterNumber.value, sectionNumber.value] = [info.chapter_number, info.section_number]
    completeTheoryStreaming(null)
  }

  /**
   * A new lesson in the same session, from session/message ("다음" or an easier retry): it
   * streams like any lesson (or comes whole when the server did not stream it).
   */
  function beginSessionLesson(data) {
    const flow = data?.workflow_response ?? {}
    clearLesson()
    // While the lesson streams, the session still names the section it comes from: the next
    // lesson is the outline's next section (a retry stays on this one).
    const target = flow.is_retry_session
      ? null
      : useCourseStore().nextSection(chapterNumber.value, sectionNumber.value)
    if (target) [chapterNumber.value, sectionNumber.value] = target
    showLessonTurn(flow, data?.session_info)
  }

  /** Streaming failed: ask for the whole lesson at once (a new session on the same section). */
  async function fallbackToSync(ticket = tempSessionId.value) {
    if (ticket) learningService.cancelTheoryStream(ticket).catch(() => {}) // free its run slot
    theoryStreamingState.value = 'fallback'
    tempSessionId.value = null
    clearPreview()
    try {
      const data = await learningService.startSyncLesson(chapterNumber.value, sectionNumber.value, {
        fallbackFrom: ticket,
      })
      sessionId.value = data.session_info.session_id
      setBlocks(data.workflow_response.theory_content)
      usedSyncFallback.value = true
      completeTheoryStreaming(null)
    } catch (e) {
      failTheoryStreaming(e?.code)
    }
  }

  /**
   * Show a session (from "My lessons" or a reload); a lesson run still going is resumed.
   * Returns the session view it loaded (null when the session was already shown).
   */
  async function openSession(id) {
    if (sessionId.value === id && theoryStreamingState.value !== 'idle') return null
    resetLesson()
    sessionId.value = id
    theoryStreamingState.value = 'starting'
    let view
    try {
      view = await learningService.getSession(id)
    } catch (e) {
      failTheoryStreaming(e?.code, '강의를 찾을 수 없어요.')
      return null
    }
    if (sessionId.value !== id) return null
    chapterNumber.value = view.chapter_number
    sectionNumber.value = view.section_number
    setBlocks(view.theory_content)
    if (view.active_run?.kind === 'theory' && view.active_run.temp_session_id) {
      followStream(view.active_run.temp_session_id, 0) // replay from the start; duplicates skip
    } else if (view.session_progress_stage === 'theory_cancelled') {
      theoryStreamingState.value = 'cancelled'
    } else if (view.session_progress_stage === 'theory_failed') {
      failTheoryStreaming('GENERATION_FAILED', '이 강의는 끝까지 만들어지지 못했어요.')
    } else {
      completeTheoryStreaming(null)
    }
    return view
  }

  /** The Stop button: the server ends the stream with CANCELLED. */
  async function stopLesson() {
    const ticket = tempSessionId.value
    if (!ticket) return
    try {
      await learningService.cancelTheoryStream(ticket)
    } catch {
      controller?.abort() // the server could not be told: at least stop listening
      failTheoryStreaming('CANCELLED')
    }
  }

  function retryLesson() {
    if (chapterNumber.value && sectionNumber.value) {
      return startLesson(chapterNumber.value, sectionNumber.value)
    }
    return null
  }

  /** Leaving the lesson page: stop listening; the run goes on and can be reopened. */
  function detach() {
    if (controller) resetLesson()
  }

  return {
    sessionId,
    chapterNumber,
    sectionNumber,
    tempSessionId,
    theoryStreamingState,
    theoryBlocks,
    preview,
    estimatedBlocks,
    streamSummary,
    skippedBlocks,
    usedSyncFallback,
    error,
    lessonSerial,
    streamOptions,
    isStreaming,
    receivedBlocks,
    resetLesson,
    handleTheoryBlock,
    handleTheoryEvent,
    handleBlockPreview,
    wasPreviewed,
    completeTheoryStreaming,
    failTheoryStreaming,
    startLesson,
    beginSessionLesson,
    fallbackToSync,
    openSession,
    stopLesson,
    retryLesson,
    detach,
  }
})
