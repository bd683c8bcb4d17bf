// End-to-end: the built app, served by the live backend, driven in Debian Chromium.
// Usage: node e2e/app.e2e.mjs <base_url> <artifacts_dir>
// Every wait is on what the page shows (locators, waitForFunction), never a sleep.
import { mkdir } from 'node:fs/promises'
import path from 'node:path'

import { axeViolations } from './axe.mjs'
import { launchBrowser, watchPage } from './browser.mjs'
import { startDropProxy } from './dropProxy.mjs'

const [serverUrl, artifactsDir = 'test-artifacts/e2e'] = process.argv.slice(2)
if (!serverUrl) {
  console.error('usage: node e2e/app.e2e.mjs <base_url> <artifacts_dir>')
  process.exit(2)
}
await mkdir(artifactsDir, { recursive: true })
// The browser talks to the server through a proxy that can simulate a network drop.
const proxy = await startDropProxy(serverUrl)
const baseUrl = proxy.url

const TIMEOUT = 30_000
const results = []
let failed = 0

async function step(name, fn) {
  const started = Date.now()
  try {
    await fn()
    results.push(`ok - ${name} (${Date.now() - started} ms)`)
    console.log(results.at(-1))
  } catch (error) {
    failed += 1
    results.push(`not ok - ${name}: ${error?.stack ?? error}`)
    console.log(results.at(-1))
    throw error
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message)
}

/** No axe-core violation on the page as it is now (every rule on). */
async function assertAccessible(page, where) {
  const violations = await axeViolations(page)
  assert(violations.length === 0, `axe on ${where}:\n${violations.join('\n')}`)
}

/**
 * In every document of the page, before its scripts: a MutationObserver that keeps, per
 * block id, the last preview text (and the layout top of its slot) seen while that block was
 * not rendered yet. A preview on screen for less than a polling interval is still seen.
 */
function watchPreviews() {
  const seen = {}
  window.__previews = seen
  const look = () => {
    for (const node of document.querySelectorAll('[data-testid=lesson-preview]')) {
      const id = node.dataset.blockId
      if (document.querySelector(`[data-testid=lesson-block][data-block-id="${id}"]`)) continue
      seen[id] = { text: node.textContent, top: node.offsetTop }
    }
  }
  new MutationObserver(look).observe(document, {
    childList: true,
    subtree: true,
    characterData: true,
  })
}

/** Forget the previews seen so far (a new lesson in the same document reuses block ids). */
function forgetPreviews(page) {
  return page.evaluate(() => {
    for (const id of Object.keys(window.__previews)) delete window.__previews[id]
  })
}

/**
 * Resolves once block `blockId` has shown as a preview with at least `minLength` code points
 * of text while it was not rendered; returns that text and the layout top of the preview's
 * slot (offsetTop: transforms left out). Fails if the block arrives rendered first.
 */
async function previewBeforeBlock(page, blockId, minLength = 1) {
  const handle = await page.waitForFunction(
    ([id, min]) => {
      const entry = window.__previews[id]
      if (entry && Array.from(entry.text).length >= min) return entry
      const rendered = document.querySelector(`[data-testid=lesson-block][data-block-id="${id}"]`)
      return rendered ? { rendered: true, text: entry?.text ?? null } : null
    },
    [blockId, minLength],
  )
  const seen = await handle.jsonValue()
  assert(!seen.rendered, `block ${blockId} arrived rendered before a preview: ${seen.text}`)
  return seen
}

/** The layout top of rendered block `blockId` (offsetTop: transforms left out). */
async function blockTop(page, blockId) {
  const block = page.locator(`[data-testid=lesson-block][data-block-id="${blockId}"]`)
  await block.waitFor()
  return block.evaluate((node) => node.offsetTop)
}

/** The verification badge inside `scope` says the examples were verified, in words. */
async function assertVerifiedBadge(scope, where) {
  const badge = scope.getByTestId('verification-badge')
  await badge.waitFor()
  const [status, text] = [await badge.getAttribute('data-status'), await badge.textContent()]
  assert(status === 'passed' && text.includes('예제 검증됨'), `${where}: badge ${status} "${text}"`)
}

