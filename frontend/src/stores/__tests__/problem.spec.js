import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { tokenStorage } from '@/services/tokenStorage'
import { STAGES, useProblemStore } from '@/stores/problem'

const LINES = [
  { type: 'status', payload: { stage: 'analysis', state: 'started', message: '분석' } },
  { type: 'status', payload: { stage: 'analysis', state: 'done', message: 'graph' } },
  { type: 'token', payload: { text: '## 제' } },
  { type: 'token', payload: { text: '목\n' } },
  { type: 'result', payload: { problemId: 'p-1', persisted: true, problem: { title: '제목' } } },
]

/** A response whose NDJSON body arrives in 3-byte chunks. */
function ndjsonResponse(lines) {
  const bytes = new TextEncoder().encode(lines.map((l) => JSON.stringify(l)).join('\n') + '\n')
  return new Response(
    new ReadableStream({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 3) controller.enqueue(bytes.slice(i, i + 3))
        controller.close()
      },
    }),
    { status: 200, headers: { 'Content-Type': 'application/x-ndjson' } },
  )
}

let store
beforeEach(() => {
  setActivePinia(createPinia())
  tokenStorage.setTokens({ access_token: 'a1', refresh_token: 'r1' })
  store = useProblemStore()
})
afterEach(() => {
  tokenStorage.clear()
  vi.unstubAllGlobals()
})

describe('problem generation', () => {
  it('follows status, tokens and the result of the NDJSON stream', async () => {
    const fetchMock = vi.fn(async () => ndjsonResponse(LINES))
    vi.stubGlobal('fetch', fetchMock)
    const result = await store.generate({ prompt: 'p', difficulty: 'easy', algorithmType: 'graph' })
    expect(result.problemId).toBe('p-1')
    expect(store.generationState).toBe('done')
    expect(store.streamedText).toBe('## 제목\n')
    expect(store.stageStates).toMatchObject({ analysis: 'done', variation: 'pending' })
    const [url, init] = fetchMock.mock.calls[0]
    expect(url).toBe('/api/v1/problems/generate-stream')
    expect(JSON.parse(init.body)).toEqual({
      prompt: 'p',
      difficulty: 'easy',
      algorithm_type: 'graph',
    })
    expect(init.headers.Authorization).toBe('Bearer a1')
  })

  it('shows an error line', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        ndjsonResponse([
          LINES[0],
          { type: 'error', payload: { code: 'GENERATION_FAILED', message: 'x' } },
        ]),
      ),
    )
    await store.generate({ prompt: 'p', difficulty: 'easy' })
    expect(store.generationState).toBe('error')
    expect(store.error.code).toBe('GENERATION_FAILED')
  })

  it('Stop aborts the request', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(
        (url, init) =>
          new Promise((_, reject) =>
            init.signal.addEventListener('abort', () =>
              reject(new DOMException('aborted', 'AbortError')),
            ),
          ),
      ),
    )
    const pending = store.generate({ prompt: 'p', difficulty: 'easy' })
    expect(store.isGenerating).toBe(true)
    store.stop()
    await pending
    expect(store.generationState).toBe('cancelled')
  })

  it('a stream that ends without a result is an error', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => ndjsonResponse(LINES.slice(0, 3))),
    )
    await store.generate({ prompt: 'p', difficulty: 'easy' })
    expect(store.generationState).toBe('error')
  })

  it('knows the verification stage, between parsing and saving', async () => {
    const status = (stage, state) => ({ type: 'status', payload: { stage, state, message: '' } })
    const verification = { status: 'passed', examples: [{ index: 0, passed: true }] }
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        ndjsonResponse([
          status('parsing', 'done'),
          status('verification', 'started'),
          status('verification', 'done'),
          status('saving', 'started'),
          {
            type: 'result',
            payload: { problemId: 'p-2', persisted: true, problem: { title: 't' }, verification },
          },
        ]),
      ),
    )
    await store.generate({ prompt: 'p', difficulty: 'easy' })
    expect(STAGES.indexOf('verification')).toBe(STAGES.indexOf('parsing') + 1)
    expect(STAGES.indexOf('saving')).toBe(STAGES.indexOf('verification') + 1)
    expect(store.stageStates).toMatchObject({
      parsing: 'done',
      verification: 'done',
      saving: 'started',
    })
    expect(store.result.verification).toEqual(verification)
  })

  it('a stage the server passed over reads as skipped, a stage still to come as pending', () => {
    const status = (stage, state) => ({ type: 'status', payload: { stage, state, message: '' } })
    store.handleLine(status('parsing', 'done'))
    expect(store.stageStates).toMatchObject({ verification: 'pending', saving: 'pending' })
    store.handleLine(status('saving', 'started'))
    expect(store.stageStates).toMatchObject({ verification: 'skipped', saving: 'started' })
  })
})
