import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import ExampleCheck from '@/components/problem/ExampleCheck.vue'

const render = (check) => mount(ExampleCheck, { props: { check } })

describe('ExampleCheck', () => {
  it('marks a passed example with ✓ and words, and shows no output', () => {
    const wrapper = render({ index: 0, passed: true })
    expect(wrapper.get('[data-testid="example-check"]').attributes('data-passed')).toBe('true')
    expect(wrapper.get('[aria-hidden="true"]').text()).toBe('✓')
    expect(wrapper.text()).toContain('예제와 같아요')
    expect(wrapper.find('pre').exists()).toBe(false)
  })

  it('marks a failed example with ✗ and shows what the solution printed', () => {
    const wrapper = render({ index: 1, passed: false, actual: '1 2\n3' })
    expect(wrapper.get('[data-testid="example-check"]').attributes('data-passed')).toBe('false')
    expect(wrapper.get('[aria-hidden="true"]').text()).toBe('✗')
    expect(wrapper.text()).toContain('예제와 달라요')
    expect(wrapper.text()).toContain('실제 출력')
    expect(wrapper.get('pre[data-testid="example-actual"]').text()).toBe('1 2\n3')
    expect(wrapper.find('[data-testid="example-error"]').exists()).toBe(false)
  })

  it('shows the error of a run that crashed or hit a limit', () => {
    const wrapper = render({ index: 0, passed: false, error: 'time limit exceeded' })
    expect(wrapper.get('pre[data-testid="example-error"]').text()).toBe('time limit exceeded')
    expect(wrapper.find('[data-testid="example-actual"]').exists()).toBe(false)
  })

  it('shows an empty actual output (the solution printed nothing)', () => {
    const wrapper = render({ index: 0, passed: false, actual: '', error: 'ValueError: x' })
    expect(wrapper.get('[data-testid="example-actual"]').text()).toBe('')
    expect(wrapper.get('[data-testid="example-error"]').text()).toBe('ValueError: x')
  })
})