/** Every example inside `card` carries a ✓ mark, with words for screen readers. */
async function assertExamplesPassed(card, where) {
  const examples = card.getByTestId('problem-example')
  const count = await examples.count()
  assert(count > 0, `${where}: the problem has examples`)
  for (let i = 0; i < count; i += 1) {
    const check = examples.nth(i).getByTestId('example-check')
    assert((await check.getAttribute('data-passed')) === 'true', `${where}: example ${i} passed`)
    const mark = check.locator('[aria-hidden=true]')
    assert((await mark.textContent()) === '✓', `${where}: example ${i} shows ✓`)
    const words = (await check.textContent()).replace('✓', '').trim()
    assert(words.length > 0, `${where}: example ${i}'s mark has words beside it`)
  }
  return count
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true })
}

const browser = await launchBrowser()
const context = await browser.newContext({
  locale: 'ko-KR',
  viewport: { width: 1280, height: 900 },
})
context.setDefaultTimeout(TIMEOUT)
await context.addInitScript(watchPreviews)
const page = await context.newPage()
const problems = watchPage(page)

const username = `e2e_${Date.now().toString(36)}`
const password = 'e2e password 123'
let sessionUrl = ''
let problemId = ''
let asked = { question: '', answer: '' }

// The login page's URL names /learn too (its redirect), so match the path itself.
const onLessonPage = (url) => url.pathname.startsWith('/learn')
const answers = () => page.locator('[data-testid=chat-message][data-agent=qna_resolver]')
const questions = () => page.locator('[data-testid=chat-message][data-role=user]')
const textOf = async (locator) => (await locator.getByTestId('chat-text').textContent()).trim()

/** Ask in the chat box; resolves once the answer has shown its first tokens. */
async function ask(question) {
  const before = await answers().count()
  await page.getByTestId('chat-input').fill(question)
  await page.getByTestId('chat-send').click()
  const answer = answers().nth(before)
  await answer.locator('[data-testid=chat-text]').waitFor()
  return answer
}

