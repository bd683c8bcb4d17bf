// Where a lesson stands as its stream comes in: state, expected blocks, how it ended.
import { ref } from 'vue'

import { messageFor } from '@/lib/errorMessages'
import { skippedBlocksOf } from '@/lib/lessonBlocks'

/**
 * The lesson's streaming status, as state a store can return. `onBlock` receives each
 * `theory_block`; `onEnd` runs when the lesson ends (completed, cancelled or failed).
 */
export function useLessonStatus({ onBlock, onEnd }) {
  // idle | starting | streaming | completed | cancelled | error | fallback (loading the sync lesson)
  const theoryStreamingState = ref('idle')
  const estimatedBlocks = ref(null)
  const streamSummary = ref(null) // stream_complete: total_blocks, fallback, fallback_mode, elapsed_ms
  // Blocks of the lesson shown that the server left out as invalid (the view says so).
  const skippedBlocks = ref(0)
  const error = ref(null) // {code, message}

  /** Back to no lesson. */
  function resetStatus() {
    theoryStreamingState.value = 'idle'
    estimatedBlocks.value = null
    streamSummary.value = null
    skippedBlocks.value = 0
    error.value = null
  }

  function completeTheoryStreaming(summary) {
    streamSummary.value = summary
    skippedBlocks.value = skippedBlocksOf(summary)
    theoryStreamingState.value = 'completed'
    onEnd()
  }

  function failTheoryStreaming(code, fallbackMessage = '강의를 불러오지 못했어요.') {
    if (code === 'CANCELLED') {
      theoryStreamingState.value = 'cancelled'
      error.value = null
    } else {
      theoryStreamingState.value = 'error'
      error.value = { code, message: messageFor(code, fallbackMessage) }
    }
    onEnd()
  }

  /** One event of the stream (terminal events included). */
  function handleTheoryEvent(event) {
    switch (event?.type) {
      case 'stream_start':
        if (Number.isInteger(event.estimated_blocks)) estimatedBlocks.value = event.estimated_blocks
        theoryStreamingState.value = 'streaming'
        break
      case 'theory_block':
        onBlock(event)
        break
      case 'stream_complete':
        completeTheoryStreaming(event)
        break
      case 'stream_error':
        failTheoryStreaming(event.code)
        break
      default:
        break // an event type this client does not know yet
    }
  }

  return {
    theoryStreamingState,
    estimatedBlocks,
    streamSummary,
    skippedBlocks,
    error,
    resetStatus,
    completeTheoryStreaming,
    failTheoryStreaming,
    handleTheoryEvent,
  }
}
