// Every method of every resource against the real server: customers (create, retrieve, update,
// delete, list with its filters, search, listPayments, listSubscriptions), payments (create,
// retrieve, list by customer), subscriptions (create, retrieve, list by customer and status,
// cancel).

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import ShikaCreators from 'shikacreators';
import { newClient, rejectsWith, startProxy, uniqueEmail, BASE_URL } from './helpers.mjs';

describe('customers', () => {
  let client;
  before(async () => {
    ({ client } = await newClient());
  });

  test('create, then retrieve: plain objects with natural field access', async () => {
    const email = uniqueEmail();
    const created = await client.customers.create({
      email,
      name: 'Ama Mensah',
      phone: '+233241234567',
      metadata: { user_id: '42' },
    });
    assert.match(created.id, /^cus_[A-Za-z0-9]{12,}$/);
    assert.equal(created.object, 'customer');
    assert.equal(created.email, email);
    assert.equal(created.name, 'Ama Mensah');
    assert.equal(created.phone, '+233241234567');
    assert.deepEqual(created.metadata, { user_id: '42' });
    assert.match(created.created_at, /Z$/);
    assert.equal(created['id'], created.id);
    // A plain object: JSON round-trips to the API's own keys, nothing of the SDK's.
    assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(created))).sort(), [
      'created_at', 'email', 'id', 'metadata', 'name', 'object', 'phone', 'updated_at',
    ]);
    assert.equal(created.lastResponse.statusCode, 200);
    assert.match(created.lastResponse.requestId, /^req_/);

    const retrieved = await client.customers.retrieve(created.id);
    assert.deepEqual({ ...retrieved }, { ...created });
  });

  test('create with no params makes an empty customer', async () => {
    const c = await client.customers.create();
    assert.equal(c.email, null);
    assert.equal(c.name, null);
    assert.deepEqual(c.metadata, {});
  });

  test('update changes only what is sent, metadata merges key by key', async () => {
    const c = await client.customers.create({ email: uniqueEmail(), name: 'Before', metadata: { a: '1', b: '2' } });
    const updated = await client.customers.update(c.id, { name: 'After', metadata: { b: null, c: '3' } });
    assert.equal(updated.id, c.id);
    assert.equal(updated.name, 'After');
    assert.equal(updated.email, c.email);
    assert.deepEqual(updated.metadata, { a: '1', c: '3' });
    assert.ok(updated.updated_at >= c.updated_at);
    assert.equal((await client.customers.retrieve(c.id)).name, 'After');
  });

  test('delete answers {id, object, deleted: true}; the customer is gone', async () => {
    const c = await client.customers.create({ email: uniqueEmail() });
    const deleted = await client.customers.delete(c.id);
    assert.deepEqual({ ...deleted }, { id: c.id, object: 'customer', deleted: true });
    assert.equal(deleted.deleted, true);
    const error = await rejectsWith(client.customers.retrieve(c.id), ShikaCreators.InvalidRequestError);
    assert.equal(error.statusCode, 404);
  });

  test('list: the page envelope, the email filter, created filters as nested params', async () => {
    const email = uniqueEmail();
    const a = await client.customers.create({ email });
    const b = await client.customers.create({ email: email.toUpperCase() });
    await client.customers.create({ email: uniqueEmail() });
    const page = await client.customers.list({ email });
    assert.equal(page.object, 'list');
    assert.equal(page.url, '/v1/customers');
    assert.equal(page.has_more, false);
    assert.deepEqual(page.data.map((c) => c.id), [b.id, a.id]);

    const since = await client.customers.list({ email, created: { gte: a.created_at } });
    assert.deepEqual(since.data.map((c) => c.id), [b.id, a.id]);
    const before = await client.customers.list({ email, created: { lt: a.created_at } });
    assert.deepEqual(before.data, []);
    // A Date is sent as ISO 8601.
    const future = await client.customers.list({ email, created: { gte: new Date(Date.now() + 3_600_000) } });
    assert.deepEqual(future.data, []);
  });

  test('list: the phone filter matches however the number is typed', async () => {
    const { client: own } = await newClient();
    const kwame = await own.customers.create({ name: 'Kwame', phone: '024 123 4567' });
    await own.customers.create({ name: 'Ama', phone: '0201112222' });
    await own.customers.create({ name: 'No phone' });
    for (const typed of ['0241234567', '024 123 4567', '+233 24 123 4567', '233241234567']) {
      const page = await own.customers.list({ phone: typed });
      assert.deepEqual(page.data.map((c) => c.id), [kwame.id], typed);
    }
    // The number comes back as it was given.
    assert.equal((await own.customers.list({ phone: '+233241234567' })).data[0].phone, '024 123 4567');
    const error = await rejectsWith(own.customers.list({ phone: 'kofi' }), ShikaCreators.InvalidRequestError);
    assert.equal(error.param, 'phone');
  });

  test('list: metadata filters as a nested param, every key must match, cursors kept', async () => {
    const { client: own } = await newClient();
    const a = await own.customers.create({ email: uniqueEmail(), metadata: { order_id: '42', tier: 'gold' } });
    const b = await own.customers.create({ email: uniqueEmail(), metadata: { order_id: '42' } });
    await own.customers.create({ email: uniqueEmail(), metadata: { order_id: '43' } });
    await own.customers.create({ email: uniqueEmail() });
    assert.deepEqual((await own.customers.list({ metadata: { order_id: '42' } })).data.map((c) => c.id), [b.id, a.id]);
    assert.deepEqual(
      (await own.customers.list({ metadata: { order_id: '42', tier: 'gold' } })).data.map((c) => c.id),
      [a.id],
    );
    assert.deepEqual((await own.customers.list({ metadata: { order_id: '42' }, email: b.email })).data.map((c) => c.id), [b.id]);
    assert.deepEqual((await own.customers.list({ metadata: { order_id: '4' } })).data, []);
    const walked = [];
    for await (const c of own.customers.list({ metadata: { order_id: '42' }, limit: 1 })) walked.push(c.id);
    assert.deepEqual(walked, [b.id, a.id]);
  });

  test('search: by substring, metadata, phone typed differently, email; the envelope', async () => {
    const { client: own } = await newClient();
    const mensah = await own.customers.create({ name: 'Kwame Mensah', phone: '+233241234567', metadata: { tier: 'gold' } });
    const boateng = await own.customers.create({ name: 'Kwame Boateng', metadata: { tier: 'silver' } });
    const nkrumah = await own.customers.create({ name: 'Ama Kwame-Nkrumah', email: uniqueEmail(), metadata: { tier: 'gold' } });
    await own.customers.create({ name: 'Esi Owusu', phone: '0201112222' });

    const page = await own.customers.search({ query: 'name~"kwame"' });
    assert.equal(page.object, 'search_result');
    assert.equal(page.url, '/v1/customers/search');
    assert.equal(page.has_more, false);
    assert.equal(page.next_page, null);
    assert.deepEqual(page.data.map((c) => c.id), [nkrumah.id, boateng.id, mensah.id]);
    assert.equal(page.data[0].object, 'customer');
    assert.equal(page.lastResponse.statusCode, 200);
    assert.match(page.lastResponse.requestId, /^req_/);

    const gold = await own.customers.search({ query: 'name~"kwame" AND metadata["tier"]:"gold"' });
    assert.deepEqual(gold.data.map((c) => c.id), [nkrumah.id, mensah.id]);
    const notGold = await own.customers.search({ query: 'name~"kwame" AND -metadata["tier"]:"gold"' });
    assert.deepEqual(notGold.data.map((c) => c.id), [boateng.id]);
    for (const typed of ['0241234567', '024 123 4567', '+233 24 123 4567']) {
      const found = await own.customers.search({ query: `phone:"${typed}"` });
      assert.deepEqual(found.data.map((c) => c.id), [mensah.id], typed);
    }
    const byEmail = await own.customers.search({ query: `email:"${nkrumah.email.toUpperCase()}"` });
    assert.deepEqual(byEmail.data.map((c) => c.id), [nkrumah.id]);
    const either = await own.customers.search({ query: 'name~"boateng" OR phone:"020 111 2222"' });
    assert.equal(either.data.length, 2);
    assert.deepEqual((await own.customers.search({ query: 'name~"nobody"' })).data, []);

    // An update is found at once.
    await own.customers.update(boateng.id, { name: 'Kofi Boateng' });
    const kofi = [];
    for await (const c of own.customers.search({ query: 'name~"kofi"' })) kofi.push(c.id);
    assert.deepEqual(kofi, [boateng.id]);
  });

  test('search: a query that does not parse is an InvalidRequestError on `query` saying where', async () => {
    const { client: own } = await newClient({ maxNetworkRetries: 0 });
    for (const [query, words] of [
      ['name=kwame', 'expected an operator after name'],
      ['colour:red', "unknown field 'colour'"],
      ['name:"kwame', 'never closed'],
    ]) {
      const error = await rejectsWith(own.customers.search({ query }), ShikaCreators.InvalidRequestError);
      assert.equal(error.statusCode, 400);
      assert.equal(error.type, 'invalid_request_error');
      assert.equal(error.code, 'parameter_invalid');
      assert.equal(error.param, 'query');
      assert.match(error.message, /character/);
      assert.ok(error.message.includes(words), error.message);
      assert.match(error.requestId, /^req_/);
    }
    // Iterating rejects the same way.
    await assert.rejects(async () => {
      for await (const _ of own.customers.search({ query: 'name~ab' })) assert.fail('no match expected');
    }, (e) => e instanceof ShikaCreators.InvalidRequestError && e.param === 'query');
    const missing = await rejectsWith(own.customers.search({}), ShikaCreators.InvalidRequestError);
    assert.deepEqual([missing.code, missing.param], ['parameter_missing', 'query']);
    const badPage = await rejectsWith(own.customers.search({ query: 'name~"kwame"', page: 'nope' }), ShikaCreators.InvalidRequestError);
    assert.deepEqual([badPage.code, badPage.param], ['parameter_invalid', 'page']);
    await assert.rejects(own.customers.search('name~"kwame"'), TypeError);
  });

  test('unknown fields in an answer are kept', async () => {
    const proxy = await startProxy(() => ({ rewrite: (json) => ({ ...json, loyalty_tier: 'gold', nested: { x: 1 } }) }));
    try {
      const { client: viaProxy } = await newClient({ baseUrl: proxy.url });
      const c = await viaProxy.customers.create({ email: uniqueEmail() });
      assert.equal(c.loyalty_tier, 'gold');
      assert.deepEqual(c.nested, { x: 1 });
      assert.equal(c.object, 'customer');
    } finally {
      await proxy.close();
    }
  });

  test('listPayments and listSubscriptions: only that customer\'s, newest first', async () => {
    const c = await client.customers.create({ email: uniqueEmail() });
    const other = await client.customers.create({ email: uniqueEmail() });
    const p1 = await client.payments.create({ amount: 1000, customer: c.id });
    const p2 = await client.payments.create({ amount: 2000, customer: c.id });
    await client.payments.create({ amount: 3000, customer: other.id });
    const s1 = await client.subscriptions.create({ customer: c.id, amount: 500, interval: 'month' });
    await client.subscriptions.create({ customer: other.id, amount: 500, interval: 'month' });

    const payments = await client.customers.listPayments(c.id);
    assert.equal(payments.url, `/v1/customers/${c.id}/payments`);
    assert.deepEqual(payments.data.map((p) => p.id), [p2.id, p1.id]);
    const subscriptions = await client.customers.listSubscriptions(c.id, { limit: 5 });
    assert.deepEqual(subscriptions.data.map((s) => s.id), [s1.id]);

    const all = [];
    for await (const p of client.customers.listPayments(c.id, { limit: 1 })) all.push(p.id);
    assert.deepEqual(all, [p2.id, p1.id]);
  });
});

