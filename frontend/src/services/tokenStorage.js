// Where the tokens live (see the README):
// - the access token (15 min) only in this module's memory: never in storage, never in a URL;
// - the refresh token in localStorage, so a reload keeps the session. A script running in
//   the page could read it (XSS); the backend's Content-Security-Policy (script-src 'self',
//   no inline scripts) and Markdown sanitising are what keep foreign scripts out, and the
//   server rotates it on every use and revokes the whole family when a rotated one is reused.
const REFRESH_KEY = 'tutor.refresh_token'

let accessToken = null

function storage() {
  try {
    return globalThis.localStorage ?? null
  } catch {
    return null // storage disabled: the session lasts until the page closes
  }
}

export const tokenStorage = {
  getAccessToken() {
    return accessToken
  },
  getRefreshToken() {
    return storage()?.getItem(REFRESH_KEY) ?? null
  },
  /** Keep a freshly issued pair. */
  setTokens({ access_token: access, refresh_token: refresh }) {
    accessToken = access ?? null
    if (refresh) storage()?.setItem(REFRESH_KEY, refresh)
  },
  clear() {
    accessToken = null
    storage()?.removeItem(REFRESH_KEY)
  },
}
