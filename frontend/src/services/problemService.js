// Problem generation (NDJSON stream) and the saved problems: HTTP only.
import { api, openStream } from './api'
import { readNdjson } from '@/lib/streamReaders'

export const problemService = {
  /** The generation's lines (`{type, payload}`), as they arrive; abort with `signal`. */
  async *generateStream({ prompt, difficulty, algorithmType }, { signal } = {}) {
    const body = { prompt, difficulty }
    if (algorithmType) body.algorithm_type = algorithmType
    const response = await openStream('/problems/generate-stream', {
      method: 'POST',
      body,
      signal,
      headers: { Accept: 'application/x-ndjson' },
    })
    yield* readNdjson(response.body)
  },
  list({ limit = 20, cursor = null } = {}) {
    const query = new URLSearchParams({ limit: String(limit) })
    if (cursor) query.set('cursor', cursor)
    return api.get(`/problems?${query}`)
  },
  get(problemId) {
    return api.get(`/problems/${encodeURIComponent(problemId)}`)
  },
}
