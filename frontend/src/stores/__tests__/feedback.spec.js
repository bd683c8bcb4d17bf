import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

import { learningService } from '@/services/learningService'
import { useFeedbackStore } from '@/stores/feedback'

vi.mock('@/services/learningService', () => ({
  learningService: { sendFeedback: vi.fn() },
}))

let store
beforeEach(() => {
  setActivePinia(createPinia())
  vi.clearAllMocks()
  store = useFeedbackStore()
})

describe('feedback', () => {
  it('sends the rating of a lesson and says it was saved', async () => {
    learningService.sendFeedback.mockResolvedValue({ feedback_id: 'f1' })
    const sent = store.rate('lesson:s1:1', { sessionId: 's1', target: 'lesson', rating: 1 })
    expect(store.ratingOf('lesson:s1:1')).toEqual({ rating: 1, state: 'sending', error: null })
    expect(await sent).toBe(true)
    expect(learningService.sendFeedback).toHaveBeenCalledWith('s1', 'lesson', 1, null)
    expect(store.ratingOf('lesson:s1:1')).toEqual({ rating: 1, state: 'saved', error: null })
    expect(store.ratingOf('answer:s1:3')).toBeNull()
  })

  it('a thumbs down on an answer, then a change of mind', async () => {
    learningService.sendFeedback.mockResolvedValue({})
    await store.rate('answer:s1:3', { sessionId: 's1', target: 'answer', rating: -1 })
    await store.rate('answer:s1:3', { sessionId: 's1', target: 'answer', rating: 1 })
    expect(learningService.sendFeedback.mock.calls).toEqual([
      ['s1', 'answer', -1, null],
      ['s1', 'answer', 1, null],
    ])
    expect(store.ratingOf('answer:s1:3').rating).toBe(1)
  })

  it('a failure keeps the rating that was saved and says why in Korean', async () => {
    learningService.sendFeedback
      .mockResolvedValueOnce({})
      .mockRejectedValueOnce(Object.assign(new Error('x'), { code: 'NETWORK_ERROR' }))
    await store.rate('lesson:s1:1', { sessionId: 's1', target: 'lesson', rating: 1 })
    expect(await store.rate('lesson:s1:1', { sessionId: 's1', target: 'lesson', rating: -1 })).toBe(
      false,
    )
    expect(store.ratingOf('lesson:s1:1')).toEqual({
      rating: 1,
      state: 'error',
      error: '서버에 연결할 수 없어요. 네트워크를 확인해 주세요.',
    })
  })

  it('ignores a second click while the first rating is on its way', async () => {
    let done
    learningService.sendFeedback.mockReturnValue(new Promise((resolve) => (done = resolve)))
    const first = store.rate('k', { sessionId: 's1', target: 'answer', rating: 1 })
    expect(await store.rate('k', { sessionId: 's1', target: 'answer', rating: -1 })).toBe(false)
    done({})
    await first
    expect(learningService.sendFeedback).toHaveBeenCalledTimes(1)
  })
})