describe('payments', () => {
  let client;
  before(async () => {
    ({ client } = await newClient());
  });

  test('create, retrieve, list with the customer filter', async () => {
    const customer = await client.customers.create({ email: uniqueEmail() });
    const payment = await client.payments.create({
      amount: 12_345,
      currency: 'ghs',
      customer: customer.id,
      description: 'Order 17',
      metadata: { order: '17' },
    });
    assert.match(payment.id, /^pay_/);
    assert.equal(payment.object, 'payment');
    assert.equal(payment.amount, 12_345);
    assert.equal(payment.currency, 'GHS');
    assert.equal(payment.customer, customer.id);
    assert.equal(payment.status, 'succeeded');
    assert.equal(payment.description, 'Order 17');
    assert.deepEqual(payment.metadata, { order: '17' });

    assert.deepEqual({ ...(await client.payments.retrieve(payment.id)) }, { ...payment });

    const loose = await client.payments.create({ amount: 5 });
    assert.equal(loose.customer, null);
    const filtered = await client.payments.list({ customer: customer.id });
    assert.deepEqual(filtered.data.map((p) => p.id), [payment.id]);
    const everything = await client.payments.list({ limit: 100 });
    assert.deepEqual(everything.data.map((p) => p.id), [loose.id, payment.id]);
  });

  test('a deleted customer\'s payments stay, with customer null', async () => {
    const customer = await client.customers.create();
    const payment = await client.payments.create({ amount: 100, customer: customer.id });
    await client.customers.delete(customer.id);
    assert.equal((await client.payments.retrieve(payment.id)).customer, null);
  });
});

