import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import StatusTimeline from '@/components/problem/StatusTimeline.vue'
import { STAGES } from '@/stores/problem'

describe('StatusTimeline', () => {
  it('shows the verification stage as "예제 검증", with its state and last message', () => {
    const stageStates = Object.fromEntries(STAGES.map((stage) => [stage, 'done']))
    stageStates.verification = 'started'
    stageStates.saving = 'pending'
    const events = [{ stage: 'verification', state: 'started', message: '예제 2개를 실행하는 중' }]
    const wrapper = mount(StatusTimeline, { props: { stageStates, events } })
    const stages = wrapper.findAll('[data-stage]').map((step) => step.attributes('data-stage'))
    expect(stages).toEqual([
      'analysis',
      'variation',
      'description',
      'parsing',
      'verification',
      'saving',
    ])
    const step = wrapper.get('[data-stage="verification"]')
    expect(step.attributes('data-state')).toBe('started')
    expect(step.text()).toContain('예제 검증')
    expect(step.text()).toContain('진행 중')
    expect(step.text()).toContain('예제 2개를 실행하는 중')
  })

  it('says a stage the server passed over was skipped', () => {
    const stageStates = Object.fromEntries(STAGES.map((stage) => [stage, 'done']))
    stageStates.verification = 'skipped'
    const wrapper = mount(StatusTimeline, { props: { stageStates, events: [] } })
    expect(wrapper.get('[data-stage="verification"]').text()).toContain('건너뜀')
  })
})
