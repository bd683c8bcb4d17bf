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

  describe('verification', () => {
    const EXAMPLES = [
      { input: '1 2', output: '3', explanation: '' },
      { input: '2 2', output: '4', explanation: '' },
    ]
    const withExamples = (props) =>
      render({ problem: { ...PROBLEM, examples: EXAMPLES }, ...props })

    it('badges a verified problem and marks each example ✓', () => {
      const wrapper = withExamples({
        problemId: 'abc',
        verification: {
          status: 'passed',
          examples: [
            { index: 0, passed: true },
            { index: 1, passed: true },
          ],
          runtime_ms: 80,
          repaired: false,
        },
      })
      expect(wrapper.get('[data-testid="verification-badge"]').text()).toContain('예제 검증됨')
      const examples = wrapper.findAll('[data-testid="problem-example"]')
      expect(examples).toHaveLength(2)
      for (const example of examples) {
        expect(example.get('[data-testid="example-check"]').attributes('data-passed')).toBe('true')
      }
    })

    it('shows the actual output under the example that failed', () => {
      const wrapper = withExamples({
        verification: {
          status: 'failed',
          examples: [
            { index: 0, passed: true },
            { index: 1, passed: false, actual: '5' },
          ],
          runtime_ms: 80,
          repaired: true,
        },
      })
      expect(wrapper.get('[data-testid="verification-badge"]').text()).toContain('검증 실패')
      const [first, second] = wrapper.findAll('[data-testid="problem-example"]')
      expect(first.find('[data-testid="example-actual"]').exists()).toBe(false)
      expect(second.get('[data-testid="example-check"]').attributes('data-passed')).toBe('false')
      expect(second.text()).toContain('실제 출력')
      expect(second.get('[data-testid="example-actual"]').text()).toBe('5')
    })

    it('says "검증 안 함" and marks nothing for a skipped or an older problem', () => {
      for (const verification of [null, { status: 'skipped', reason: 'off', examples: [] }]) {
        const wrapper = withExamples({ verification })
        expect(wrapper.get('[data-testid="verification-badge"]').text()).toContain('검증 안 함')
        expect(wrapper.find('[data-testid="example-check"]').exists()).toBe(false)
      }
    })

    it('offers "풀이 보기" only when there is a reference solution', () => {
      expect(render({}).find('[data-testid="solution-toggle"]').exists()).toBe(false)
      const wrapper = render({ referenceSolution: 'print(1)' })
      expect(wrapper.get('[data-testid="solution-toggle"]').text()).toContain('풀이 보기')
    })
  })
})
