// Who is signed in. Tokens stay in the services (tokenStorage); the store holds the user.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

import { setAuthLostHandler } from '@/services/api'
import { authService } from '@/services/authService'

export const useAuthStore = defineStore('auth', () => {
  const user = ref(null)
  const ready = ref(false) // the stored session was checked (restore ran)
  let restoring = null

  const isAuthenticated = computed(() => user.value !== null)

  /** On start-up: a stored refresh token becomes a session again (a reload keeps you in). */
  function restore() {
    if (!restoring) {
      restoring = authService
        .restore()
        .then((restored) => {
          user.value = restored
        })
        .catch(() => {
          user.value = null
        })
        .finally(() => {
          ready.value = true
        })
    }
    return restoring
  }

  async function register(username, password) {
    await authService.register(username, password)
    return login(username, password)
  }

  async function login(username, password) {
    user.value = await authService.login(username, password)
    ready.value = true
    return user.value
  }

  async function logout() {
    await authService.logout()
    user.value = null
  }

  /** The API could not renew the session: forget the user (the router sends them to login). */
  function sessionLost() {
    user.value = null
  }

  async function updateUserType(userType) {
    user.value = await authService.updateUserType(userType)
    return user.value
  }

  setAuthLostHandler(sessionLost)

  return {
    user,
    ready,
    isAuthenticated,
    restore,
    register,
    login,
    logout,
    sessionLost,
    updateUserType,
  }
})
