// Problem generation as it streams, and the learner's saved problems.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

import { messageFor } from '@/lib/errorMessages'
import { problemService } from '@/services/problemService'

export const STAGES = ['analysis', 'variation', 'description', 'parsing', 'verification', 'saving']

export const useProblemStore = defineStore('problem', () => {
  // idle | streaming | done | error | cancelled
  const generationState = ref('idle')
  const statusEvents = ref([]) // {stage, state, message} in arrival order
  const streamedText = ref('')
  const result = ref(null) // {problemId, persisted, problem, verification}
  const error = ref(null) // {code, message}
  const items = ref([])
  const nextCursor = ref(null)
  const listLoaded = ref(false)
  const current = ref(null)

  let controller = null

  const isGenerating = computed(() => generationState.value === 'streaming')
  /**
   * Each stage's latest state: pending, started or done; skipped for a stage the server
   * passed over (no status line of its own, while a later stage has begun), e.g. a server
   * that does not verify problems.
   */
  const stageStates = computed(() => {
    const states = Object.fromEntries(STAGES.map((stage) => [stage, 'pending']))
    for (const event of statusEvents.value) {
      if (event?.stage in states) states[event.stage] = event.state
    }
    let laterBegun = false
    for (const stage of [...STAGES].reverse()) {
      if (states[stage] !== 'pending') laterBegun = true
      else if (laterBegun) states[stage] = 'skipped'
    }
    return states
  })

  function handleLine(line) {
    switch (line?.type) {
      case 'status':
        statusEvents.value.push(line.payload)
        break
      case 'token':
        streamedText.value += line.payload?.text ?? ''
        break
      case 'result':
        result.value = line.payload
        generationState.value = 'done'
        break
      case 'error':
        error.value = { code: line.payload?.code, message: messageFor(line.payload?.code) }
        generationState.value = 'error'
        break
      default:
        break
    }
  }

  /** Generate one problem; resolves when the stream ends (or is stopped). */
  async function generate({ prompt, difficulty, algorithmType }) {
    controller?.abort()
    const own = new AbortController()
    controller = own
    generationState.value = 'streaming'
    statusEvents.value = []
    streamedText.value = ''
    result.value = null
    error.value = null
    try {
      const lines = problemService.generateStream(
        { prompt, difficulty, algorithmType },
        { signal: own.signal },
      )
      for await (const line of lines) {
        handleLine(line)
        if (line?.type === 'result' || line?.type === 'error') break
      }
      if (generationState.value === 'streaming') {
        generationState.value = 'error'
        error.value = {
          code: 'STREAM_CLOSED',
          message: '생성이 중간에 끊겼어요. 다시 시도해 주세요.',
        }
      }
    } catch (e) {
      if (own.signal.aborted) {
        generationState.value = 'cancelled'
      } else {
        generationState.value = 'error'
        error.value = { code: e?.code, message: messageFor(e?.code, '문제를 만들지 못했어요.') }
      }
    } finally {
      if (controller === own) controller = null
    }
    if (result.value) listLoaded.value = false // the list has a new first item
    return result.value
  }

  /** The Stop button: abort the request (the server stops when the connection closes). */
  function stop() {
    controller?.abort()
  }

  async function loadProblems({ more = false } = {}) {
    const page = await problemService.list({ cursor: more ? nextCursor.value : null })
    items.value = more ? [...items.value, ...page.items] : page.items
    nextCursor.value = page.next_cursor
    listLoaded.value = true
    return items.value
  }

  async function loadProblem(problemId) {
    current.value = null
    current.value = await problemService.get(problemId)
    return current.value
  }

  return {
    generationState,
    statusEvents,
    streamedText,
    result,
    error,
    items,
    nextCursor,
    listLoaded,
    current,
    isGenerating,
    stageStates,
    handleLine,
    generate,
    stop,
    loadProblems,
    loadProblem,
  }
})
