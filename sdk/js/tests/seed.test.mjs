// The seed's own JavaScript snippets (tests/fixtures/seed-snippets.txt, copied verbatim from
// shared/seed/customers-api.txt) run as written, each in its own async function with
// `shikacreators` (a client on a fresh merchant) in scope, in the order create, retrieve,
// update, list, payments list, subscriptions list, delete — and their effects checked on the
// server.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, describe, test } from 'node:test';

import ShikaCreators from 'shikacreators';
import { newClient } from './helpers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const PLACEHOLDER = 'cus_abc123def456';

/** The fixture's snippets by name, in file order. */
function readSnippets() {
  const text = readFileSync(path.join(here, 'fixtures', 'seed-snippets.txt'), 'utf8');
  const snippets = new Map();
  let current;
  for (const line of text.split('\n')) {
    const marker = /^\/\/\/\/ snippet: (\S+)/.exec(line);
    if (marker) snippets.set((current = marker[1]), []);
    else if (current) snippets.get(current).push(line);
  }
  for (const [name, lines] of snippets) snippets.set(name, lines.join('\n').replace(/\n+$/, ''));
  return snippets;
}

const snippets = readSnippets();
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;

/**
 * Runs one snippet as written, in an async function whose scope has `shikacreators` and a
 * `console` that records what it logs. The harness adds a `return` of the snippet's `const`
 * after it (to check the value); the snippet itself is untouched except that the seed's
 * placeholder id `cus_abc123def456` is replaced by the id of the customer the create snippet
 * made — the one substitution the seed needs to run against a real server.
 */
async function runSnippet(name, shikacreators, customerId) {
  let code = snippets.get(name);
  assert.ok(code, `no snippet ${name}`);
  if (customerId) code = code.replaceAll(PLACEHOLDER, customerId);
  const declared = /^const (\w+) =/.exec(code)[1];
  const logged = [];
  const console = { log: (...args) => logged.push(args.join(' ')) };
  const fn = new AsyncFunction('shikacreators', 'console', `${code}\nreturn ${declared}`);
  const value = await fn(shikacreators, console);
  return { value, logged };
}

/** The seed, when this checkout has shared/ beside it (CI does; a bare clone may not). */
function findSeed() {
  const candidates = [
    process.env.SHIKA_SEED_FILE,
    path.join(here, '..', '..', '..', '..', 'shared', 'seed', 'customers-api.txt'),
  ];
  return candidates.find((p) => p && existsSync(p));
}

describe('the seed snippets, as written', () => {
  let shikacreators;
  let id; // the customer the create snippet made
  let extra; // the merchant's other customers, older than it

  before(async () => {
    ({ client: shikacreators } = await newClient());
    // Twelve older customers, so the seed's `for await` loop has more than one page (10) to walk.
    extra = [];
    for (let i = 0; i < 12; i++) extra.push((await shikacreators.customers.create({ name: `Older ${i}` })).id);
  });

  test('the fixture holds the seed\'s seven JavaScript snippets', () => {
    assert.deepEqual([...snippets.keys()], ['create', 'retrieve', 'update', 'delete', 'list', 'payments-list', 'subscriptions-list']);
  });

  test('each snippet is verbatim from the seed', (t) => {
    const seedFile = findSeed();
    if (!seedFile) {
      t.skip('shared/seed/customers-api.txt is not beside this checkout');
      return;
    }
    const seed = readFileSync(seedFile, 'utf8');
    for (const [name, code] of snippets) assert.ok(seed.includes(code), `snippet ${name} differs from the seed`);
  });

  test('create', async () => {
    const { value: customer } = await runSnippet('create', shikacreators);
    assert.match(customer.id, /^cus_/);
    id = customer.id;
    const stored = await shikacreators.customers.retrieve(id);
    assert.equal(stored.email, 'customer@example.com');
    assert.equal(stored.name, 'John Doe');
    assert.equal(stored.phone, '0241234567');
    assert.deepEqual(stored.metadata, { user_id: '123' });
  });

  test('retrieve', async () => {
    const { value: customer } = await runSnippet('retrieve', shikacreators, id);
    assert.equal(customer.id, id);
    assert.equal(customer.object, 'customer');
    assert.equal(customer.name, 'John Doe');
  });

  test('update', async () => {
    const { value: customer } = await runSnippet('update', shikacreators, id);
    assert.equal(customer.name, 'Jane Doe');
    assert.deepEqual(customer.metadata, { user_id: '123', vip: 'true' });
    const stored = await shikacreators.customers.retrieve(id);
    assert.equal(stored.name, 'Jane Doe');
    assert.equal(stored.email, 'customer@example.com');
    assert.deepEqual(stored.metadata, { user_id: '123', vip: 'true' });
  });

  test('list: the first page, then the loop over every customer', async () => {
    const { value: customers, logged } = await runSnippet('list', shikacreators, id);
    assert.equal(customers.object, 'list');
    assert.equal(customers.data.length, 10);
    assert.equal(customers.has_more, true);
    assert.equal(customers.data[0].id, id);
    // The loop visited all 13 customers, newest first, across two pages.
    assert.deepEqual(logged, [id, ...[...extra].reverse()]);
  });

  test('payments list (List Customer Payments)', async () => {
    const payment = await shikacreators.payments.create({ amount: 5000, customer: id });
    await shikacreators.payments.create({ amount: 1 }); // not the customer's
    const { value: payments } = await runSnippet('payments-list', shikacreators, id);
    assert.equal(payments.object, 'list');
    assert.deepEqual(payments.data.map((p) => p.id), [payment.id]);
  });

  test('subscriptions list (List Customer Subscriptions)', async () => {
    const subscription = await shikacreators.subscriptions.create({ customer: id, amount: 2000, interval: 'month' });
    await shikacreators.subscriptions.create({ customer: extra[0], amount: 2000, interval: 'month' });
    const { value: subscriptions } = await runSnippet('subscriptions-list', shikacreators, id);
    assert.equal(subscriptions.object, 'list');
    assert.deepEqual(subscriptions.data.map((s) => s.id), [subscription.id]);
  });

  test('delete, last', async () => {
    const { value: deleted } = await runSnippet('delete', shikacreators, id);
    assert.deepEqual({ ...deleted }, { id, object: 'customer', deleted: true });
    await assert.rejects(shikacreators.customers.retrieve(id), ShikaCreators.InvalidRequestError);
  });
});
