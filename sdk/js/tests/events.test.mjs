// Events and webhook endpoints against the real server: every webhookEndpoints method (create,
// retrieve, list, update, disable, rollSecret, delete), events.list (with the `type` filter) and
// events.retrieve after changes to a customer, and a real delivery end to end — a receiver on
// 127.0.0.1 gets the POST, which webhooks.constructEvent and the standardwebhooks package both
// verify, before and after a secret roll. (The server must run with SHIKA_WEBHOOK_ALLOW_PRIVATE=1
// to deliver to 127.0.0.1.)

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import ShikaCreators, { InvalidRequestError, webhooks } from 'shikacreators';
import { Webhook } from 'standardwebhooks';
import { closedPort, newClient, rejectsWith, startWebhookReceiver, uniqueEmail } from './helpers.mjs';

/** A generous bound on how long a delivery may take: the wait ends as soon as it arrives. */
const DELIVERY_TIMEOUT_MS = 20_000;

const ENDPOINT_KEYS = ['created_at', 'description', 'enabled_events', 'id', 'metadata', 'object', 'status', 'updated_at', 'url'];

/** The key a `whsec_…` secret stands for. */
const keyOf = (secret) => Buffer.from(secret.slice('whsec_'.length), 'base64');

function assertPrivateDeliveriesAllowed() {
  assert.equal(
    process.env.SHIKA_WEBHOOK_ALLOW_PRIVATE,
    '1',
    'run with SHIKA_WEBHOOK_ALLOW_PRIVATE=1 (the server delivers to 127.0.0.1 only then)',
  );
}

