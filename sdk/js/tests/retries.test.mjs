// Retries, idempotency, headers and timeouts, observed through local proxies in front of the real
// server: a POST whose first answer is lost creates exactly one object; 503, 409 in progress and
// 429 are retried (429 after Retry-After), other 4xx never; what the SDK sends on each request.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import ShikaCreators, { APIConnectionError, APIError, InvalidRequestError } from 'shikacreators';
import { createMerchant, rejectsWith, startProxy, uniqueEmail } from './helpers.mjs';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
// Retries wait 1–2 ms here instead of 0.5 s and up (the backoff base is an option).
const FAST = { initialRetryDelay: 2, maxRetryDelay: 4 };

/** Runs `body(client, proxy)` with a client on a fresh merchant behind a proxy doing `decide`. */
async function behindProxy(decide, options, body) {
  const proxy = await startProxy(decide);
  try {
    const merchant = await createMerchant();
    const client = new ShikaCreators(merchant.test_secret_key, { baseUrl: proxy.url, ...FAST, ...options });
    return await body(client, proxy, merchant);
  } finally {
    await proxy.close();
  }
}

const jsonError = (status, type, message, headers = {}) => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify({ error: { type, message } }),
});

describe('retries', () => {
  test('a POST whose first answer is lost is retried with the same key: exactly one customer', async () => {
    await behindProxy((r) => (r.n === 1 ? 'drop' : 'forward'), {}, async (client, proxy, merchant) => {
      const email = uniqueEmail('dropped');
      const customer = await client.customers.create({ email, name: 'Only Once' });
      const posts = proxy.requests.filter((r) => r.method === 'POST');
      assert.equal(posts.length, 2, 'one lost attempt, one retry');
      assert.match(posts[0].headers['idempotency-key'], UUID_V4);
      assert.equal(posts[1].headers['idempotency-key'], posts[0].headers['idempotency-key']);
      assert.equal(posts[1].body, posts[0].body);
      assert.equal(customer.lastResponse.headers['idempotent-replayed'], 'true');

      // Straight to the server, not through the proxy.
      const direct = new ShikaCreators(merchant.test_secret_key, { baseUrl: process.env.SHIKA_BASE_URL });
      const found = await direct.customers.list({ email });
      assert.equal(found.data.length, 1);
      assert.equal(found.data[0].id, customer.id);
      assert.deepEqual({ ...found.data[0] }, { ...customer });
    });
  });

  test('503 then success: the call succeeds, the POST keeps its key', async () => {
    await behindProxy((r) => (r.n === 1 ? { status: 503, body: 'Service Unavailable' } : 'forward'), {}, async (client, proxy) => {
      const customer = await client.customers.create({ email: uniqueEmail() });
      assert.match(customer.id, /^cus_/);
      assert.equal(proxy.requests.length, 2);
      assert.equal(proxy.requests[1].headers['idempotency-key'], proxy.requests[0].headers['idempotency-key']);
    });
  });

  test('409 idempotency_error (in progress) is retried', async () => {
    const conflict = jsonError(409, 'idempotency_error', 'A request with this Idempotency-Key is still in progress.');
    await behindProxy((r) => (r.n <= 2 ? conflict : 'forward'), {}, async (client, proxy) => {
      const payment = await client.payments.create({ amount: 700 });
      assert.equal(payment.amount, 700);
      assert.equal(proxy.requests.length, 3);
      assert.equal(new Set(proxy.requests.map((r) => r.headers['idempotency-key'])).size, 1);
    });
  });

  test('429 is retried after Retry-After, even when the backoff is shorter', async () => {
    const limited = jsonError(429, 'rate_limit_error', 'Too many requests.', { 'retry-after': '1' });
    await behindProxy((r) => (r.n === 1 ? limited : 'forward'), {}, async (client, proxy) => {
      const started = performance.now();
      const page = await client.customers.list();
      const waited = performance.now() - started;
      assert.equal(page.object, 'list');
      assert.equal(proxy.requests.length, 2);
      assert.ok(waited >= 950, `waited only ${waited} ms`);
    });
  });

  test('GET, PATCH and DELETE are retried on 5xx too (without an Idempotency-Key)', async () => {
    await behindProxy((r) => (r.n === 2 || r.n === 4 || r.n === 6 ? { status: 502, body: '' } : 'forward'), {}, async (client, proxy) => {
      const c = await client.customers.create(); // 1
      assert.equal((await client.customers.retrieve(c.id)).id, c.id); // 2 fails, 3
      assert.equal((await client.customers.update(c.id, { name: 'N' })).name, 'N'); // 4 fails, 5
      assert.equal((await client.customers.delete(c.id)).deleted, true); // 6 fails, 7
      assert.equal(proxy.requests.length, 7);
      for (const r of proxy.requests.slice(1)) assert.equal(r.headers['idempotency-key'], undefined, r.method);
    });
  });

  test('other 4xx are never retried', async () => {
    await behindProxy(() => 'forward', {}, async (client, proxy) => {
      await rejectsWith(client.customers.create({ email: 'bad' }), InvalidRequestError);
      await rejectsWith(client.customers.retrieve('cus_nosuchcustomer1'), InvalidRequestError);
      assert.equal(proxy.requests.length, 2);
    });
  });

  test('the retry budget: maxNetworkRetries, per client and per request', async () => {
    await behindProxy(() => ({ status: 503, body: 'down' }), { maxNetworkRetries: 3 }, async (client, proxy) => {
      await rejectsWith(client.customers.create(), APIError);
      assert.equal(proxy.requests.length, 4);
      await rejectsWith(client.customers.list({}, { maxNetworkRetries: 0 }), APIError);
      assert.equal(proxy.requests.length, 5);
    });
    await behindProxy(() => ({ status: 503, body: 'down' }), {}, async (client, proxy) => {
      await rejectsWith(client.customers.list(), APIError);
      assert.equal(proxy.requests.length, 3, 'default: 2 retries');
    });
  });

  test('connection failures are retried, then surface as APIConnectionError', async () => {
    await behindProxy(() => 'drop', {}, async (client, proxy) => {
      const error = await rejectsWith(client.customers.create({ name: 'never answered' }), APIConnectionError);
      assert.equal(proxy.requests.length, 3);
      assert.equal(new Set(proxy.requests.map((r) => r.headers['idempotency-key'])).size, 1);
      assert.equal(error.statusCode, undefined);
    });
  });
});

