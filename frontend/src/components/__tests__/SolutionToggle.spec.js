import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import SolutionToggle from '@/components/problem/SolutionToggle.vue'

const SOURCE = 'import sys\nprint(sum(map(int, sys.stdin.read().split())))\n'

describe('SolutionToggle', () => {
  it('hides the solution until "풀이 보기" is pressed, and hides it again', async () => {
    const wrapper = mount(SolutionToggle, { props: { source: SOURCE }, attachTo: document.body })
    const button = wrapper.get('[data-testid="solution-toggle"]')
    const code = wrapper.get('[data-testid="solution-code"]')
    expect(button.text()).toContain('풀이 보기')
    expect(button.attributes('aria-expanded')).toBe('false')
    expect(code.isVisible()).toBe(false)
    // The button names the block it shows, which stays in the document while hidden.
    expect(button.attributes('aria-controls')).toBe(code.attributes('id'))

    await button.trigger('click')
    expect(button.attributes('aria-expanded')).toBe('true')
    expect(code.isVisible()).toBe(true)
    expect(code.get('code').text()).toBe(SOURCE.trim())

    await button.trigger('click')
    expect(button.attributes('aria-expanded')).toBe('false')
    expect(code.isVisible()).toBe(false)
    wrapper.unmount()
  })

  it('shows the source as text, never as markup', async () => {
    const wrapper = mount(SolutionToggle, { props: { source: 'print("<b>x</b>")' } })
    await wrapper.get('button').trigger('click')
    expect(wrapper.find('b').exists()).toBe(false)
    expect(wrapper.get('code').text()).toBe('print("<b>x</b>")')
  })
})