describe('webhookEndpoints', () => {
  let client;
  let url;
  before(async () => {
    assertPrivateDeliveriesAllowed();
    // No customer changes happen on this merchant, so nothing is ever delivered here.
    ({ client } = await newClient());
    url = `http://127.0.0.1:${await closedPort()}/hook`;
  });

  test('create answers the endpoint with its secret; retrieve and list never show the secret', async () => {
    const created = await client.webhookEndpoints.create({
      url,
      enabled_events: ['customer.*', 'payment.created'],
      description: 'Orders sync',
      metadata: { team: 'ops' },
    });
    assert.match(created.id, /^we_/);
    assert.equal(created.object, 'webhook_endpoint');
    assert.equal(created.url, url);
    assert.deepEqual(created.enabled_events, ['customer.*', 'payment.created']);
    assert.equal(created.description, 'Orders sync');
    assert.equal(created.status, 'enabled');
    assert.deepEqual(created.metadata, { team: 'ops' });
    assert.match(created.created_at, /Z$/);
    assert.match(created.updated_at, /Z$/);
    assert.match(created.secret, /^whsec_[A-Za-z0-9+/]+={0,2}$/);
    assert.ok(keyOf(created.secret).length >= 24, 'at least 24 random bytes');
    assert.equal(created.lastResponse.statusCode, 200);
    assert.match(created.lastResponse.idempotencyKey, /^[0-9a-f-]{36}$/);

    const retrieved = await client.webhookEndpoints.retrieve(created.id);
    assert.deepEqual(Object.keys(retrieved).sort(), ENDPOINT_KEYS);
    const { secret: _, ...withoutSecret } = created;
    assert.deepEqual({ ...retrieved }, withoutSecret);

    const page = await client.webhookEndpoints.list();
    assert.equal(page.object, 'list');
    assert.equal(page.url, '/v1/webhook_endpoints');
    assert.deepEqual({ ...page.data.find((e) => e.id === created.id) }, withoutSecret);
    assert.ok(page.data.every((e) => !('secret' in e)));

    const minimal = await client.webhookEndpoints.create({ url, enabled_events: ['*'] });
    assert.equal(minimal.description, null);
    assert.deepEqual(minimal.metadata, {});
  });

  test('update changes what is sent; disabled: true and false switch the status', async () => {
    const endpoint = await client.webhookEndpoints.create({ url, enabled_events: ['customer.created'], metadata: { a: '1' } });
    const updated = await client.webhookEndpoints.update(endpoint.id, {
      enabled_events: ['customer.created', 'subscription.canceled'],
      description: 'Now described',
      metadata: { b: '2' },
    });
    assert.equal(updated.id, endpoint.id);
    assert.equal(updated.url, url);
    assert.deepEqual(updated.enabled_events, ['customer.created', 'subscription.canceled']);
    assert.equal(updated.description, 'Now described');
    assert.deepEqual(updated.metadata, { a: '1', b: '2' });
    assert.equal(updated.secret, undefined);
    assert.ok(updated.updated_at >= endpoint.updated_at);

    const other = `http://127.0.0.1:${await closedPort()}/other`;
    assert.equal((await client.webhookEndpoints.update(endpoint.id, { url: other })).url, other);

    const disabled = await client.webhookEndpoints.update(endpoint.id, { disabled: true });
    assert.equal(disabled.status, 'disabled');
    assert.equal((await client.webhookEndpoints.retrieve(endpoint.id)).status, 'disabled');
    const enabled = await client.webhookEndpoints.update(endpoint.id, { disabled: false });
    assert.equal(enabled.status, 'enabled');
  });

  test('rollSecret answers the endpoint with a new secret; it takes only the id and options', async () => {
    const endpoint = await client.webhookEndpoints.create({ url, enabled_events: ['*'] });
    const rolled = await client.webhookEndpoints.rollSecret(endpoint.id);
    assert.equal(rolled.id, endpoint.id);
    assert.equal(rolled.object, 'webhook_endpoint');
    assert.match(rolled.secret, /^whsec_/);
    assert.notEqual(rolled.secret, endpoint.secret);
    assert.ok(keyOf(rolled.secret).length >= 24);
    assert.deepEqual(rolled.enabled_events, endpoint.enabled_events);
    assert.equal((await client.webhookEndpoints.retrieve(endpoint.id)).secret, undefined);

    // The options argument comes right after the id; the same Idempotency-Key replays the answer.
    const again = await client.webhookEndpoints.rollSecret(endpoint.id, { idempotencyKey: `roll-${endpoint.id}` });
    assert.equal(again.lastResponse.idempotencyKey, `roll-${endpoint.id}`);
    const replay = await client.webhookEndpoints.rollSecret(endpoint.id, { idempotencyKey: `roll-${endpoint.id}` });
    assert.equal(replay.secret, again.secret);
    assert.notEqual(again.secret, rolled.secret);
  });

  test('delete answers {id, object, deleted: true}; the endpoint is gone', async () => {
    const endpoint = await client.webhookEndpoints.create({ url, enabled_events: ['*'] });
    const deleted = await client.webhookEndpoints.delete(endpoint.id);
    assert.deepEqual({ ...deleted }, { id: endpoint.id, object: 'webhook_endpoint', deleted: true });
    const error = await rejectsWith(client.webhookEndpoints.retrieve(endpoint.id), InvalidRequestError);
    assert.equal(error.statusCode, 404);
    assert.equal(error.code, 'resource_missing');
    assert.ok(!(await client.webhookEndpoints.list({ limit: 100 })).data.some((e) => e.id === endpoint.id));
  });

  test('list walks every endpoint across pages, both ways', async () => {
    const { client: own } = await newClient();
    const made = [];
    for (let i = 0; i < 3; i++) made.push((await own.webhookEndpoints.create({ url, enabled_events: ['*'] })).id);
    const newestFirst = [...made].reverse();
    const walked = [];
    for await (const e of own.webhookEndpoints.list({ limit: 1 })) walked.push(e.id);
    assert.deepEqual(walked, newestFirst);
    const back = [];
    for await (const e of own.webhookEndpoints.list({ limit: 1, ending_before: made[0] })) back.push(e.id);
    // Towards newer objects: the one just newer than the first, then the next.
    assert.deepEqual(back, [made[1], made[2]]);
  });

  test('a bad url or enabled_events is an InvalidRequestError naming it', async () => {
    const { client: strict } = await newClient({ maxNetworkRetries: 0 });
    const badEvents = await rejectsWith(strict.webhookEndpoints.create({ url, enabled_events: ['customer.nope'] }), InvalidRequestError);
    assert.equal(badEvents.param, 'enabled_events');
    const noEvents = await rejectsWith(strict.webhookEndpoints.create({ url, enabled_events: [] }), InvalidRequestError);
    assert.equal(noEvents.param, 'enabled_events');
    const badUrl = await rejectsWith(strict.webhookEndpoints.create({ url: 'ftp://127.0.0.1/hook', enabled_events: ['*'] }), InvalidRequestError);
    assert.equal(badUrl.param, 'url');
  });
});

