import { test, expect, open, signUp, withJavaScript } from './fixtures';
import type { APIRequestContext } from '@playwright/test';

/** The WASM, JS and CSS a page names (hashed in a release build), read from its HTML. */
async function pageAssets(request: APIRequestContext): Promise<string[]> {
  const html = await (await request.get('/login')).text();
  const assets = [...new Set([...html.matchAll(/\/pkg\/[^"'\s]+\.(?:wasm|js|css)/g)].map((m) => m[0]))];
  expect(assets.map((a) => a.split('.').pop()).sort()).toEqual(['css', 'js', 'wasm']);
  return assets;
}

// The release build writes each asset brotli- and gzip-compressed beside itself; the server sends
// the smallest a client accepts, says which in Content-Encoding, and that the answer varies by it.
for (const [accept, encoding] of [['br, gzip', 'br'], ['gzip', 'gzip'], ['identity', undefined]] as const) {
  test(`assets are served ${encoding ?? 'uncompressed'} to a client that accepts ${accept}`, async ({ request }) => {
    for (const asset of await pageAssets(request)) {
      const response = await request.get(asset, { headers: { 'accept-encoding': accept } });
      expect(response.status(), asset).toBe(200);
      expect(response.headers()['content-encoding'], asset).toBe(encoding);
      if (encoding) expect(response.headers()['vary'] ?? '', asset).toMatch(/accept-encoding/i);
    }
  });
}

test('asset names carry a content hash and are cached as immutable; pages are revalidated', async ({ request }) => {
  for (const asset of await pageAssets(request)) {
    expect(asset, 'a hashed name').toMatch(/^\/pkg\/shika\.[A-Za-z0-9_-]{8,}\.(wasm|js|css)$/);
    const response = await request.get(asset, { headers: { 'accept-encoding': 'br' } });
    expect(response.headers()['cache-control'], asset).toBe('public, max-age=31536000, immutable');
  }
  const page = await request.get('/login');
  expect(page.headers()['cache-control']).toBe('no-cache');
  // An asset of another release (or none at all) is not cached for a year.
  const unknown = await request.get('/pkg/shika.0000000000000000.wasm');
  expect(unknown.headers()['cache-control'] ?? '').not.toMatch(/immutable/);
});

test('a second visit fetches no asset again', async ({ page, context }) => {
  const client = await context.newCDPSession(page);
  await client.send('Network.enable');
  // An asset counts as fetched when its answer came over the network (a 304 too), not from the
  // memory or disk cache.
  const fetched: string[] = [];
  const fromCache = new Set<string>();
  client.on('Network.requestServedFromCache', (event) => fromCache.add(event.requestId));
  client.on('Network.responseReceived', (event) => {
    const { url, fromDiskCache, fromPrefetchCache } = event.response;
    const path = new URL(url).pathname;
    if (path.startsWith('/pkg/') && !fromDiskCache && !fromPrefetchCache && !fromCache.has(event.requestId)) {
      fetched.push(path);
    }
  });
  // Signing up ends on /customers, whose search box is a lazy island: with JavaScript its WASM
  // chunks load too.
  await signUp(page);
  // Until every asset has arrived (without JavaScript the WASM is only preloaded, and a preload
  // cut off by leaving the page is not cached).
  await page.waitForLoadState('networkidle');
  expect(fetched.length, 'the first visit loads the assets').toBeGreaterThan(0);
  if (withJavaScript()) {
    expect(fetched.filter((path) => /^\/pkg\/(chunk|split)_/.test(path)), 'the island chunks').not.toEqual([]);
  }

  fetched.length = 0;
  // New navigations to pages seen before, as a merchant coming back does (not a forced reload).
  await open(page, '/customers?q=nobody');
  await open(page, '/signup');
  await open(page, '/customers');
  expect(fetched, 'assets fetched over the network on later visits').toEqual([]);
});

test('pages are compressed on the fly for browsers that ask', async ({ request }) => {
  const page = await request.get('/login', { headers: { 'accept-encoding': 'gzip, br' } });
  expect(page.headers()['content-encoding']).toBe('br');
  expect(await page.text()).toContain('Log in');
  const plain = await request.get('/login', { headers: { 'accept-encoding': 'identity' } });
  expect(plain.headers()['content-encoding']).toBeUndefined();
});
