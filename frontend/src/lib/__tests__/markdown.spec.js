import { describe, expect, it } from 'vitest'

import { renderMarkdown } from '@/lib/markdown'

function dom(html) {
  const host = document.createElement('div')
  host.innerHTML = html
  return host
}

describe('renderMarkdown', () => {
  it('renders Markdown', () => {
    const host = dom(renderMarkdown('## 제목\n\n- **하나**\n\n```\ncode\n```'))
    expect(host.querySelector('h2').textContent).toBe('제목')
    expect(host.querySelector('li strong').textContent).toBe('하나')
    expect(host.querySelector('pre code').textContent).toBe('code\n')
  })

  it('never yields an element from raw HTML such as <img onerror>', () => {
    const host = dom(renderMarkdown('hi <img src=x onerror="alert(1)"> <script>alert(2)</script>'))
    expect(host.querySelector('img')).toBeNull()
    expect(host.querySelector('script')).toBeNull()
    expect(host.querySelectorAll('[onerror]')).toHaveLength(0)
    expect(host.innerHTML).not.toMatch(/<img|<script/)
    expect(host.textContent).toContain('<img src=x onerror="alert(1)">') // shown as text
  })

  it('drops javascript: links, keeps http links', () => {
    const cases = [
      '[click](javascript:alert(1))',
      '[click](JaVaScRiPt:alert(1))',
      '[click](data:text/html;base64,PHNjcmlwdD4=)',
      '<javascript:alert(1)>',
    ]
    for (const text of cases) {
      const host = dom(renderMarkdown(text))
      for (const link of host.querySelectorAll('a')) {
        expect(link.getAttribute('href') ?? '').not.toMatch(/^\s*(javascript|data):/i)
      }
      expect(host.innerHTML).not.toMatch(/href="\s*(javascript|data):/i)
    }
    const safe = dom(renderMarkdown('[docs](https://example.org/a)')).querySelector('a')
    expect(safe.getAttribute('href')).toBe('https://example.org/a')
    expect(safe.getAttribute('rel')).toContain('noopener')
  })

  it('strips what DOMPurify catches even if markdown-it let it through', () => {
    const host = dom(renderMarkdown('![x](javascript:alert(1))'))
    expect(host.querySelector('img')).toBeNull()
  })
})
