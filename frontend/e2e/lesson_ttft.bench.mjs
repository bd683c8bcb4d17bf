// Browser benchmark: from the click on a section to the lesson's first text on screen (the
// preview of the block being written, or a rendered block), to the first rendered block, and
// to the lesson complete. Prints one JSON object.
// Usage: node e2e/lesson_ttft.bench.mjs <base_url> [runs] [runs_without_previews]
//
// Each sample carries wall-clock times (unix ms: `click_at`, `first_text_visible_at`) so the
// caller can set them beside the server's log of when the model wrote the first character.
// Runs without previews strip `?preview=1` from the stream URL (the stream is then exactly
// DESIGN 4.2's) and are stopped once the first block shows.
import { launchBrowser } from './browser.mjs'

const [baseUrl, runsArg = '5', offRunsArg = '0'] = process.argv.slice(2)
const runs = Number(runsArg)
const offRuns = Number(offRunsArg)
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

/**
 * In the page: note the click's time, the frame after the first lesson text enters the DOM
 * (a preview with text, or a block), the frame after the first rendered block, the Element
 * Timing render times of both, and the frame after the lesson completes. A frame time is
 * taken two requestAnimationFrame callbacks later: the frame that paints it has been produced.
 */
function installProbe() {
  const nextFrame = () =>
    new Promise((resolve) =>
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now()))),
    )
  const probe = {
    origin: performance.timeOrigin,
    click: null,
    textFrame: null,
    textRender: null,
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
      const at = entry.renderTime || entry.loadTime
      if (entry.identifier === 'lesson-preview') probe.textRender ??= at
      if (entry.identifier === 'lesson-first-block') {
        probe.firstBlockRender ??= at
        probe.textRender = Math.min(probe.textRender ?? at, at)
      }
    }
  }).observe({ type: 'element', buffered: false })
  const observer = new MutationObserver(() => {
    const block = document.querySelector('[data-testid=lesson-block]')
    const preview = document.querySelector('[data-testid=lesson-preview]')
    if (probe.textFrame === null && (block || preview?.textContent.trim())) {
      probe.textFrame = 0
      nextFrame().then((t) => (probe.textFrame = t))
    }
    if (probe.firstBlockFrame === null && block) {
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
  observer.observe(document.body, {
    childList: true,
    subtree: true,
    attributes: true,
    characterData: true,
  })
}

/** One lesson: click a section, wait for the lesson (or, without previews, its first block). */
async function sample(section, previews) {
  await page.goto(`${baseUrl}/learn`)
  const button = page.getByTestId(`start-${section}`)
  await button.waitFor()
  await page.evaluate(installProbe)
  await button.click()
  if (previews) {
    await page.waitForFunction(() => window.__ttft.completeFrame > 0, null, { timeout: 90_000 })
  } else {
    await page.waitForFunction(() => window.__ttft.firstBlockFrame > 0, null, { timeout: 60_000 })
    // The rest of the lesson is not measured: stop it rather than leave it running.
    await page.getByTestId('lesson-stop').click()
    await page.locator('[data-testid=lesson-state][data-state=cancelled]').waitFor()
  }
  const probe = await page.evaluate(() => window.__ttft)
  const since = (t) => (t === null || t === 0 ? null : Math.round(t - probe.click))
  return {
    section,
    previews,
    blocks: probe.blocks,
    click_at: Number((probe.origin + probe.click).toFixed(1)),
    first_text_visible_at: Number((probe.origin + probe.textFrame).toFixed(1)),
    first_text_ms: since(probe.textFrame),
    first_text_render_ms: since(probe.textRender),
    first_block_ms: since(probe.firstBlockFrame),
    first_block_render_ms: since(probe.firstBlockRender),
    complete_ms: since(probe.completeFrame),
  }
}

const samples = []
for (let i = 0; i < runs; i += 1) samples.push(await sample(SECTIONS[i % SECTIONS.length], true))
if (offRuns > 0) {
  // The same client, asking for the stream without previews.
  await page.route('**/learning/theory-stream/*', (route) => {
    const url = new URL(route.request().url())
    url.searchParams.delete('preview')
    return route.continue({ url: url.toString() })
  })
  for (let i = 0; i < offRuns; i += 1) {
    samples.push(await sample(SECTIONS[(runs + i) % SECTIONS.length], false))
  }
}
await browser.close()

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2)
}

/** Median, min and max of `key` over `rows` (null when no row has it). */
function stats(rows, key) {
  const values = rows.map((row) => row[key]).filter((value) => value !== null)
  if (!values.length) return null
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) }
}

const on = samples.filter((s) => s.previews)
const off = samples.filter((s) => !s.previews)
console.log(
  JSON.stringify({
    runs: on.length,
    first_text_ms: stats(on, 'first_text_ms'),
    first_text_render_ms: stats(on, 'first_text_render_ms'),
    first_block_ms: stats(on, 'first_block_ms'),
    first_block_render_ms: stats(on, 'first_block_render_ms'),
    complete_ms: stats(on, 'complete_ms'),
    first_over_complete: Number(
      (median(on.map((s) => s.first_text_ms)) / median(on.map((s) => s.complete_ms))).toFixed(3),
    ),
    without_previews: off.length
      ? {
          runs: off.length,
          first_text_ms: stats(off, 'first_text_ms'),
          first_block_ms: stats(off, 'first_block_ms'),
        }
      : null,
    samples,
  }),
)
