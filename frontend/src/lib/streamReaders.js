// Readers for the two streaming framings the backend speaks: SSE and NDJSON.
import { createParser } from 'eventsource-parser'

/** The chunks of a fetch body (a ReadableStream) or of any async iterable, as text. */
async function* textChunks(body) {
  const decoder = new TextDecoder()
  if (body && typeof body.getReader === 'function') {
    const reader = body.getReader()
    let finished = false
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        yield typeof value === 'string' ? value : decoder.decode(value, { stream: true })
      }
      finished = true
    } finally {
      // The consumer stopped early (a terminal event, an abort): close the connection.
      if (!finished) await reader.cancel().catch(() => {})
    }
  } else {
    for await (const value of body) {
      yield typeof value === 'string' ? value : decoder.decode(value, { stream: true })
    }
  }
  // Bytes of a character split at the very end (a truncated stream).
  const rest = decoder.decode()
  if (rest) yield rest
}

/**
 * Server-Sent Events from a body: yields `{id, data}` with `data` parsed as JSON. `onActivity`
 * is called for every chunk, heartbeats (`: ping`) included, so callers can detect a dead line.
 */
export async function* readSseEvents(body, { onActivity } = {}) {
  const queue = []
  const parser = createParser({
    onEvent(event) {
      let data
      try {
        data = JSON.parse(event.data)
      } catch {
        return // not ours: ignore rather than break the lesson
      }
      queue.push({ id: event.id ?? null, data })
    },
  })
  for await (const text of textChunks(body)) {
    onActivity?.()
    parser.feed(text)
    while (queue.length) yield queue.shift()
  }
}

/**
 * One JSON object per line, whatever the chunk boundaries: a line split across chunks (or a
 * multi-byte character split across them) is joined before parsing. Blank lines are skipped.
 */
export async function* readNdjson(body) {
  let buffer = ''
  for await (const text of textChunks(body)) {
    buffer += text
    let newline = buffer.indexOf('\n')
    while (newline !== -1) {
      const line = buffer.slice(0, newline).trim()
      buffer = buffer.slice(newline + 1)
      if (line) yield JSON.parse(line)
      newline = buffer.indexOf('\n')
    }
  }
  const last = buffer.trim()
  if (last) yield JSON.parse(last)
}
