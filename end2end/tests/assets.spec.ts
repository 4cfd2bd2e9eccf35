import { test, expect } from './fixtures';

// The release build writes each asset brotli- and gzip-compressed beside itself; the server sends
// the smallest a client accepts, says which in Content-Encoding, and that the answer varies by it.
for (const [accept, encoding] of [['br, gzip', 'br'], ['gzip', 'gzip'], ['identity', undefined]] as const) {
  test(`assets are served ${encoding ?? 'uncompressed'} to a client that accepts ${accept}`, async ({ request }) => {
    for (const asset of ['/pkg/shika.wasm', '/pkg/shika.js', '/pkg/shika.css']) {
      const response = await request.get(asset, { headers: { 'accept-encoding': accept } });
      expect(response.status(), asset).toBe(200);
      expect(response.headers()['content-encoding'], asset).toBe(encoding);
      if (encoding) expect(response.headers()['vary'] ?? '', asset).toMatch(/accept-encoding/i);
    }
  });
}

test('assets are revalidated before reuse: unchanged, they answer 304 with no body', async ({ request }) => {
  const first = await request.get('/pkg/shika.wasm', { headers: { 'accept-encoding': 'br' } });
  expect(first.headers()['cache-control']).toBe('no-cache');
  const modified = first.headers()['last-modified'];
  expect(modified).toBeTruthy();
  const again = await request.get('/pkg/shika.wasm', {
    headers: { 'accept-encoding': 'br', 'if-modified-since': modified },
  });
  expect(again.status()).toBe(304);
  expect((await again.body()).length).toBe(0);
});
