// Model output rendered as Markdown: markdown-it with raw HTML off, then DOMPurify.
import DOMPurify from 'dompurify'
import MarkdownIt from 'markdown-it'

const md = new MarkdownIt({ html: false, linkify: true, breaks: true })

const SAFE_URL = /^(?:https?:|mailto:|#|\/(?!\/))/i

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    const href = node.getAttribute('href') || ''
    if (!SAFE_URL.test(href.trim())) node.removeAttribute('href')
    node.setAttribute('rel', 'noopener noreferrer nofollow')
    node.setAttribute('target', '_blank')
  }
})

/** Safe HTML for `v-html`: markdown-it escapes raw HTML, DOMPurify removes what slips by. */
export function renderMarkdown(text) {
  const html = md.render(text ?? '')
  return DOMPurify.sanitize(html, {
    FORBID_TAGS: ['style', 'img', 'iframe', 'form', 'input'],
    FORBID_ATTR: ['style'],
  })
}
