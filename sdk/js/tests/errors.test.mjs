// Each error class from a real failing call, with its type, code, param, status and Request-Id:
// InvalidRequestError, AuthenticationError, IdempotencyError, RateLimitError, APIError (a local
// gateway answering 503) and APIConnectionError (a closed port).

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, test } from 'node:test';

import ShikaCreators, {
  APIConnectionError,
  APIError,
  AuthenticationError,
  IdempotencyError,
  InvalidRequestError,
  RateLimitError,
  ShikaError,
} from 'shikacreators';
import { BASE_URL, closedPort, newClient, rejectsWith, startProxy, uniqueEmail } from './helpers.mjs';

const REQUEST_ID = /^req_[A-Za-z0-9]+$/;

function assertShikaError(error, cls, { type, code, param, statusCode }) {
  assert.ok(error instanceof cls);
  assert.ok(error instanceof ShikaError);
  assert.ok(error instanceof Error);
  assert.equal(error.name, cls.name);
  assert.equal(error.type, type);
  assert.equal(error.code, code);
  assert.equal(error.param, param);
  assert.equal(error.statusCode, statusCode);
  assert.equal(typeof error.message, 'string');
  assert.ok(error.message.length > 0);
}

describe('errors from the API', () => {
  let client;
  let merchant;
  before(async () => {
    ({ client, merchant } = await newClient({ maxNetworkRetries: 0 }));
  });

  test('InvalidRequestError: a bad email names param email', async () => {
    const error = await rejectsWith(client.customers.create({ email: 'not-an-email' }), InvalidRequestError);
    assertShikaError(error, InvalidRequestError, {
      type: 'invalid_request_error',
      code: 'parameter_invalid',
      param: 'email',
      statusCode: 400,
    });
    assert.match(error.message, /not-an-email/);
    assert.match(error.requestId, REQUEST_ID);
    assert.equal(error.headers['request-id'], error.requestId);
    assert.equal(error.raw.error.param, 'email');
  });

  test('InvalidRequestError: an unknown id is 404 resource_missing', async () => {
    const error = await rejectsWith(client.customers.retrieve('cus_doesnotexist000'), InvalidRequestError);
    assertShikaError(error, InvalidRequestError, {
      type: 'invalid_request_error',
      code: 'resource_missing',
      param: 'id',
      statusCode: 404,
    });
    assert.match(error.message, /No such customer: 'cus_doesnotexist000'/);
    assert.match(error.requestId, REQUEST_ID);
  });

  test('InvalidRequestError: an unknown parameter and a bad nested query parameter', async () => {
    const unknown = await rejectsWith(client.customers.create({ colour: 'red' }), InvalidRequestError);
    assert.equal(unknown.code, 'parameter_unknown');
    assert.equal(unknown.param, 'colour');
    const badDate = await rejectsWith(client.customers.list({ created: { gte: 'yesterday' } }), InvalidRequestError);
    assert.equal(badDate.param, 'created[gte]');
    const badLimit = await rejectsWith(client.customers.list({ limit: 1000 }), InvalidRequestError);
    assert.equal(badLimit.param, 'limit');
  });

  test('AuthenticationError: a bad key is 401 (and the key is not in the error)', async () => {
    const key = `sk_test_${randomUUID().replaceAll('-', '')}`;
    const bad = new ShikaCreators(key, { baseUrl: BASE_URL, maxNetworkRetries: 0 });
    const error = await rejectsWith(bad.customers.list(), AuthenticationError);
    assertShikaError(error, AuthenticationError, {
      type: 'authentication_error',
      code: error.code,
      param: undefined,
      statusCode: 401,
    });
    assert.match(error.requestId, REQUEST_ID);
    const { inspect } = await import('node:util');
    assert.ok(!inspect(error, { depth: 10 }).includes(key));
    assert.ok(!JSON.stringify(error.raw).includes(key));
  });

  test('the per-request apiKey option overrides the client key', async () => {
    const bad = new ShikaCreators('sk_test_wrong', { baseUrl: BASE_URL, maxNetworkRetries: 0 });
    await rejectsWith(bad.customers.list(), AuthenticationError);
    const page = await bad.customers.list({ limit: 1 }, { apiKey: merchant.test_secret_key });
    assert.equal(page.object, 'list');
  });

  test('IdempotencyError: the same Idempotency-Key with another body is 400', async () => {
    const idempotencyKey = `test-${randomUUID()}`;
    const first = await client.customers.create({ email: uniqueEmail() }, { idempotencyKey });
    const replay = await client.customers.create({ email: first.email }, { idempotencyKey });
    assert.equal(replay.id, first.id);
    assert.equal(replay.lastResponse.headers['idempotent-replayed'], 'true');
    const error = await rejectsWith(client.customers.create({ email: uniqueEmail() }, { idempotencyKey }), IdempotencyError);
    assertShikaError(error, IdempotencyError, {
      type: 'idempotency_error',
      code: error.code,
      param: error.param,
      statusCode: 400,
    });
    assert.match(error.requestId, REQUEST_ID);
  });

  test('RateLimitError: exhausting this test\'s own key gives 429 with Retry-After', async () => {
    const { client: limited } = await newClient({ maxNetworkRetries: 0 });
    let error;
    // Burst 200 at 100/s: bounded at 1,000 requests, 50 at a time; stops at the first 429.
    for (let sent = 0; sent < 1000 && !error; sent += 50) {
      const results = await Promise.allSettled(Array.from({ length: 50 }, () => limited.customers.list({ limit: 1 })));
      const rejected = results.find((r) => r.status === 'rejected');
      if (rejected) error = rejected.reason;
    }
    assert.ok(error, 'no 429 within 1,000 requests');
    assertShikaError(error, RateLimitError, {
      type: 'rate_limit_error',
      code: error.code,
      param: undefined,
      statusCode: 429,
    });
    assert.match(error.headers['retry-after'], /^\d+$/);
    assert.match(error.requestId, REQUEST_ID);
  });
});

