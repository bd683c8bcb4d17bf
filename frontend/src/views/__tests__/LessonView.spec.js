import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'

import { learningService } from '@/services/learningService'
import { useLessonStore } from '@/stores/lesson'
import LessonView from '@/views/LessonView.vue'

vi.mock('@/services/learningService', () => ({
  learningService: {
    getChapters: vi.fn(async () => [
      { chapter_number: 2, title: 'LLM', sections: [{ section_number: 1, title: 'LLM이란?' }] },
    ]),
    cancelTheoryStream: vi.fn(async () => true),
    getSession: vi.fn(),
    sendFeedback: vi.fn(async () => ({})),
  },
}))

async function mountAt(path) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/learn/:sessionId?', name: 'learn', component: LessonView }],
  })
  router.push(path)
  await router.isReady()
  const wrapper = mount(LessonView, { global: { plugins: [router] } })
  await flushPromises()
  return wrapper
}

let store
beforeEach(() => {
  const pinia = createPinia()
  setActivePinia(pinia)
  store = useLessonStore()
})

describe('LessonView', () => {
  it('shows a streaming lesson: blocks in an aria-live region, progress, Stop, the chat', async () => {
    Object.assign(store, {
      sessionId: 's1',
      chapterNumber: 2,
      sectionNumber: 1,
      tempSessionId: 'ticket',
      theoryStreamingState: 'streaming',
      estimatedBlocks: 4,
    })
    store.handleTheoryBlock({ block_type: 'header', block_id: 1, data: { title: 'LLM이란?' } })
    store.handleTheoryBlock({ block_type: 'poll', block_id: 2, data: { content: '새 블록' } })
    const wrapper = await mountAt('/learn/s1')

    const region = wrapper.get('[data-testid=lesson-blocks]')
    expect(region.attributes('aria-live')).toBe('polite')
    expect(region.attributes('aria-busy')).toBe('true')
    expect(region.findAll('[data-testid=lesson-block]')).toHaveLength(2)
    expect(region.get('[data-testid=unknown-block]').text()).toContain('새 블록')
    expect(wrapper.get('[data-testid=lesson-progress]').text()).toBe('2 / 4 블록')
    expect(wrapper.get('h1').text()).toBe('2-1. LLM이란?')
    expect(wrapper.find('[data-testid=chat-input]').exists()).toBe(true)
    expect(wrapper.find('[data-testid=feedback-lesson]').exists()).toBe(false) // not finished

    await wrapper.get('[data-testid=lesson-stop]').trigger('click')
    expect(learningService.cancelTheoryStream).toHaveBeenCalledWith('ticket')
  })

  it('shows the block being written in the slot of its block, hidden from screen readers', async () => {
    Object.assign(store, {
      sessionId: 's1',
      chapterNumber: 2,
      sectionNumber: 1,
      theoryStreamingState: 'streaming',
    })
    store.handleTheoryBlock({ block_type: 'header', block_id: 1, data: { title: 'LLM이란?' } })
    store.handleBlockPreview({
      type: 'block_preview',
      block_id: 2,
      offset: 0,
      text: '들어가며\n본문',
    })
    const wrapper = await mountAt('/learn/s1')

    const region = wrapper.get('[data-testid=lesson-blocks]')
    const slots = region.findAll('article')
    expect(slots.map((slot) => slot.attributes('data-testid'))).toEqual([
      'lesson-block',
      'lesson-preview',
    ])
    const preview = slots[1]
    expect(preview.attributes('aria-hidden')).toBe('true')
    expect(preview.classes()).toContain('theory-block') // the same margins as the block
    // Exactly the text (it is shown with white-space: pre-wrap: no stray spaces).
    expect(preview.get('p').element.textContent).toBe('들어가며\n본문')
    expect(wrapper.find('.block-pending').exists()).toBe(false)

    store.handleTheoryEvent({
      type: 'theory_block',
      block_type: 'section',
      block_id: 2,
      data: { type: 'introduction', content: '본문' },
    })
    await flushPromises()
    expect(region.find('[data-testid=lesson-preview]').exists()).toBe(false)
    const block = region.get('[data-block-id="2"]')
    expect(block.classes()).toContain('settled') // takes the preview's place without moving
    expect(region.get('[data-block-id="1"]').classes()).not.toContain('settled')
  })

  it('shows an error with a retry button', async () => {
    Object.assign(store, { sessionId: 's1', chapterNumber: 2, sectionNumber: 1 })
    store.failTheoryStreaming('GENERATION_FAILED')
    const wrapper = await mountAt('/learn/s1')
    expect(wrapper.get('[role=alert]').text()).toContain('AI가 내용을 만들지 못했어요')
    expect(wrapper.find('[data-testid=lesson-retry]').exists()).toBe(true)
    expect(wrapper.find('[data-testid=lesson-stop]').exists()).toBe(false)
  })

  it('a finished lesson takes a thumbs up', async () => {
    Object.assign(store, { sessionId: 's1', chapterNumber: 2, sectionNumber: 1 })
    store.handleTheoryBlock({ block_type: 'header', block_id: 1, data: { title: 'LLM이란?' } })
    store.completeTheoryStreaming(null)
    const wrapper = await mountAt('/learn/s1')
    await wrapper.get('[data-testid=feedback-lesson] [data-testid=feedback-up]').trigger('click')
    await flushPromises()
    expect(learningService.sendFeedback).toHaveBeenCalledWith('s1', 'lesson', 1, null)
    expect(wrapper.get('[data-testid=feedback-lesson]').attributes('data-state')).toBe('saved')
  })

  it('says when part of a finished lesson could not be shown, in a status region', async () => {
    Object.assign(store, {
      sessionId: 's1',
      chapterNumber: 2,
      sectionNumber: 1,
      theoryStreamingState: 'streaming',
    })
    store.handleTheoryBlock({ block_type: 'header', block_id: 1, data: { title: 'LLM이란?' } })
    const wrapper = await mountAt('/learn/s1')
    const status = wrapper.get('[data-testid=lesson-skipped]')
    expect(status.attributes('role')).toBe('status') // present before it speaks
    expect(status.text()).toBe('')

    store.handleTheoryEvent({ type: 'stream_complete', total_blocks: 3, skipped_blocks: 2 })
    await flushPromises()

    expect(status.text()).toBe('강의 일부(블록 2개)를 표시하지 못했어요. 다시 시도해 보세요.')
    expect(wrapper.get('section.lesson').element.contains(status.element)).toBe(true)
    expect(wrapper.find('[data-testid=lesson-retry]').exists()).toBe(true)
  })

  it('says nothing is missing when the server skipped no block', async () => {
    Object.assign(store, { sessionId: 's1', chapterNumber: 2, sectionNumber: 1 })
    store.handleTheoryEvent({ type: 'stream_complete', total_blocks: 4, skipped_blocks: 0 })
    const wrapper = await mountAt('/learn/s1')
    expect(wrapper.get('[data-testid=lesson-skipped]').text()).toBe('')
    expect(wrapper.find('[data-testid=lesson-retry]').exists()).toBe(false)
  })
})