describe('subscriptions', () => {
  let client;
  before(async () => {
    ({ client } = await newClient());
  });

  test('create, retrieve, list by customer and status, cancel', async () => {
    const a = await client.customers.create({ email: uniqueEmail() });
    const b = await client.customers.create({ email: uniqueEmail() });
    const sa = await client.subscriptions.create({ customer: a.id, amount: 2500, interval: 'month', metadata: { plan: 'pro' } });
    const sb = await client.subscriptions.create({ customer: b.id, amount: 900, currency: 'usd', interval: 'week' });
    assert.match(sa.id, /^sub_/);
    assert.equal(sa.object, 'subscription');
    assert.equal(sa.status, 'active');
    assert.equal(sa.interval, 'month');
    assert.equal(sa.currency, 'GHS');
    assert.equal(sa.canceled_at, null);
    assert.equal(sb.currency, 'USD');
    assert.ok(sa.current_period_end > sa.current_period_start);

    assert.deepEqual({ ...(await client.subscriptions.retrieve(sa.id)) }, { ...sa });
    assert.deepEqual((await client.subscriptions.list({ customer: a.id })).data.map((s) => s.id), [sa.id]);

    const canceled = await client.subscriptions.cancel(sb.id);
    assert.equal(canceled.id, sb.id);
    assert.equal(canceled.status, 'canceled');
    assert.match(canceled.canceled_at, /Z$/);
    // Cancelling again answers it unchanged.
    assert.deepEqual({ ...(await client.subscriptions.cancel(sb.id)) }, { ...canceled });

    assert.deepEqual((await client.subscriptions.list({ status: 'canceled' })).data.map((s) => s.id), [sb.id]);
    assert.deepEqual((await client.subscriptions.list({ status: 'active' })).data.map((s) => s.id), [sa.id]);
    assert.deepEqual((await client.subscriptions.list({ customer: b.id, status: 'active' })).data, []);
    assert.deepEqual((await client.subscriptions.list()).data.map((s) => s.id), [sb.id, sa.id]);
  });

  test('deleting a customer cancels its active subscriptions', async () => {
    const c = await client.customers.create();
    const s = await client.subscriptions.create({ customer: c.id, amount: 100, interval: 'day' });
    await client.customers.delete(c.id);
    assert.equal((await client.subscriptions.retrieve(s.id)).status, 'canceled');
  });
});

