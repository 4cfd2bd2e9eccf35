// `make bench`'s browser figure: Chromium (Playwright, Debian's build) opens /customers logged in,
// cold cache, on a "slow 4G / fast 3G" profile — 1.6 Mbit/s down, 750 kbit/s up, 150 ms round
// trip, CPU slowed 4× — and reports when the table shows, when the page is interactive (hydrated)
// and how many bytes came over the wire. Then it opens the page again, warm.
// Usage: node bench/browser/mobile.mjs BASE_URL SESSION_TOKEN   (prints one JSON line)
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../end2end/package.json', import.meta.url));
const { chromium } = require('@playwright/test');

const [base, session] = process.argv.slice(2);
if (!base || !session) {
  console.error('usage: node bench/browser/mobile.mjs BASE_URL SESSION_TOKEN');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
const context = await browser.newContext({ viewport: { width: 375, height: 800 } });
await context.addCookies([{ name: 'shika_session', value: session, url: base }]);
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await cdp.send('Network.enable');
await cdp.send('Network.emulateNetworkConditions', {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6 * 1000 * 1000) / 8,
  uploadThroughput: (750 * 1000) / 8,
});
await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
let bytes = 0;
cdp.on('Network.loadingFinished', (event) => {
  bytes += event.encodedDataLength;
});

async function visit() {
  bytes = 0;
  const started = Date.now();
  await page.goto(`${base}/customers`, { waitUntil: 'commit' });
  await page.locator('table.customers tbody tr').first().waitFor();
  const table = Date.now() - started;
  await page.locator('html[data-hydrated]').waitFor({ state: 'attached', timeout: 60_000 });
  const interactive = Date.now() - started;
  await page.waitForLoadState('networkidle');
  return { table_ms: table, interactive_ms: interactive, bytes };
}

const cold = await visit();
await page.goto('about:blank');
const warm = await visit();
console.log(JSON.stringify({ cold, warm }));
await browser.close();
