// Accessibility checks with axe-core, run inside the page with every rule on (none disabled).
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const AXE_SOURCE = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8')

/**
 * The axe violations of the page as it is now, one line each (rule, impact, where). The
 * script is evaluated through the DevTools protocol, not added as a <script>: the app's
 * Content-Security-Policy rightly refuses inline scripts.
 */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.evaluate(AXE_SOURCE)
  }
  const violations = await page.evaluate(async () => {
    const results = await window.axe.run(document, { resultTypes: ['violations'] })
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => n.target.join(' ')),
    }))
  })
  return violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).join(' | ')}`)
}
