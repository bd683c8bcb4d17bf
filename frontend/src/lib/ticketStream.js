// Follows one ticketed SSE run stream (a lesson or an answer) to its end: resumes after
// drops (Last-Event-ID), renews an expired token once, skips replayed events, and says when
// the caller should give up on the stream (a lesson falls back to the synchronous path). It
// knows no HTTP: `connect` yields the stream's `{id, data}` events.

export const STREAM_DEFAULTS = {
  maxRetries: 3, // consecutive failed connections (no new event in between) before falling back
  retryDelayMs: 500, // times the attempt number
  idleTimeoutMs: 30_000, // no byte, heartbeat included (the server pings every 10 s)
  totalTimeoutMs: 120_000, // the whole run
}

// Terminal errors that lost the run: a fresh synchronous lesson is the learner's best chance.
const FALLBACK_CODES = new Set(['RUN_ABORTED', 'INVALID_SESSION'])

/** Wait `ms`, or less when `signal` aborts. */
export function sleep(ms, signal) {
  return new Promise((resolve) => {
    if (!ms || signal?.aborted) return resolve()
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

/**
 * Run the stream of ticket `tempId` until its terminal event.
 *
 * Resolves to `{outcome, terminal?, code?, reason?}` where outcome is `completed`,
 * `cancelled`, `failed` (a terminal or refusal the learner can retry), `fallback` (timeout,
 * repeated failures, a lost run) or `aborted` (the caller's signal).
 * `onEvent` receives every new event in order, terminal included (not refusals);
 * `onVolatile` the events without an id (previews: never stored, never replayed).
 */
export async function runTicketStream({
  tempId,
  connect,
  refresh = async () => false,
  onEvent,
  onVolatile = () => {},
  signal,
  resumeFrom = null,
  options = {},
}) {
  const opts = { ...STREAM_DEFAULTS, ...options }
  const deadline = Date.now() + opts.totalTimeoutMs
  let lastSeq = resumeFrom // null: the ticket is not ours yet, claim it
  let failures = 0
  let refreshed = false
  let triedResume = resumeFrom !== null

  while (!signal?.aborted) {
    const remaining = deadline - Date.now()
    if (remaining <= 0) return { outcome: 'fallback', reason: 'timeout' }

    const attempt = new AbortController()
    let why = 'closed'
    const stop = (reason) => {
      why = reason
      attempt.abort()
    }
    const onOuterAbort = () => stop('aborted')
    signal?.addEventListener('abort', onOuterAbort)
    let idleTimer = null
    const resetIdle = () => {
      clearTimeout(idleTimer)
      idleTimer = setTimeout(() => stop('idle'), opts.idleTimeoutMs)
    }
    const totalTimer = setTimeout(() => stop('timeout'), remaining)
    resetIdle()

    let verdict = null
    try {
      for await (const { id, data } of connect(tempId, {
        lastEventId: lastSeq,
        signal: attempt.signal,
        onActivity: resetIdle,
      })) {
        resetIdle()
        if (id === null || id === undefined || id === '') {
          if (data?.type !== 'stream_error') {
            onVolatile(data)
            continue
          }
          verdict = await refusal(data)
          break
        }
        const seq = Number(id)
        if (!Number.isFinite(seq) || (lastSeq !== null && seq <= lastSeq)) continue // replayed
        lastSeq = seq
        failures = 0
        if (data?.type === 'stream_error' && FALLBACK_CODES.has(data.code)) {
          verdict = { outcome: 'fallback', reason: data.code, terminal: data }
          break
        }
        onEvent(data)
        if (data?.type === 'stream_complete') {
          verdict = { outcome: 'completed', terminal: data }
          break
        }
        if (data?.type === 'stream_error') {
          const outcome = data.code === 'CANCELLED' ? 'cancelled' : 'failed'
          verdict = { outcome, terminal: data, code: data.code }
          break
        }
      }
    } catch (error) {
      if (why === 'closed') why = error?.code === 'NETWORK_ERROR' ? 'network' : 'error'
    } finally {
      clearTimeout(idleTimer)
      clearTimeout(totalTimer)
      signal?.removeEventListener('abort', onOuterAbort)
      attempt.abort() // close the connection whatever happened
    }

    if (signal?.aborted) return { outcome: 'aborted' }
    if (verdict?.retry) continue
    if (verdict) return verdict
    if (why === 'timeout') return { outcome: 'fallback', reason: 'timeout' }

    // Dropped before the terminal event: resume after the last event we hold.
    failures += 1
    if (failures > opts.maxRetries) return { outcome: 'fallback', reason: 'retries' }
    await sleep(opts.retryDelayMs * failures, signal)
  }
  return { outcome: 'aborted' }

  // A refusal (a stream_error without an id): no event of the run was sent.
  async function refusal(data) {
    if (data.code === 'TOKEN_EXPIRED' && !refreshed) {
      refreshed = true
      if (await refresh()) return { retry: true }
    }
    if (data.code === 'INVALID_SESSION' && !triedResume) {
      // The ticket was claimed already: most likely by our own request whose answer was
      // lost in a drop. Resume the run from its start instead.
      triedResume = true
      lastSeq = 0
      return { retry: true }
    }
    if (FALLBACK_CODES.has(data.code)) return { outcome: 'fallback', reason: data.code }
    if (data.code === 'CANCELLED') return { outcome: 'cancelled', terminal: data, code: data.code }
    return { outcome: 'failed', terminal: data, code: data.code }
  }
}
