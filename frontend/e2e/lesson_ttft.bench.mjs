// Browser benchmark: from the click on a section to the lesson's first block painted, and to
// the lesson complete (all blocks painted). Prints one JSON object.
// Usage: node e2e/lesson_ttft.bench.mjs <base_url> [runs]
import { launchBrowser } from './browser.mjs'

const [baseUrl, runsArg = '5'] = process.argv.slice(2)
const runs = Number(runsArg)
const SECTIONS = ['1-1', '1-2', '1-3', '2-1', '2-2', '2-3', '3-1', '3-2', '3-3']

const browser = await launchBrowser()
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
context.setDefaultTimeout(60_000)
const page = await context.newPage()

// One account, through the UI.
await page.goto(`${baseUrl}/login`)
await page.getByTestId('auth-toggle').click()
await page.locator('input[name=username]').fill(`bench_${Date.now().toString(36)}`)
await page.locator('input[name=password]').fill('bench password 123')
await page.getByTestId('auth-submit').click()
await page.waitForURL(/\/learn/)

const samples = []
for (let i = 0; i < runs; i += 1) {
  const section = SECTIONS[i % SECTIONS.length]
  await page.goto(`${baseUrl}/learn`)
  const button = page.getByTestId(`start-${section}`)
  await button.waitFor()
  // In the page: note the click's time, the frame after the first block enters the DOM (and
  // the Element Timing render time of its title), and the frame after the lesson completes.
  await page.evaluate(() => {
    const nextFrame = () =>
      new Promise((resolve) =>
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now()))),
      )
    const probe = {
      click: null,
      firstBlockFrame: null,
      firstBlockRender: null,
      completeFrame: null,
      blocks: 0,
    }
    window.__ttft = probe
    document.addEventListener('click', (event) => (probe.click ??= event.timeStamp), {
      capture: true,
      once: true,
    })
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (entry.identifier === 'lesson-first-block' && probe.firstBlockRender === null) {
          probe.firstBlockRender = entry.renderTime || entry.loadTime
        }
      }
    }).observe({ type: 'element', buffered: false })
    const observer = new MutationObserver(() => {
      if (probe.firstBlockFrame === null && document.querySelector('[data-testid=lesson-block]')) {
        probe.firstBlockFrame = 0
        nextFrame().then((t) => (probe.firstBlockFrame = t))
      }
      const state = document.querySelector('[data-testid=lesson-state]')?.dataset.state
      if (state === 'completed' && probe.completeFrame === null) {
        probe.completeFrame = 0
        probe.blocks = document.querySelectorAll('[data-testid=lesson-block]').length
        nextFrame().then((t) => {
          probe.completeFrame = t
          observer.disconnect()
        })
      }
    })
    observer.observe(document.body, { childList: true, subtree: true, attributes: true })
  })
  await button.click()
  await page.waitForFunction(() => window.__ttft.completeFrame > 0, null, { timeout: 90_000 })
  const probe = await page.evaluate(() => window.__ttft)
  samples.push({
    section,
    blocks: probe.blocks,
    first_block_ms: Math.round(probe.firstBlockFrame - probe.click),
    first_block_render_ms:
      probe.firstBlockRender === null ? null : Math.round(probe.firstBlockRender - probe.click),
    complete_ms: Math.round(probe.completeFrame - probe.click),
  })
}
await browser.close()

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2)
}

const first = samples.map((s) => s.first_block_ms)
const complete = samples.map((s) => s.complete_ms)
const render = samples.map((s) => s.first_block_render_ms).filter((v) => v !== null)
console.log(
  JSON.stringify({
    runs: samples.length,
    first_block_ms: { median: median(first), max: Math.max(...first), min: Math.min(...first) },
    first_block_render_ms: render.length
      ? { median: median(render), max: Math.max(...render) }
      : null,
    complete_ms: {
      median: median(complete),
      max: Math.max(...complete),
      min: Math.min(...complete),
    },
    first_over_complete: Number((median(first) / median(complete)).toFixed(3)),
    samples,
  }),
)
