// Accounts and tokens: HTTP only.
import { api, refreshSession } from './api'
import { tokenStorage } from './tokenStorage'

export const authService = {
  register(username, password) {
    return api.post('/auth/register', { username, password }, { auth: false })
  },
  async login(username, password) {
    const data = await api.post('/auth/login', { username, password }, { auth: false })
    tokenStorage.setTokens(data)
    return data.user
  },
  /** A new token pair from the stored refresh token: the user, or null when there is none. */
  async restore() {
    const data = await refreshSession()
    return data ? data.user : null
  },
  async logout() {
    const refreshToken = tokenStorage.getRefreshToken()
    tokenStorage.clear()
    if (!refreshToken) return
    try {
      await api.post('/auth/logout', undefined, {
        auth: false,
        headers: { Authorization: `Bearer ${refreshToken}` },
      })
    } catch {
      // Already revoked or offline: the local session is gone either way.
    }
  },
  async me() {
    return (await api.get('/auth/me')).user
  },
  async updateUserType(userType) {
    return (await api.patch('/auth/me', { user_type: userType })).user
  },
}
