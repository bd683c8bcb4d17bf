import { mount, RouterLinkStub } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import ProblemCard from '@/components/problem/ProblemCard.vue'

const PROBLEM = {
  title: '최단 경로',
  description: '그래프에서 최단 경로를 구하세요.',
  difficulty: 'medium',
  examples: [],
}

function render(props) {
  return mount(ProblemCard, {
    props: { problem: PROBLEM, ...props },
    global: { stubs: { RouterLink: RouterLinkStub } },
  })
}

describe('ProblemCard', () => {
  it('shows the id and links to a saved problem', () => {
    const wrapper = render({ problemId: 'abc', persisted: true, link: true })
    expect(wrapper.find('[data-testid="problem-id"]').text()).toBe('abc')
    expect(wrapper.findComponent(RouterLinkStub).exists()).toBe(true)
    expect(wrapper.find('[data-testid="not-saved"]').exists()).toBe(false)
  })

  it('says a problem waiting in the outbox will appear later', () => {
    const wrapper = render({ problemId: 'abc', persisted: false })
    expect(wrapper.text()).toContain('저장을 다시 시도하고 있어요')
  })

  it('offers no id and no link for a problem the store refused, and says why', () => {
    const wrapper = render({
      problemId: null,
      persisted: false,
      persistError: 'the item is too large',
      link: true,
    })
    expect(wrapper.find('[data-testid="problem-id"]').exists()).toBe(false)
    expect(wrapper.findComponent(RouterLinkStub).exists()).toBe(false)
    const note = wrapper.find('[data-testid="not-saved"]')
    expect(note.text()).toContain('저장하지 못했어요')
    expect(note.text()).toContain('the item is too large')
    expect(wrapper.text()).not.toContain('저장을 다시 시도하고 있어요')
  })
})
