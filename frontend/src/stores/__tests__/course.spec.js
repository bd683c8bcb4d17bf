import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

import { learningService } from '@/services/learningService'
import { useCourseStore } from '@/stores/course'

vi.mock('@/services/learningService', () => ({
  learningService: { getChapters: vi.fn(), listSessions: vi.fn() },
}))

const OUTLINE = [
  {
    chapter_number: 1,
    title: 'LLM 기초',
    sections: [
      { section_number: 1, title: 'LLM이란?' },
      { section_number: 2, title: '토큰' },
    ],
  },
  { chapter_number: 2, title: '임베딩', sections: [{ section_number: 1, title: '벡터' }] },
]

let store
beforeEach(() => {
  setActivePinia(createPinia())
  vi.clearAllMocks()
  store = useCourseStore()
})

describe('the course outline and sessions', () => {
  it('loads the outline once and keeps it', async () => {
    learningService.getChapters.mockResolvedValue(OUTLINE)
    expect(await store.loadChapters()).toEqual(OUTLINE)
    await store.loadChapters()
    expect(learningService.getChapters).toHaveBeenCalledTimes(1)
    expect(store.chapters).toEqual(OUTLINE)
  })

  it('loads the sessions afresh each time', async () => {
    learningService.listSessions.mockResolvedValueOnce([{ session_id: 'a' }])
    learningService.listSessions.mockResolvedValueOnce([{ session_id: 'b' }, { session_id: 'a' }])
    await store.loadSessions()
    expect(await store.loadSessions()).toEqual([{ session_id: 'b' }, { session_id: 'a' }])
    expect(store.sessions.map((s) => s.session_id)).toEqual(['b', 'a'])
  })

  it('finds the next section across chapters, and none after the last', () => {
    store.chapters = OUTLINE
    expect(store.nextSection(1, 1)).toEqual([1, 2])
    expect(store.nextSection(1, 2)).toEqual([2, 1])
    expect(store.nextSection(2, 1)).toBeNull()
    expect(store.nextSection(9, 9)).toBeNull()
  })

  it('names a section as the lesson header shows it', () => {
    store.chapters = OUTLINE
    expect(store.sectionTitle(1, 2)).toBe('1-2. 토큰')
    expect(store.sectionTitle(3, 1)).toBe('')
  })
})
