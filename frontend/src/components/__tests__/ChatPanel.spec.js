import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

import ChatPanel from '@/components/chat/ChatPanel.vue'
import { learningService } from '@/services/learningService'
import { useQnaStore } from '@/stores/qna'

vi.mock('@/services/learningService', () => ({
  learningService: {
    sendMessage: vi.fn(),
    connectQnaStream: vi.fn(),
    cancelQnaStream: vi.fn(async () => true),
    sendFeedback: vi.fn(async () => ({ feedback_id: 'f1' })),
    getSession: vi.fn(),
  },
}))
vi.mock('@/services/api', () => ({ renewSessionOrLogout: vi.fn(async () => true) }))

const said = (role, agent, message) => ({ role, agent, message, created_at: null })
const VIEW = {
  session_id: 's1',
  conversation: [
    said('user', 'learner', '2챕터 1섹션 시작할게요'),
    said('assistant', 'theory_educator', '📚 강의가 준비됐어요.'),
    said('user', 'learner', '셀프 어텐션은 <b>무엇</b>인가요?'),
    said(
      'assistant',
      'qna_resolver',
      '### 핵심 답변\n**문맥**을 봐요.<img src=x onerror=alert(1)>',
    ),
  ],
  active_run: null,
}

let qna
beforeEach(() => {
  setActivePinia(createPinia())
  vi.clearAllMocks()
  qna = useQnaStore()
  qna.streamOptions = { retryDelayMs: 0, idleTimeoutMs: 200, totalTimeoutMs: 2000, maxRetries: 1 }
})

const mountPanel = () => mount(ChatPanel, { props: { sessionId: 's1' } })

