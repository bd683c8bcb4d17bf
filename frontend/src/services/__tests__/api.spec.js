import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { api, ApiError, renewSessionOrLogout, setAuthLostHandler } from '@/services/api'
import { tokenStorage } from '@/services/tokenStorage'

function json(status, body) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  })
}

const UNAUTHORIZED = { success: false, error: { code: 'TOKEN_EXPIRED', message: 'expired' } }

/** A fake backend: access tokens `a1`, `a2`...; refresh tokens rotate `r1` -> `r2` -> ... */
function fakeBackend({ refreshWorks = true } = {}) {
  const state = { access: 'a1', refresh: 'r1', refreshCalls: 0, seen: [] }
  const fetchMock = vi.fn(async (url, init) => {
    const auth = init.headers.Authorization ?? null
    state.seen.push([url, auth])
    if (url.endsWith('/auth/refresh')) {
      state.refreshCalls += 1
      if (!refreshWorks || auth !== `Bearer ${state.refresh}`) return json(401, UNAUTHORIZED)
      const n = state.refreshCalls + 1
      state.access = `a${n}`
      state.refresh = `r${n}`
      return json(200, {
        success: true,
        data: { access_token: state.access, refresh_token: state.refresh, user: { id: 'u' } },
      })
    }
    if (auth !== `Bearer ${state.access}`) return json(401, UNAUTHORIZED)
    return json(200, { success: true, data: { ok: url } })
  })
  vi.stubGlobal('fetch', fetchMock)
  return state
}

let lost
beforeEach(() => {
  localStorage.clear()
  lost = vi.fn()
  setAuthLostHandler(lost)
})
afterEach(() => {
  tokenStorage.clear()
  vi.unstubAllGlobals()
})

describe('api client and tokens', () => {
  it('keeps the access token in memory only and the refresh token in localStorage', () => {
    tokenStorage.setTokens({ access_token: 'a1', refresh_token: 'r1' })
    expect(tokenStorage.getAccessToken()).toBe('a1')
    expect(Object.values({ ...localStorage })).toEqual(['r1'])
  })

  it('sends the JWT in the Authorization header, never in the URL', async () => {
    const backend = fakeBackend()
    tokenStorage.setTokens({ access_token: 'a1', refresh_token: 'r1' })
    expect(await api.get('/learning/chapters')).toEqual({ ok: '/api/v1/learning/chapters' })
    expect(backend.seen).toEqual([['/api/v1/learning/chapters', 'Bearer a1']])
  })

  it('on a 401 renews the token once with the refresh token and repeats the call', async () => {
    const backend = fakeBackend()
    tokenStorage.setTokens({ access_token: 'stale', refresh_token: 'r1' })
    expect(await api.get('/auth/me')).toEqual({ ok: '/api/v1/auth/me' })
    expect(backend.refreshCalls).toBe(1)
    expect(tokenStorage.getAccessToken()).toBe('a2')
    expect(tokenStorage.getRefreshToken()).toBe('r2') // rotated
    expect(backend.seen.at(-1)).toEqual(['/api/v1/auth/me', 'Bearer a2'])
    expect(lost).not.toHaveBeenCalled()
  })

  it('shares one refresh between calls that fail at the same time', async () => {
    const backend = fakeBackend()
    tokenStorage.setTokens({ access_token: 'stale', refresh_token: 'r1' })
    const results = await Promise.all([api.get('/a'), api.get('/b'), api.get('/c')])
    expect(results.map((r) => r.ok)).toEqual(['/api/v1/a', '/api/v1/b', '/api/v1/c'])
    expect(backend.refreshCalls).toBe(1)
  })

  it('logs out when the refresh token no longer works', async () => {
    const backend = fakeBackend({ refreshWorks: false })
    tokenStorage.setTokens({ access_token: 'stale', refresh_token: 'r1' })
    await expect(api.get('/auth/me')).rejects.toMatchObject({ status: 401, code: 'TOKEN_EXPIRED' })
    expect(backend.refreshCalls).toBe(1)
    expect(lost).toHaveBeenCalledTimes(1)
    expect(tokenStorage.getRefreshToken()).toBeNull()
  })

  it("a stream's TOKEN_EXPIRED renews once; a failed renewal logs out", async () => {
    fakeBackend()
    tokenStorage.setTokens({ access_token: 'stale', refresh_token: 'r1' })
    expect(await renewSessionOrLogout()).toBe(true)
    expect(tokenStorage.getAccessToken()).toBe('a2')
    expect(lost).not.toHaveBeenCalled()

    fakeBackend({ refreshWorks: false })
    expect(await renewSessionOrLogout()).toBe(false)
    expect(lost).toHaveBeenCalledTimes(1)
  })

  it('turns error envelopes into ApiError with code, details and request id', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        json(422, {
          success: false,
          error: { code: 'VALIDATION_ERROR', message: 'bad', details: [1], request_id: 'rq' },
        }),
      ),
    )
    const error = await api.post('/x', {}).catch((e) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 422, code: 'VALIDATION_ERROR', requestId: 'rq' })
    expect(lost).not.toHaveBeenCalled()
  })
})
