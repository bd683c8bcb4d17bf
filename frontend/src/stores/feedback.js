// Thumbs up / down on a lesson or an answer: what the learner chose and whether it was saved.
import { defineStore } from 'pinia'
import { ref } from 'vue'

import { learningService } from '@/services/learningService'
import { messageFor } from '@/lib/errorMessages'

export const useFeedbackStore = defineStore('feedback', () => {
  // key (one lesson or one answer) -> {rating: 1 | -1 | null, state: sending | saved | error, error}
  const ratings = ref({})

  function ratingOf(key) {
    return ratings.value[key] ?? null
  }

  /** Send a rating; a later one replaces the earlier (the server keeps both). */
  async function rate(key, { sessionId, target, rating, comment = null }) {
    const before = ratings.value[key]
    if (before?.state === 'sending') return false
    ratings.value[key] = { rating, state: 'sending', error: null }
    try {
      await learningService.sendFeedback(sessionId, target, rating, comment)
      ratings.value[key] = { rating, state: 'saved', error: null }
      return true
    } catch (e) {
      ratings.value[key] = {
        rating: before?.state === 'saved' ? before.rating : null,
        state: 'error',
        error: messageFor(e?.code, '평가를 저장하지 못했어요.'),
      }
      return false
    }
  }

  return { ratings, ratingOf, rate }
})