describe('events', () => {
  let client;
  let customer;
  let updated;
  before(async () => {
    ({ client } = await newClient());
    customer = await client.customers.create({ email: uniqueEmail(), name: 'John Doe', metadata: { vip: 'no' } });
    updated = await client.customers.update(customer.id, { name: 'Ama Mensah', metadata: { tier: 'gold' } });
    await client.payments.create({ amount: 1000, customer: customer.id });
  });

  test('list with type customer.* gives the customer\'s events, newest first, as the API returned the customer', async () => {
    const page = await client.events.list({ type: 'customer.*' });
    assert.equal(page.object, 'list');
    assert.equal(page.url, '/v1/events');
    assert.deepEqual(page.data.map((e) => e.type), ['customer.updated', 'customer.created']);
    const [update, create] = page.data;
    for (const event of page.data) {
      assert.match(event.id, /^evt_/);
      assert.equal(event.object, 'event');
      assert.equal(event.livemode, false);
      assert.match(event.created_at, /Z$/);
    }
    assert.deepEqual(create.data.object, { ...customer });
    assert.equal(create.data.previous_attributes, undefined);
    assert.deepEqual(update.data.object, { ...updated });
    // Every top-level field that changed, updated_at too; of metadata only the new key, as null.
    assert.deepEqual(update.data.previous_attributes, {
      name: 'John Doe',
      metadata: { tier: null },
      updated_at: customer.updated_at,
    });
    assert.ok(update.created_at >= create.created_at);
  });

  test('list without a filter, by exact type, by created, and walking page by page', async () => {
    const all = await client.events.list();
    assert.deepEqual(all.data.map((e) => e.type), ['payment.created', 'customer.updated', 'customer.created']);
    assert.deepEqual((await client.events.list({ type: 'customer.created' })).data.map((e) => e.type), ['customer.created']);
    assert.deepEqual((await client.events.list({ type: 'payment.*' })).data.map((e) => e.type), ['payment.created']);
    assert.deepEqual((await client.events.list({ type: 'subscription.*' })).data, []);
    const since = await client.events.list({ created: { gte: all.data[1].created_at } });
    assert.deepEqual(since.data.map((e) => e.id), all.data.slice(0, 2).map((e) => e.id));
    const walked = [];
    for await (const e of client.events.list({ limit: 1 })) walked.push(e.id);
    assert.deepEqual(walked, all.data.map((e) => e.id));
  });

  test('retrieve gives the event as listed; an unknown id is 404; a bad type filter names `type`', async () => {
    const [latest] = (await client.events.list({ limit: 1 })).data;
    assert.deepEqual({ ...(await client.events.retrieve(latest.id)) }, latest);
    const missing = await rejectsWith(client.events.retrieve('evt_doesnotexist000'), InvalidRequestError);
    assert.equal(missing.statusCode, 404);
    const badType = await rejectsWith(client.events.list({ type: 'customer' }), InvalidRequestError);
    assert.equal(badType.param, 'type');
  });
});

describe('webhook delivery, end to end', () => {
  let client;
  let receiver;
  before(async () => {
    assertPrivateDeliveriesAllowed();
    ({ client } = await newClient());
    receiver = await startWebhookReceiver();
  });
  after(async () => {
    await receiver?.close();
  });

  test('a customer.created event is POSTed signed; both verifiers accept it; a rolled secret signs with both', async () => {
    const endpoint = await client.webhookEndpoints.create({ url: `${receiver.url}/hook`, enabled_events: ['customer.created'] });
    // Not delivered to this endpoint: not among its enabled_events.
    await client.payments.create({ amount: 100 });
    const customer = await client.customers.create({ email: uniqueEmail(), name: 'Kofi Annan' });

    const delivery = await receiver.next(DELIVERY_TIMEOUT_MS);
    assert.equal(delivery.method, 'POST');
    assert.equal(delivery.url, '/hook');
    assert.match(delivery.headers['content-type'], /^application\/json/);
    assert.ok(Buffer.isBuffer(delivery.body));

    const event = webhooks.constructEvent(delivery.body, delivery.headers, endpoint.secret);
    assert.equal(event.type, 'customer.created');
    assert.equal(event.object, 'event');
    assert.equal(event.data.object.id, customer.id);
    assert.deepEqual(event.data.object, { ...customer });
    assert.equal(delivery.headers['webhook-id'], event.id);
    assert.ok(Math.abs(Number(delivery.headers['webhook-timestamp']) - Date.now() / 1000) < 60);
    // The same with the raw body as a string, via the class (no key needed), and the other library.
    assert.deepEqual(ShikaCreators.webhooks.constructEvent(delivery.body.toString('utf8'), delivery.headers, endpoint.secret), event);
    assert.deepEqual(new Webhook(endpoint.secret).verify(delivery.body, delivery.headers), event);
    assert.deepEqual({ ...(await client.events.retrieve(event.id)) }, event);
    // Another endpoint's secret does not verify it.
    const { secret: otherSecret } = await client.webhookEndpoints.create({ url: `http://127.0.0.1:${await closedPort()}/x`, enabled_events: ['payment.created'] });
    assert.throws(() => webhooks.constructEvent(delivery.body, delivery.headers, otherSecret), ShikaCreators.SignatureVerificationError);

    // After a roll, deliveries carry a signature by the new secret and one by the old.
    const { secret: rolled } = await client.webhookEndpoints.rollSecret(endpoint.id);
    const second = await client.customers.create({ email: uniqueEmail() });
    // Deliveries are at least once: a repeat of the first may come before.
    let next;
    do next = await receiver.next(DELIVERY_TIMEOUT_MS);
    while (next.headers['webhook-id'] === event.id);
    const signatures = next.headers['webhook-signature'].split(' ');
    assert.equal(signatures.length, 2, next.headers['webhook-signature']);
    assert.ok(signatures.every((s) => s.startsWith('v1,')));
    for (const secret of [rolled, endpoint.secret]) {
      const verified = webhooks.constructEvent(next.body, next.headers, secret);
      assert.equal(verified.data.object.id, second.id);
      assert.deepEqual(new Webhook(secret).verify(next.body, next.headers), verified);
    }
  });
});
