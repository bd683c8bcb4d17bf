// Debian Chromium through playwright-core (no browser download), as the tests run it.
import { chromium } from 'playwright-core'

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

// No background traffic: the machines that run these tests have no outside network.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
]

/** A fresh browser (playwright-core gives it a new empty profile directory). */
export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS })
}

/** Collect script errors and CSP violations the page reports. */
export function watchPage(page) {
  const problems = []
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`))
  page.on('console', (message) => {
    const text = message.text()
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(text)) {
      problems.push(`csp: ${text}`)
    }
  })
  return problems
}
