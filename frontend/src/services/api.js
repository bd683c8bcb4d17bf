// The one HTTP client: JSON envelopes, the Bearer JWT, and one refresh on 401.
import { messageFor } from '@/lib/errorMessages'

import { tokenStorage } from './tokenStorage'

export const API_BASE = '/api/v1'

/** A failed API call: `code` is the backend's UPPER_SNAKE code (or NETWORK_ERROR). */
export class ApiError extends Error {
  constructor(status, code, message, details = null, requestId = null) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.details = details
    this.requestId = requestId
  }
}

let onAuthLost = () => {}
let refreshing = null

/** What to do when the session cannot be renewed (the auth store logs out). */
export function setAuthLostHandler(handler) {
  onAuthLost = handler
}

async function errorFrom(response) {
  let body = null
  try {
    body = await response.json()
  } catch {
    // not JSON (a proxy's page): fall through to a generic error
  }
  const error = body?.error
  return new ApiError(
    response.status,
    error?.code ?? `HTTP_${response.status}`,
    error?.message ?? response.statusText,
    error?.details ?? null,
    error?.request_id ?? response.headers.get('X-Request-ID'),
  )
}

async function rawFetch(path, { method = 'GET', body, headers = {}, signal, auth = true } = {}) {
  const allHeaders = { Accept: 'application/json', ...headers }
  if (body !== undefined) allHeaders['Content-Type'] = 'application/json'
  const token = auth ? tokenStorage.getAccessToken() : null
  if (token) allHeaders.Authorization = `Bearer ${token}`
  try {
    return await fetch(`${API_BASE}${path}`, {
      method,
      headers: allHeaders,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      credentials: 'same-origin',
    })
  } catch (error) {
    if (error?.name === 'AbortError') throw error
    throw new ApiError(0, 'NETWORK_ERROR', messageFor('NETWORK_ERROR'))
  }
}

async function doRefresh() {
  const refreshToken = tokenStorage.getRefreshToken()
  if (!refreshToken) return false
  const response = await rawFetch('/auth/refresh', {
    method: 'POST',
    headers: { Authorization: `Bearer ${refreshToken}` },
    auth: false,
  })
  if (!response.ok) {
    // A 401 means the refresh token is spent or revoked; anything else may be transient.
    if (response.status === 401) tokenStorage.clear()
    return false
  }
  const { data } = await response.json()
  tokenStorage.setTokens(data)
  return data
}

/**
 * Renew the access token with the refresh token, once for all callers at the same time.
 * Tabs share the refresh token, and the server revokes a family when a rotated token is
 * reused, so tabs take turns (Web Locks) and each reads the newest token inside the lock.
 */
export function refreshSession() {
  if (!refreshing) {
    const locks = globalThis.navigator?.locks
    const run = locks ? locks.request('tutor-auth-refresh', doRefresh) : doRefresh()
    refreshing = run
      .catch(() => false)
      .finally(() => {
        refreshing = null
      })
  }
  return refreshing
}

/** Renew the token (a stream said TOKEN_EXPIRED); when that fails the session is over. */
export async function renewSessionOrLogout() {
  const renewed = await refreshSession()
  if (!renewed) onAuthLost()
  return Boolean(renewed)
}

/**
 * fetch with the JWT; on a 401 renew the token once and try again, and when that fails
 * too, the session is over (onAuthLost). Returns the Response, whatever its status.
 */
export async function authorizedFetch(path, options = {}) {
  const sent = tokenStorage.getAccessToken()
  let response = await rawFetch(path, options)
  if (response.status !== 401 || options.auth === false) return response
  if (!tokenStorage.getRefreshToken()) {
    onAuthLost()
    return response
  }
  // Another call may have renewed the token while this one was on the way.
  const renewed = tokenStorage.getAccessToken() !== sent && tokenStorage.getAccessToken()
  if (!renewed && !(await refreshSession())) {
    onAuthLost()
    return response
  }
  response = await rawFetch(path, options)
  if (response.status === 401) onAuthLost()
  return response
}

/** A JSON API call: the envelope's `data`, or an ApiError. */
export async function request(path, options = {}) {
  const response = await authorizedFetch(path, options)
  if (!response.ok) throw await errorFrom(response)
  const payload = await response.json()
  return payload.data
}

/** A streaming call: the Response once its status is 2xx (its body is read by the caller). */
export async function openStream(path, options = {}) {
  const response = await authorizedFetch(path, options)
  if (!response.ok) throw await errorFrom(response)
  return response
}

export const api = {
  get: (path, options) => request(path, { ...options, method: 'GET' }),
  post: (path, body, options) => request(path, { ...options, method: 'POST', body }),
  patch: (path, body, options) => request(path, { ...options, method: 'PATCH', body }),
}
