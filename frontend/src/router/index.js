import { createRouter, createWebHistory } from 'vue-router'

import { useAuthStore } from '@/stores/auth'

const routes = [
  { path: '/', redirect: '/learn' },
  {
    path: '/login',
    name: 'login',
    component: () => import('@/views/LoginView.vue'),
    meta: { guestOnly: true, title: '로그인' },
  },
  {
    path: '/learn/:sessionId?',
    name: 'learn',
    component: () => import('@/views/LessonView.vue'),
    meta: { requiresAuth: true, title: '강의' },
  },
  {
    path: '/lessons',
    name: 'lessons',
    component: () => import('@/views/MyLessonsView.vue'),
    meta: { requiresAuth: true, title: '내 강의' },
  },
  {
    path: '/problems/new',
    name: 'problem-new',
    component: () => import('@/views/ProblemGeneratorView.vue'),
    meta: { requiresAuth: true, title: '문제 만들기' },
  },
  {
    path: '/problems',
    name: 'problems',
    component: () => import('@/views/ProblemListView.vue'),
    meta: { requiresAuth: true, title: '내 문제' },
  },
  {
    path: '/problems/:problemId',
    name: 'problem',
    component: () => import('@/views/ProblemDetailView.vue'),
    meta: { requiresAuth: true, title: '문제' },
  },
  {
    path: '/profile',
    name: 'profile',
    component: () => import('@/views/ProfileView.vue'),
    meta: { requiresAuth: true, title: '프로필' },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('@/views/NotFoundView.vue'),
    meta: { title: '페이지 없음' },
  },
]

export function createAppRouter(history = createWebHistory()) {
  const router = createRouter({ history, routes })

  router.beforeEach(async (to) => {
    const auth = useAuthStore()
    if (!auth.ready) await auth.restore()
    if (to.meta.requiresAuth && !auth.isAuthenticated) {
      return { name: 'login', query: { redirect: to.fullPath } }
    }
    if (to.meta.guestOnly && auth.isAuthenticated) return { path: '/learn' }
    return true
  })

  router.afterEach((to) => {
    document.title = to.meta.title ? `${to.meta.title} · AI 튜터` : 'AI 튜터'
  })

  return router
}
