import { describe, expect, it } from 'vitest'

import { readNdjson, readSseEvents } from '@/lib/streamReaders'

const encoder = new TextEncoder()

/** A fetch-like body that delivers `text` cut at the given byte offsets. */
function bodyOf(text, cuts) {
  const bytes = encoder.encode(text)
  const pieces = []
  let from = 0
  for (const cut of [...cuts, bytes.length]) {
    pieces.push(bytes.slice(from, cut))
    from = cut
  }
  return new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(piece)
      controller.close()
    },
  })
}

async function collect(iterable) {
  const out = []
  for await (const item of iterable) out.push(item)
  return out
}

const LINES = [
  { type: 'status', payload: { stage: 'analysis', state: 'started', message: '분석 중' } },
  { type: 'token', payload: { text: '## 제목\n그래프' } },
  { type: 'result', payload: { problemId: 'p1', persisted: true, problem: { title: '해변' } } },
]
const NDJSON = LINES.map((line) => JSON.stringify(line)).join('\n') + '\n'

describe('readNdjson', () => {
  it('reads every line whatever the chunk boundaries, multi-byte characters included', async () => {
    const total = encoder.encode(NDJSON).length
    for (let cut = 1; cut < total; cut += 1) {
      expect(await collect(readNdjson(bodyOf(NDJSON, [cut])))).toEqual(LINES)
    }
  })

  it('reads a body cut into single bytes', async () => {
    const total = encoder.encode(NDJSON).length
    const cuts = Array.from({ length: total - 1 }, (_, i) => i + 1)
    expect(await collect(readNdjson(bodyOf(NDJSON, cuts)))).toEqual(LINES)
  })

  it('keeps a last line without a newline and skips blank lines', async () => {
    const text = `\n${JSON.stringify(LINES[0])}\n\n${JSON.stringify(LINES[1])}`
    expect(await collect(readNdjson(bodyOf(text, [5])))).toEqual(LINES.slice(0, 2))
  })
})

describe('readSseEvents', () => {
  const SSE =
    'id: 1\ndata: {"type":"stream_start","estimated_blocks":4}\n\n' +
    ': ping\n\n' +
    'id: 2\ndata: {"type":"theory_block","block_id":1,"data":{"title":"한글 제목"}}\n\n' +
    'data: {"type":"stream_error","code":"INVALID_SESSION"}\n\n'

  it('yields events with their ids across any chunk boundary, and counts activity', async () => {
    const total = encoder.encode(SSE).length
    for (let cut = 1; cut < total; cut += 7) {
      let activity = 0
      const events = await collect(
        readSseEvents(bodyOf(SSE, [cut]), { onActivity: () => (activity += 1) }),
      )
      expect(events.map((e) => e.id)).toEqual(['1', '2', null])
      expect(events[1].data.data.title).toBe('한글 제목')
      expect(events[2].data.code).toBe('INVALID_SESSION')
      expect(activity).toBe(2)
    }
  })
})
