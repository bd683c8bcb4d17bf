import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { tokenStorage } from '@/services/tokenStorage'
import { useAuthStore } from '@/stores/auth'

function json(status, body) {
  return new Response(JSON.stringify(body), { status })
}

const USER = { id: 'u1', username: 'learner', user_type: 'beginner' }
const PAIR = { access_token: 'a2', refresh_token: 'r2', expires_in: 900, user: USER }

beforeEach(() => {
  setActivePinia(createPinia())
  localStorage.clear()
})
afterEach(() => {
  tokenStorage.clear()
  vi.unstubAllGlobals()
})

describe('auth store', () => {
  it('a reload restores the session from the stored refresh token', async () => {
    localStorage.setItem('tutor.refresh_token', 'r1')
    const fetchMock = vi.fn(async () => json(200, { success: true, data: PAIR }))
    vi.stubGlobal('fetch', fetchMock)
    const auth = useAuthStore()
    await auth.restore()
    expect(auth.ready).toBe(true)
    expect(auth.user).toEqual(USER)
    expect(fetchMock.mock.calls[0][0]).toBe('/api/v1/auth/refresh')
    expect(fetchMock.mock.calls[0][1].headers.Authorization).toBe('Bearer r1')
    expect(tokenStorage.getAccessToken()).toBe('a2')
    expect(tokenStorage.getRefreshToken()).toBe('r2')
  })

  it('with no stored token there is no session and no request', async () => {
    const fetchMock = vi.fn()
    vi.stubGlobal('fetch', fetchMock)
    const auth = useAuthStore()
    await auth.restore()
    expect(auth.ready).toBe(true)
    expect(auth.isAuthenticated).toBe(false)
    expect(fetchMock).not.toHaveBeenCalled()
  })

  it('login keeps the pair, logout revokes the refresh token and forgets both', async () => {
    const fetchMock = vi.fn(async (url) =>
      url.endsWith('/auth/login')
        ? json(200, { success: true, data: PAIR })
        : json(200, { success: true, data: {} }),
    )
    vi.stubGlobal('fetch', fetchMock)
    const auth = useAuthStore()
    await auth.login('learner', 'a long password')
    expect(auth.user).toEqual(USER)
    await auth.logout()
    const [url, init] = fetchMock.mock.calls[1]
    expect(url).toBe('/api/v1/auth/logout')
    expect(init.headers.Authorization).toBe('Bearer r2')
    expect(auth.isAuthenticated).toBe(false)
    expect(tokenStorage.getAccessToken()).toBeNull()
    expect(tokenStorage.getRefreshToken()).toBeNull()
  })
})