describe('headers', () => {
  test('User-Agent, Authorization, Content-Type and a fresh UUID Idempotency-Key per POST', async () => {
    await behindProxy(() => 'forward', {}, async (client, proxy, merchant) => {
      const c = await client.customers.create({ name: 'A' });
      await client.customers.create({ name: 'B' });
      await client.customers.update(c.id, { name: 'C' });
      await client.customers.list({ limit: 3, created: { gte: c.created_at, lte: '2999-01-01T00:00:00Z' } });
      await client.customers.delete(c.id);
      const [post1, post2, patch, get, del] = proxy.requests;
      for (const r of proxy.requests) {
        assert.equal(r.headers['user-agent'], 'shikacreators-js/0.1.0');
        assert.equal(r.headers.authorization, `Bearer ${merchant.test_secret_key}`);
        assert.equal(r.headers.accept, 'application/json');
      }
      assert.equal(ShikaCreators.VERSION, '0.1.0');
      assert.match(post1.headers['idempotency-key'], UUID_V4);
      assert.match(post2.headers['idempotency-key'], UUID_V4);
      assert.notEqual(post1.headers['idempotency-key'], post2.headers['idempotency-key']);
      assert.equal(c.lastResponse.idempotencyKey, post1.headers['idempotency-key']);
      assert.equal(post1.headers['content-type'], 'application/json');
      assert.deepEqual(JSON.parse(post1.body), { name: 'A' });
      assert.equal(patch.method, 'PATCH');
      assert.equal(patch.headers['content-type'], 'application/json');
      assert.equal(patch.headers['idempotency-key'], undefined);
      assert.equal(get.method, 'GET');
      assert.equal(get.body, '');
      assert.equal(get.headers['idempotency-key'], undefined);
      // Nested params spelled the API's way.
      const query = new URL(get.url, 'http://x').searchParams;
      assert.deepEqual([...query], [
        ['limit', '3'],
        ['created[gte]', c.created_at],
        ['created[lte]', '2999-01-01T00:00:00Z'],
      ]);
      assert.match(get.url, /created%5Bgte%5D=/);
      assert.equal(del.method, 'DELETE');
      assert.equal(del.headers['idempotency-key'], undefined);
    });
  });

  test('a caller-chosen Idempotency-Key is sent as given', async () => {
    await behindProxy(() => 'forward', {}, async (client, proxy) => {
      await client.payments.create({ amount: 10 }, { idempotencyKey: 'order-17-attempt' });
      assert.equal(proxy.requests[0].headers['idempotency-key'], 'order-17-attempt');
    });
  });
});

describe('timeouts', () => {
  test('an answer that never comes times out as APIConnectionError, and is retried', async () => {
    await behindProxy(() => 'hang', { timeout: 150, maxNetworkRetries: 1 }, async (client, proxy) => {
      const error = await rejectsWith(client.customers.create({ name: 'slow' }), APIConnectionError);
      assert.match(error.message, /timed out after 150 ms/);
      assert.equal(proxy.requests.length, 2);
      assert.equal(proxy.requests[1].headers['idempotency-key'], proxy.requests[0].headers['idempotency-key']);
    });
  });

  test('the per-request timeout overrides the client\'s', async () => {
    await behindProxy((r) => (r.method === 'GET' ? 'hang' : 'forward'), { maxNetworkRetries: 0 }, async (client) => {
      const c = await client.customers.create();
      const error = await rejectsWith(client.customers.retrieve(c.id, { timeout: 100 }), APIConnectionError);
      assert.match(error.message, /timed out after 100 ms/);
    });
  });
});
