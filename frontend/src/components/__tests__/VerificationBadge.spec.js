import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import VerificationBadge from '@/components/problem/VerificationBadge.vue'

const render = (props) => mount(VerificationBadge, { props })

describe('VerificationBadge', () => {
  it('says in words that the examples were verified', () => {
    const wrapper = render({ status: 'passed' })
    const root = wrapper.get('[data-testid="verification-badge"]')
    expect(root.attributes('data-status')).toBe('passed')
    expect(root.text()).toContain('예제 검증됨')
    // The mark is decoration: hidden from screen readers, which read the words.
    expect(wrapper.get('[aria-hidden="true"]').text()).toBe('✓')
  })

  it('says a failed verification failed, with its reason', () => {
    const wrapper = render({ status: 'failed', reason: 'the solution timed out' })
    expect(wrapper.text()).toContain('검증 실패')
    expect(wrapper.get('[data-testid="verification-reason"]').text()).toContain('timed out')
  })

  it('shows why a verification was skipped, as text and as a tooltip', () => {
    const wrapper = render({ status: 'skipped', reason: 'user namespaces are unavailable' })
    expect(wrapper.get('[data-testid="verification-badge"]').attributes('data-status')).toBe('none')
    expect(wrapper.text()).toContain('검증 안 함')
    expect(wrapper.get('.verification-badge').attributes('title')).toBe(
      'user namespaces are unavailable',
    )
    expect(wrapper.get('[data-testid="verification-reason"]').text()).toContain(
      'user namespaces are unavailable',
    )
  })

  it('reads a problem never verified as not verified, with no reason or tooltip', () => {
    const wrapper = render({ status: null })
    expect(wrapper.text()).toContain('검증 안 함')
    expect(wrapper.find('[data-testid="verification-reason"]').exists()).toBe(false)
    expect(wrapper.get('.verification-badge').attributes('title')).toBeUndefined()
  })

  it('notes a pass that needed the one repair', () => {
    expect(render({ status: 'passed', repaired: true }).text()).toContain('한 번 고친 뒤')
    expect(render({ status: 'passed' }).text()).not.toContain('한 번 고친 뒤')
  })
})