describe('client', () => {
  test('the base URL comes from the option, else SHIKA_BASE_URL, else 127.0.0.1:3000', () => {
    const saved = process.env.SHIKA_BASE_URL;
    try {
      assert.equal(new ShikaCreators('sk_test_x', { baseUrl: 'http://example.test:1/' }).baseUrl, 'http://example.test:1');
      process.env.SHIKA_BASE_URL = 'http://127.0.0.1:9999';
      assert.equal(new ShikaCreators('sk_test_x').baseUrl, 'http://127.0.0.1:9999');
      delete process.env.SHIKA_BASE_URL;
      assert.equal(new ShikaCreators('sk_test_x').baseUrl, 'http://127.0.0.1:3000');
    } finally {
      process.env.SHIKA_BASE_URL = saved;
    }
    assert.equal(saved, BASE_URL);
  });

  test('the key shows nowhere: inspect, JSON, String', async () => {
    const { inspect } = await import('node:util');
    const key = 'sk_test_supersecret123456';
    const c = new ShikaCreators(key, { baseUrl: BASE_URL });
    for (const text of [inspect(c), inspect(c, { showHidden: true, depth: 5 }), JSON.stringify(c), String(c), inspect(c.customers)]) {
      assert.ok(!text.includes('supersecret'), text);
    }
    assert.match(inspect(c), /baseUrl/);
  });

  test('argument checks fail before any request', async () => {
    const c = new ShikaCreators('sk_test_x', { baseUrl: BASE_URL });
    await assert.rejects(c.customers.retrieve(''), TypeError);
    await assert.rejects(c.customers.update(undefined, {}), TypeError);
    await assert.rejects(c.customers.list('nope'), TypeError);
    assert.throws(() => new ShikaCreators(''), TypeError);
    assert.throws(() => new ShikaCreators('sk_test_x', { timeout: -1 }), TypeError);
  });
});
