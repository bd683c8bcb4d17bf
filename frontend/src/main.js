import { createPinia } from 'pinia'
import { createApp, watch } from 'vue'

import App from './App.vue'
import { createAppRouter } from './router'
import { useAuthStore } from './stores/auth'
import './assets/main.css'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
const router = createAppRouter()
app.use(router)

// When the session ends (logout, or a refresh token that no longer works), leave protected pages.
const auth = useAuthStore(pinia)
watch(
  () => auth.isAuthenticated,
  (signedIn) => {
    const route = router.currentRoute.value
    if (!signedIn && route.meta.requiresAuth) {
      router.replace({ name: 'login', query: { redirect: route.fullPath } })
    }
  },
)

app.mount('#app')
