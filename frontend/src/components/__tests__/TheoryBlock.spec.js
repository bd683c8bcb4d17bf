import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import TheoryBlock from '@/components/lesson/TheoryBlock.vue'

function render(block) {
  return mount(TheoryBlock, { props: { block } })
}

describe('TheoryBlock', () => {
  it('renders a header', () => {
    const wrapper = render({
      block_type: 'header',
      block_id: 1,
      data: { chapter_info: '📚 2챕터 1섹션', title: 'LLM이란?' },
    })
    expect(wrapper.find('h2').text()).toBe('LLM이란?')
    expect(wrapper.text()).toContain('2챕터 1섹션')
  })

  it('renders a definition with its analogy', () => {
    const wrapper = render({
      block_type: 'section',
      block_id: 3,
      data: {
        type: 'definition',
        title: '정의',
        content: '설명',
        analogy: { concept: 'LLM', comparison: '사서', details: ['하나', '둘'] },
      },
    })
    expect(wrapper.find('.analogy').text()).toContain('사서')
    expect(wrapper.findAll('.analogy li').map((li) => li.text())).toEqual(['하나', '둘'])
  })

  it('renders examples', () => {
    const wrapper = render({
      block_type: 'section',
      block_id: 4,
      data: {
        type: 'examples',
        title: '예시',
        items: [{ category: 'A', description: 'a', benefit: 'b' }],
      },
    })
    expect(wrapper.findAll('.example')).toHaveLength(1)
    expect(wrapper.attributes('data-block-type')).toBe('examples')
  })

  it('shows an unknown block type plainly, as text, never as HTML', () => {
    const wrapper = render({
      block_type: 'section',
      block_id: 5,
      data: { type: 'quiz', title: '퀴즈', content: '<img src=x onerror=alert(1)>' },
    })
    expect(wrapper.find('[data-testid=unknown-block]').exists()).toBe(true)
    expect(wrapper.find('img').exists()).toBe(false)
    expect(wrapper.text()).toContain('<img src=x onerror=alert(1)>')
  })
})