describe('errors below the API', () => {
  test('APIError: a gateway answering 503 without JSON', async () => {
    const proxy = await startProxy(() => ({ status: 503, headers: { 'content-type': 'text/html' }, body: '<h1>503 Service Unavailable</h1>' }));
    try {
      const c = new ShikaCreators('sk_test_whatever', { baseUrl: proxy.url, maxNetworkRetries: 0 });
      const error = await rejectsWith(c.customers.create({ name: 'x' }), APIError);
      assertShikaError(error, APIError, { type: 'api_error', code: undefined, param: undefined, statusCode: 503 });
      assert.equal(error.requestId, undefined);
      assert.equal(error.raw, '<h1>503 Service Unavailable</h1>');
      assert.equal(proxy.requests.length, 1, 'retries were off');
    } finally {
      await proxy.close();
    }
  });

  test('APIError: a JSON api_error body with a Request-Id keeps both', async () => {
    const proxy = await startProxy(() => ({
      status: 500,
      headers: { 'content-type': 'application/json', 'request-id': 'req_fake500' },
      body: JSON.stringify({ error: { type: 'api_error', message: 'Something went wrong on our side.' } }),
    }));
    try {
      const c = new ShikaCreators('sk_test_whatever', { baseUrl: proxy.url, maxNetworkRetries: 0 });
      const error = await rejectsWith(c.payments.retrieve('pay_x'), APIError);
      assertShikaError(error, APIError, { type: 'api_error', code: undefined, param: undefined, statusCode: 500 });
      assert.equal(error.requestId, 'req_fake500');
      assert.equal(error.message, 'Something went wrong on our side.');
    } finally {
      await proxy.close();
    }
  });

  test('APIConnectionError: nothing listens on the port', async () => {
    const port = await closedPort();
    const c = new ShikaCreators('sk_test_secretvalue', { baseUrl: `http://127.0.0.1:${port}`, maxNetworkRetries: 0 });
    const error = await rejectsWith(c.customers.list(), APIConnectionError);
    assertShikaError(error, APIConnectionError, { type: 'api_connection_error', code: undefined, param: undefined, statusCode: undefined });
    assert.equal(error.requestId, undefined);
    assert.match(error.message, /ECONNREFUSED/);
    assert.ok(!error.message.includes('secretvalue'));
  });
});
