// A scripted theory stream for tests: each connection plays one script of steps.
export function ev(id, data) {
  return { id: id === null ? null : String(id), data }
}

export const lesson = {
  start: (n = 4) => ({ type: 'stream_start', temp_session_id: 't', estimated_blocks: n }),
  block: (id, type = 'introduction') =>
    id === 1
      ? { type: 'theory_block', block_type: 'header', block_id: 1, data: { title: 'T' } }
      : {
          type: 'theory_block',
          block_type: 'section',
          block_id: id,
          data: { type, content: `b${id}` },
        },
  complete: (n = 4, skipped = 0) => ({
    type: 'stream_complete',
    total_blocks: n,
    fallback: false,
    skipped_blocks: skipped,
  }),
  error: (code) => ({ type: 'stream_error', code, message: code }),
  // A preview of the block being written (sent without an id: ev(null, ...)).
  preview: (id, offset, text, blockType = 'section') => ({
    type: 'block_preview',
    block_id: id,
    block_type: blockType,
    offset,
    text,
  }),
}

/**
 * `connect` for runTicketStream / learningService.connectTheoryStream. Each script is a list
 * of events, then optionally 'drop' (the connection fails) or 'hang' (silence until aborted).
 * Records the Last-Event-ID each connection sent.
 */
export function scriptedConnect(scripts) {
  const calls = []
  async function* connect(tempId, { lastEventId = null, signal, onActivity } = {}) {
    const script = scripts[calls.length] ?? ['drop']
    calls.push({ tempId, lastEventId })
    for (const step of script) {
      if (step === 'drop') {
        const error = new Error('network down')
        error.code = 'NETWORK_ERROR'
        throw error
      }
      if (step === 'hang') {
        await new Promise((_, reject) => {
          if (signal?.aborted) reject(new DOMException('aborted', 'AbortError'))
          signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
        })
      }
      onActivity?.()
      yield step
    }
  }
  return { connect, calls }
}