describe('ChatPanel', () => {
  it('shows the session’s conversation: learner text escaped, tutor Markdown sanitised', () => {
    qna.showSession('s1', VIEW)
    const wrapper = mountPanel()
    const thread = wrapper.get('[data-testid=chat-thread]')
    expect(thread.attributes('aria-live')).toBe('polite')
    expect(thread.attributes('role')).toBe('log')
    const items = thread.findAll('[data-testid=chat-message]')
    expect(items.map((i) => i.attributes('data-role'))).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
    ])
    expect(items[2].text()).toContain('<b>무엇</b>') // shown as typed, not as HTML
    const answer = items[3]
    expect(answer.find('h3').text()).toBe('핵심 답변')
    expect(answer.find('strong').text()).toBe('문맥')
    expect(answer.find('img').exists()).toBe(false)
    expect(answer.find('[onerror]').exists()).toBe(false) // raw HTML stays text
    // Only answers get thumbs; the lesson note does not.
    expect(items[3].find('[data-testid=feedback-answer]').exists()).toBe(true)
    expect(items[1].find('[data-testid=feedback-answer]').exists()).toBe(false)
  })

  it('asks a question and shows the answer streaming in, then its sources', async () => {
    let release
    const gate = new Promise((resolve) => (release = resolve))
    learningService.sendMessage.mockResolvedValue({
      workflow_response: { current_agent: 'qna_resolver', streaming: true, temp_session_id: 'a1' },
    })
    learningService.connectQnaStream.mockImplementation(async function* () {
      yield { id: '1', data: { type: 'stream_start', temp_session_id: 'a1' } }
      yield { id: '2', data: { type: 'qna_token', text: '**토큰**이' } }
      await gate
      yield { id: '3', data: { type: 'qna_token', text: ' 와요' } }
      yield {
        id: '4',
        data: {
          type: 'stream_complete',
          answer: '**토큰**이 와요',
          sources: [{ chapter_number: 2, section_number: 1, title: 'LLM이란?' }],
        },
      }
    })
    qna.showSession('s1', null)
    const wrapper = mountPanel()
    await wrapper.get('[data-testid=chat-input]').setValue('토큰은 무엇인가요?')
    await wrapper.get('form').trigger('submit')
    await flushPromises()

    expect(learningService.sendMessage).toHaveBeenCalledWith('s1', '토큰은 무엇인가요?')
    expect(wrapper.get('[data-testid=chat-input]').element.value).toBe('')
    await vi.waitFor(() => {
      const streaming = wrapper.get('[data-status=streaming]')
      expect(streaming.find('strong').text()).toBe('토큰')
    })
    expect(wrapper.get('[data-testid=chat-thread]').attributes('aria-busy')).toBe('true')
    expect(wrapper.find('[data-testid=answer-stop]').exists()).toBe(true)
    expect(wrapper.get('[data-testid=chat-send]').attributes('disabled')).toBeDefined()

    release()
    await vi.waitFor(() =>
      expect(wrapper.find('[data-status=done][data-agent=qna_resolver]').exists()).toBe(true),
    )
    await vi.waitFor(() => expect(wrapper.text()).toContain('토큰이 와요'))
    expect(wrapper.get('[data-testid=chat-sources]').text()).toContain('2-1')
    expect(wrapper.find('[data-testid=answer-stop]').exists()).toBe(false)
  })

  it('thumbs up on an answer sends feedback and says it was recorded', async () => {
    qna.showSession('s1', VIEW)
    const wrapper = mountPanel()
    await wrapper.get('[data-testid=feedback-up]').trigger('click')
    await flushPromises()
    expect(learningService.sendFeedback).toHaveBeenCalledWith('s1', 'answer', 1, null)
    const group = wrapper.get('[data-testid=feedback-answer]')
    expect(group.attributes('data-state')).toBe('saved')
    expect(group.get('[data-testid=feedback-up]').attributes('aria-pressed')).toBe('true')
    expect(group.get('[role=status]').text()).toContain('평가를 보냈어요')
  })

  it('a failed feedback is explained in Korean', async () => {
    learningService.sendFeedback.mockRejectedValueOnce(
      Object.assign(new Error('x'), { code: 'NOT_FOUND' }),
    )
    qna.showSession('s1', VIEW)
    const wrapper = mountPanel()
    await wrapper.get('[data-testid=feedback-down]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid=feedback-answer] [role=alert]').text()).toBe('찾을 수 없어요.')
  })

  it('a failed answer shows why, with a button that asks the question again', async () => {
    learningService.sendMessage.mockResolvedValue({
      workflow_response: { current_agent: 'qna_resolver', streaming: true, temp_session_id: 'a2' },
    })
    learningService.connectQnaStream.mockImplementation(async function* () {
      yield { id: '1', data: { type: 'stream_start' } }
      yield { id: '2', data: { type: 'stream_error', code: 'UPSTREAM_UNAVAILABLE' } }
    })
    qna.showSession('s1', null)
    const wrapper = mountPanel()
    await wrapper.get('[data-testid=chat-input]').setValue('질문이요?')
    await wrapper.get('form').trigger('submit')
    await vi.waitFor(() => expect(wrapper.find('[data-status=failed]').exists()).toBe(true))
    expect(wrapper.get('[data-status=failed]').text()).toContain('AI 서비스가 잠시 응답하지 않아요')
    await wrapper.get('[data-testid=answer-retry]').trigger('click')
    await flushPromises()
    expect(learningService.sendMessage).toHaveBeenCalledTimes(2)
    expect(learningService.sendMessage).toHaveBeenLastCalledWith('s1', '질문이요?')
  })

  it('an answer stopped before a reload says so once and offers to ask again', async () => {
    qna.showSession('s1', {
      session_id: 's1',
      conversation: [
        said('user', 'learner', '질문이요?'),
        {
          ...said('assistant', 'qna_resolver', '부분 답변\n\n(답변을 중간에 멈췄어요.)'),
          status: 'cancelled',
        },
      ],
      active_run: null,
    })
    const wrapper = mountPanel()
    const stopped = wrapper.get('[data-status=cancelled]')
    expect(stopped.text()).toContain('답변을 중간에 멈췄어요.')
    expect(stopped.text()).not.toContain('답변을 중단했어요.')
    expect(stopped.find('[data-testid=feedback-answer]').exists()).toBe(false)
    learningService.sendMessage.mockResolvedValue({
      workflow_response: { current_agent: 'qna_resolver', streaming: false, answer: '답' },
    })
    await stopped.get('[data-testid=answer-retry]').trigger('click')
    await flushPromises()
    expect(learningService.sendMessage).toHaveBeenCalledWith('s1', '질문이요?')
  })

  it('a message the server refused stays in the box, with the reason', async () => {
    learningService.sendMessage.mockRejectedValue(
      Object.assign(new Error('x'), { code: 'RATE_LIMITED' }),
    )
    qna.showSession('s1', null)
    const wrapper = mountPanel()
    await wrapper.get('[data-testid=chat-input]').setValue('질문이요?')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[role=alert]').text()).toContain('요청이 너무 많아요')
    expect(wrapper.get('[data-testid=chat-input]').element.value).toBe('질문이요?')
    expect(wrapper.findAll('[data-testid=chat-message]')).toHaveLength(0)
  })
})