try {
  await step('register and log in', async () => {
    await page.goto(`${baseUrl}/`)
    await page.waitForURL(/\/login/)
    await page.getByTestId('offline-note').waitFor()
    await assertAccessible(page, 'the login page')
    await page.getByTestId('auth-toggle').click()
    await page.getByRole('heading', { name: '회원가입' }).waitFor()
    await page.locator('input[name=username]').fill(username)
    await page.locator('input[name=password]').fill(password)
    await shot(page, '01-register')
    await page.getByTestId('auth-submit').click()
    await page.waitForURL(onLessonPage)
    await page.getByTestId('current-user').filter({ hasText: username }).waitFor()
  })

  await step('the offline model is announced', async () => {
    await page.getByTestId('offline-note').waitFor()
  })

  await step('log out and log in again', async () => {
    await page.getByRole('button', { name: '로그아웃' }).click()
    await page.waitForURL(/\/login/)
    await page.locator('input[name=username]').fill(username)
    await page.locator('input[name=password]').fill(password)
    await page.getByTestId('auth-submit').click()
    await page.waitForURL(onLessonPage)
    await page.getByTestId('start-2-1').waitFor()
    await shot(page, '02-outline')
    await assertAccessible(page, 'the outline')
  })

  await step(
    'the block being written shows as a preview, then its block takes its place',
    async () => {
      await forgetPreviews(page)
      await page.getByTestId('start-2-1').click()
      // The header's text is on screen before its theory_block has arrived...
      const header = await previewBeforeBlock(page, 1)
      assert(header.text.trim().length > 0, 'the preview shows text')
      // (the first preview on screen now: the header's, or the next block's)
      const preview = page.getByTestId('lesson-preview')
      assert((await preview.getAttribute('aria-hidden')) === 'true', 'previews are not announced')
      const caret = preview.locator('.preview-caret')
      const blink = () => caret.evaluate((node) => getComputedStyle(node).animationName)
      assert((await blink()) === 'caret-blink', 'the caret blinks quietly')
      await page.emulateMedia({ reducedMotion: 'reduce' })
      assert((await blink()) === 'none', 'no blinking when the learner asks for less motion')
      await page.emulateMedia({ reducedMotion: null })
      await shot(page, '03a-lesson-preview')
      // ...then the rendered block replaces it, in the same slot.
      await page.locator('[data-testid=lesson-block][data-block-id="1"]').waitFor()
      // The next block: its preview sits where the rendered block then appears.
      const second = await previewBeforeBlock(page, 2)
      assert((await page.locator('[data-block-id="1"]').count()) === 1, 'block 1 once, rendered')
      const top = await blockTop(page, 2)
      assert(
        Math.abs(top - second.top) <= 1,
        `block 2 took its preview's slot: ${second.top} -> ${top}`,
      )
      assert(
        (await page.locator('[data-testid=lesson-preview][data-block-id="2"]').count()) === 0,
        'the rendered block replaced its preview',
      )
    },
  )

  await step('open a lesson: the first block shows while the stream still runs', async () => {
    const first = page.getByTestId('lesson-block').first()
    await first.waitFor()
    const state = await page.getByTestId('lesson-state').getAttribute('data-state')
    const count = await page.getByTestId('lesson-block').count()
    assert(state === 'streaming', `expected the stream to be running, state is ${state}`)
    assert(count < 4, `expected a partial lesson, ${count} blocks shown`)
    assert(
      (await page.getByTestId('lesson-stop').isVisible()) === true,
      'the Stop button shows while streaming',
    )
    const live = await page.getByTestId('lesson-blocks').getAttribute('aria-live')
    assert(live === 'polite', 'lesson blocks sit in an aria-live region')
    await shot(page, '03-lesson-streaming')
    await assertAccessible(page, 'a lesson while it streams')
  })

  await step('all blocks render, one component per type', async () => {
    await page.locator('[data-testid=lesson-state][data-state=completed]').waitFor()
    const types = await page
      .getByTestId('lesson-block')
      .evaluateAll((nodes) => nodes.map((node) => node.dataset.blockType))
    assert(
      JSON.stringify(types) ===
        JSON.stringify(['header', 'introduction', 'definition', 'examples']),
      `block types in order: ${types}`,
    )
    await page.locator('.analogy').waitFor()
    const progress = await page.getByTestId('lesson-progress').textContent()
    assert(progress.includes('4 / 4'), `progress says ${progress}`)
    assert(await page.getByTestId('chat-input').isVisible(), 'the question box shows')
    sessionUrl = page.url()
    assert(
      /\/learn\/[0-9a-f-]{36}$/.test(sessionUrl),
      `lesson URL names its session: ${sessionUrl}`,
    )
    await shot(page, '04-lesson-complete')
    assert((await page.getByTestId('lesson-preview').count()) === 0, 'no preview left behind')
    await assertAccessible(page, 'a finished lesson')
  })

  await step('a reload keeps the session and the lesson', async () => {
    await page.reload()
    await page.getByTestId('current-user').filter({ hasText: username }).waitFor()
    assert(page.url() === sessionUrl, `still on the lesson after reload: ${page.url()}`)
    await page.locator('[data-testid=lesson-state][data-state=completed]').waitFor()
    assert((await page.getByTestId('lesson-block').count()) === 4, 'the 4 blocks are back')
  })

  await step('ask a question: the answer streams into the chat, with its sources', async () => {
    const question = 'LLM은 어떻게 다음 단어를 예측하나요?'
    const answer = await ask(question)
    const status = await answer.getAttribute('data-status')
    const partial = await textOf(answer)
    assert(status === 'streaming', `first tokens shown while streaming, status is ${status}`)
    const thread = page.getByTestId('chat-thread')
    assert((await thread.getAttribute('aria-live')) === 'polite', 'the thread is a live region')
    await shot(page, '11-chat-streaming')
    await answer.and(page.locator('[data-status=done]')).waitFor()
    const whole = await textOf(answer)
    assert(whole.length > partial.length, `the answer grew: ${partial.length} -> ${whole.length}`)
    await answer.getByTestId('chat-sources').waitFor()
    assert((await textOf(questions().last())) === question, 'the question sits above the answer')
    asked = { question, answer: whole }
    await assertAccessible(page, 'the chat with a question answered')
  })

  await step('thumbs up on the answer is recorded', async () => {
    const answer = answers().last()
    await answer.getByTestId('feedback-up').click()
    await answer.locator('[data-testid=feedback-answer][data-state=saved]').waitFor()
    assert(
      (await answer.getByTestId('feedback-up').getAttribute('aria-pressed')) === 'true',
      'the chosen thumb is pressed',
    )
    await answer.getByTestId('feedback-status').filter({ hasText: '평가를 보냈어요' }).waitFor()
    await shot(page, '12-chat-answer')
  })

  await step('a reload keeps the thread: the question and its answer', async () => {
    await page.reload()
    await page.locator('[data-testid=lesson-state][data-state=completed]').waitFor()
    const answer = answers().last()
    await answer.locator('[data-testid=chat-text]').waitFor()
    assert((await textOf(questions().last())) === asked.question, 'the question is back')
    assert((await textOf(answer)) === asked.answer, 'the answer is back, word for word')
  })

  await step('an answer still streaming at a reload resumes from its start', async () => {
    const question = '토큰이 뭔가요?'
    const before = await answers().count()
    const resumes = []
    const onRequest = async (request) => {
      if (!request.url().includes('/qna-stream/')) return
      resumes.push((await request.allHeaders())['last-event-id'] ?? null)
    }
    await ask(question)
    page.on('request', onRequest)
    await page.reload()
    const answer = answers().nth(before)
    await answer.and(page.locator('[data-status=done]')).waitFor()
    page.off('request', onRequest)
    assert(resumes[0] === '0', `the running answer was replayed from event 0: ${resumes}`)
    // The resumed answer brings its question back with it (the thread is read again).
    await questions().filter({ hasText: question }).waitFor()
    assert((await answers().count()) === before + 1, 'the answer shows once')
    assert((await textOf(answers().first())) === asked.answer, 'the earlier answer stays')
  })

  await step('Stop an answer, then ask again', async () => {
    const answer = await ask('트랜스포머는 무엇인가요?')
    await answer.getByTestId('answer-stop').click()
    await answer.and(page.locator('[data-status=cancelled]')).waitFor()
    await answer.getByTestId('answer-retry').click()
    await answers().last().and(page.locator('[data-status=done]')).waitFor()
    assert(
      (await textOf(questions().last())) === '트랜스포머는 무엇인가요?',
      'the same question asked again',
    )
  })

  await step('Stop cancels a running lesson', async () => {
    await page.getByTestId('start-1-1').click()
    await page.getByTestId('lesson-block').first().waitFor()
    await page.getByTestId('lesson-stop').click()
    await page.locator('[data-testid=lesson-state][data-state=cancelled]').waitFor()
    await page.getByTestId('lesson-retry').waitFor()
  })

  await step(
    'a reload during a run resumes it, with the text of the block being written',
    async () => {
      await forgetPreviews(page)
      await page.getByTestId('start-1-2').click()
      await page.getByTestId('lesson-block').first().waitFor()
      await page.waitForURL(/\/learn\/[0-9a-f-]{36}$/)
      // Mid-block: the second block has some text written (it takes seconds at 40 tokens/s).
      const before = await previewBeforeBlock(page, 2, 8)
      await page.reload()
      // The server sends the block's text so far from offset 0 to the new connection.
      const after = await previewBeforeBlock(page, 2, Array.from(before.text).length)
      assert(
        after.text.startsWith(before.text),
        `after the reload the preview shows the text so far: ${JSON.stringify(before.text)} -> ${JSON.stringify(after.text)}`,
      )
      await page.locator('[data-testid=lesson-state][data-state=completed]').waitFor()
      const ids = await page
        .getByTestId('lesson-block')
        .evaluateAll((nodes) => nodes.map((node) => Number(node.dataset.blockId)))
      assert(JSON.stringify(ids) === '[1,2,3,4]', `blocks once each, in order: ${ids}`)
    },
  )

  await step('a network drop mid-lesson resumes with Last-Event-ID', async () => {
    const resumes = []
    const onRequest = async (request) => {
      if (!request.url().includes('/theory-stream/')) return
      const lastEventId = (await request.allHeaders())['last-event-id']
      if (lastEventId) resumes.push(lastEventId)
    }
    page.on('request', onRequest)
    await page.getByTestId('start-1-3').click()
    await page.getByTestId('lesson-block').first().waitFor()
    const dropped = page.waitForEvent('requestfailed', (r) => r.url().includes('/theory-stream/'))
    assert(proxy.dropAll() > 0, 'the stream had an open connection to cut')
    await dropped
    await page.locator('[data-testid=lesson-state][data-state=completed]').waitFor()
    page.off('request', onRequest)
    const ids = await page
      .getByTestId('lesson-block')
      .evaluateAll((nodes) => nodes.map((node) => Number(node.dataset.blockId)))
    assert(JSON.stringify(ids) === '[1,2,3,4]', `blocks once each, in order: ${ids}`)
    assert(resumes.length > 0 && Number(resumes[0]) >= 2, `resumed after event ${resumes[0]}`)
    assert(!(await page.getByText('강의 전체를 한 번에 불러왔어요').isVisible()), 'no fallback')
  })

  await step('when the stream keeps failing, the whole lesson comes at once', async () => {
    const failedTickets = new Set()
    await page.route('**/learning/theory-stream/*', (route) => {
      if (route.request().method() !== 'GET') return route.continue()
      failedTickets.add(new URL(route.request().url()).pathname.split('/').pop())
      return route.abort('connectionreset')
    })
    const syncStart = page.waitForRequest(
      (r) => r.url().endsWith('/learning/session/start') && r.postDataJSON()?.streaming === false,
    )
    await page.getByTestId('start-2-2').click()
    await page.locator('[data-testid=lesson-state][data-state=fallback]').waitFor()
    await page.locator('[data-testid=lesson-state][data-state=completed]').waitFor({
      timeout: 60_000,
    })
    await page.unroute('**/learning/theory-stream/*')
    assert((await page.getByTestId('lesson-block').count()) === 4, 'the sync lesson has 4 blocks')
    await page.getByText('강의 전체를 한 번에 불러왔어요').waitFor()
    const fallbackFrom = (await syncStart).postDataJSON().fallback_from
    assert(
      failedTickets.size === 1 && failedTickets.has(fallbackFrom),
      'the synchronous lesson names the stream that failed (fallback_from)',
    )
  })

  await step('"My lessons" lists the lessons and reopens one', async () => {
    await page.getByRole('link', { name: '내 강의' }).click()
    await page.getByTestId('session-link').first().waitFor()
    assert((await page.getByTestId('session-link').count()) >= 3, 'three lessons listed')
    await shot(page, '05-my-lessons')
    await page.getByTestId('session-link').filter({ hasText: 'LLM이란?' }).click()
    await page.locator('[data-testid=lesson-state][data-state=completed]').waitFor()
    assert(page.url() === sessionUrl, `reopened the first lesson: ${page.url()}`)
    assert((await page.getByTestId('lesson-block').count()) === 4, 'with its 4 blocks')
  })

  await step('"다음" in the chat streams the next lesson in the same session', async () => {
    await page.getByTestId('chat-next').click()
    await page.locator('[data-testid=lesson-state][data-state=streaming]').waitFor()
    await page.getByTestId('lesson-block').first().waitFor()
    await page.locator('[data-testid=lesson-state][data-state=completed]').waitFor()
    const title = await page.locator('#lesson-title').textContent()
    assert(title.startsWith('2-2.'), `the next section: ${title}`)
    assert(page.url() === sessionUrl, `still the same session: ${page.url()}`)
    await page.getByTestId('feedback-lesson').waitFor()
    await shot(page, '13-chat-next-lesson')
  })

  await step('profile: the learner level is saved', async () => {
    await page.getByTestId('current-user').click()
    await page.locator('input[value=advanced]').check()
    await page.getByTestId('profile-save').click()
    await page.getByRole('status').filter({ hasText: '저장했어요' }).waitFor()
    await page.reload()
    await page.locator('input[value=advanced]:checked').waitFor()
    await shot(page, '06-profile')
  })

  await step('generate a problem: status, tokens, then the result', async () => {
    await page.getByRole('link', { name: '문제 만들기' }).click()
    await page.locator('textarea[name=prompt]').fill('그래프 최단 경로를 연습할 수 있는 문제')
    await page.locator('select[name=difficulty]').selectOption('easy')
    await page.locator('input[name=algorithm_type]').fill('graph')
    await assertAccessible(page, 'the problem form')
    await page.getByTestId('generate').click()
    await page.locator('.timeline-step[data-stage=analysis][data-state=done]').waitFor()
    const tokens = page.getByTestId('token-stream')
    await tokens.locator('h2').first().waitFor()
    assert((await tokens.getAttribute('aria-live')) === 'polite', 'tokens in an aria-live region')
    await shot(page, '07-problem-streaming')
    const card = page.getByTestId('problem-card')
    await card.waitFor()
    problemId = await card.getAttribute('data-problem-id')
    assert(/^[0-9a-f-]{36}$/.test(problemId), `problem id ${problemId}`)
    const shownId = await page.getByTestId('problem-id').textContent()
    assert(shownId.trim() === problemId, 'the card shows its id')
    await page.locator('.timeline-step[data-stage=saving][data-state=done]').waitFor()
    // The result line came after every status line: the verification stage is over.
    const verifying = page.locator('.timeline-step[data-stage=verification]')
    assert((await verifying.getAttribute('data-state')) === 'done', 'the stage 예제 검증 ran')
    assert((await verifying.textContent()).includes('예제 검증'), 'the stage is named')
    await assertVerifiedBadge(card, 'the generated problem')
    await assertExamplesPassed(card, 'the generated problem')
    // The stream never carries the solution: no toggle on the generated result.
    assert((await card.getByTestId('solution-toggle').count()) === 0, 'no solution in the stream')
    await shot(page, '08-problem-result')
  })

  await step('the problem is in "my problems" after a reload, with a detail page', async () => {
    await page.getByRole('link', { name: '내 문제', exact: true }).click()
    await page.waitForURL(/\/problems$/)
    await page.reload()
    const item = page.locator(`[data-testid=problem-list] li[data-problem-id="${problemId}"]`)
    await item.waitFor()
    await assertVerifiedBadge(item, 'the list item')
    await shot(page, '09-my-problems')
    await item.getByRole('link').click()
    await page.waitForURL(new RegExp(`/problems/${problemId}$`))
    await page.locator(`[data-testid=problem-card][data-problem-id="${problemId}"]`).waitFor()
    await shot(page, '10-problem-detail')
    await assertAccessible(page, 'the problem detail page')
  })

  await step('the detail page: verified examples, the solution behind "풀이 보기"', async () => {
    const card = page.getByTestId('problem-card')
    await assertVerifiedBadge(card, 'the detail page')
    await assertExamplesPassed(card, 'the detail page')
    const toggle = card.getByRole('button', { name: '풀이 보기' })
    const code = card.getByTestId('solution-code')
    assert((await toggle.getAttribute('aria-expanded')) === 'false', 'the solution starts hidden')
    assert(!(await code.isVisible()), 'no solution code on screen before the toggle')
    await toggle.click()
    await code.waitFor({ state: 'visible' })
    assert((await toggle.getAttribute('aria-expanded')) === 'true', 'the toggle says it is open')
    const source = await code.textContent()
    assert(
      /\bprint\(|sys\.stdin|input\(/.test(source),
      `Python code shown: ${source.slice(0, 200)}`,
    )
    await shot(page, '10a-problem-solution')
    await assertAccessible(page, 'the problem detail page with its solution open')
    await toggle.click()
    await code.waitFor({ state: 'hidden' })
  })

  await step('Stop aborts a running generation', async () => {
    await page.goto(`${baseUrl}/problems/new`)
    await page.locator('textarea[name=prompt]').fill('정렬 문제')
    await page.getByTestId('generate').click()
    await page.getByTestId('generate-stop').click()
    await page.locator('[data-testid=generation][data-state=cancelled]').waitFor()
  })

  await step('no script errors and no Content-Security-Policy violations', async () => {
    assert(problems.length === 0, `page problems:\n${problems.join('\n')}`)
  })
} catch {
  // reported by step(); take a picture of where it stopped
  await shot(page, 'failure').catch(() => {})
} finally {
  await browser.close()
  await proxy.close()
}

console.log(`${results.length - failed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
