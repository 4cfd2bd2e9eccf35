// Pagination across many pages: `await list()` is the first page, `for await` over it walks
// every object exactly once in the API's order, forward with starting_after and backward with
// ending_before, fetching a page only when the loop reaches it. `search()` the same way, paging
// by each answer's `next_page`.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import ShikaCreators, { ListPromise, PagePromise, SearchPromise } from 'shikacreators';
import { BASE_URL, createMerchant, startProxy } from './helpers.mjs';

describe('pagination over 7 customers, 2 per page', () => {
  let proxy;
  let client;
  let ids; // newest first, as the API lists them

  before(async () => {
    // Through a forwarding proxy, to count the requests each walk makes.
    proxy = await startProxy(() => 'forward');
    const merchant = await createMerchant();
    client = new ShikaCreators(merchant.test_secret_key, { baseUrl: proxy.url });
    const created = [];
    for (let i = 0; i < 7; i++) created.push(await client.customers.create({ name: `Customer ${i}` }));
    ids = created.map((c) => c.id).reverse();
  });

  const listRequests = () => proxy.requests.filter((r) => r.method === 'GET');
  const after = (n) => proxy.requests.slice(n).filter((r) => r.method === 'GET');

  test('awaiting list() gives the first page object', async () => {
    const page = await client.customers.list({ limit: 2 });
    assert.equal(page.object, 'list');
    assert.equal(page.has_more, true);
    assert.equal(page.url, '/v1/customers');
    assert.deepEqual(page.data.map((c) => c.id), ids.slice(0, 2));
    const last = await client.customers.list({ limit: 2, starting_after: ids[5] });
    assert.equal(last.has_more, false);
    assert.deepEqual(last.data.map((c) => c.id), [ids[6]]);
  });

  test('list() is a lazy Promise: no request until awaited or iterated', async () => {
    const seen = listRequests().length;
    const pending = client.customers.list({ limit: 2 });
    assert.ok(pending instanceof Promise);
    assert.ok(pending instanceof ListPromise);
    assert.equal(typeof pending[Symbol.asyncIterator], 'function');
    assert.equal(listRequests().length, seen);
    const page = await pending;
    assert.equal(listRequests().length, seen + 1);
    // Awaiting again reuses the same answer.
    assert.equal(await pending, page);
    assert.equal(listRequests().length, seen + 1);
  });

  test('for await walks forward over every object once, in order, 4 pages', async () => {
    const seen = proxy.requests.length;
    const walked = [];
    for await (const c of client.customers.list({ limit: 2 })) walked.push(c.id);
    assert.deepEqual(walked, ids);
    const urls = after(seen).map((r) => new URL(r.url, 'http://x').searchParams);
    assert.equal(urls.length, 4);
    assert.equal(urls[0].get('starting_after'), null);
    assert.deepEqual(urls.slice(1).map((q) => q.get('starting_after')), [ids[1], ids[3], ids[5]]);
    assert.ok(urls.every((q) => q.get('limit') === '2'));
  });

  test('walking with ending_before goes to newer objects, page by page as the API orders them', async () => {
    const seen = proxy.requests.length;
    const walked = [];
    for await (const c of client.customers.list({ limit: 2, ending_before: ids[6] })) walked.push(c.id);
    // Pages: [ids4, ids5], then [ids2, ids3], then [ids0, ids1] — each newest first.
    assert.deepEqual(walked, [ids[4], ids[5], ids[2], ids[3], ids[0], ids[1]]);
    assert.deepEqual(new Set(walked), new Set(ids.slice(0, 6)));
    const queries = after(seen).map((r) => new URL(r.url, 'http://x').searchParams);
    assert.equal(queries.length, 3);
    assert.deepEqual(queries.map((q) => q.get('ending_before')), [ids[6], ids[4], ids[2]]);
    assert.ok(queries.every((q) => q.get('starting_after') === null));
  });

  test('a page is itself iterable from that page on', async () => {
    const page = await client.customers.list({ limit: 3, starting_after: ids[0] });
    assert.deepEqual(page.data.map((c) => c.id), ids.slice(1, 4));
    const walked = [];
    for await (const c of page) walked.push(c.id);
    assert.deepEqual(walked, ids.slice(1));
  });

  test('breaking out early fetches no further page', async () => {
    const seen = proxy.requests.length;
    const walked = [];
    for await (const c of client.customers.list({ limit: 2 })) {
      walked.push(c.id);
      if (walked.length === 3) break;
    }
    assert.deepEqual(walked, ids.slice(0, 3));
    assert.equal(after(seen).length, 2);
  });

  test('autoPagingToArray stops at its limit', async () => {
    assert.deepEqual((await client.customers.list({ limit: 2 }).autoPagingToArray({ limit: 5 })).map((c) => c.id), ids.slice(0, 5));
    assert.deepEqual((await client.customers.list({ limit: 3 }).autoPagingToArray({ limit: 100 })).map((c) => c.id), ids);
  });

  test('filters are kept on every page', async () => {
    const seen = proxy.requests.length;
    const walked = [];
    for await (const c of client.customers.list({ limit: 1, created: { gte: '2000-01-01T00:00:00Z' } })) walked.push(c.id);
    assert.deepEqual(walked, ids);
    const queries = after(seen).map((r) => new URL(r.url, 'http://x').searchParams);
    assert.equal(queries.length, 7);
    assert.ok(queries.every((q) => q.get('created[gte]') === '2000-01-01T00:00:00Z'));
  });

  test('an error on a later page reaches the loop, after the first page\'s objects', async () => {
    // Requests 1 and 2 are the creates, 3 the first page; the proxy fails the second page (4).
    const failing = await startProxy((r) =>
      r.n === 4
        ? { status: 400, headers: { 'content-type': 'application/json' }, body: '{"error":{"type":"invalid_request_error","message":"boom"}}' }
        : 'forward',
    );
    try {
      const other = new ShikaCreators((await createMerchant()).test_secret_key, { baseUrl: failing.url });
      const first = await other.customers.create();
      await other.customers.create();
      const walked = [];
      const error = await assert.rejects(async () => {
        for await (const c of other.customers.list({ limit: 1 })) walked.push(c.id);
      }, ShikaCreators.InvalidRequestError);
      assert.equal(error, undefined);
      assert.equal(walked.length, 1);
      assert.notEqual(walked[0], first.id);
      assert.equal(failing.requests.length, 4);
    } finally {
      await failing.close();
    }
  });

  test('close the proxy', async () => {
    await proxy.close();
  });
});

describe('search pagination over 5 matches (and 2 others), 2 per page', () => {
  let proxy;
  let client;
  let ids; // the matches, newest first, as the API answers them
  const QUERY = 'name~"kwame"';

  before(async () => {
    proxy = await startProxy(() => 'forward');
    const merchant = await createMerchant();
    client = new ShikaCreators(merchant.test_secret_key, { baseUrl: proxy.url });
    const created = [];
    for (let i = 0; i < 7; i++) {
      // Customers 1 and 4 do not match.
      const name = i === 1 || i === 4 ? `Ama ${i}` : `Kwame ${i}`;
      const c = await client.customers.create({ name });
      if (name.startsWith('Kwame')) created.push(c.id);
    }
    ids = created.reverse();
    assert.equal(ids.length, 5);
  });

  const searches = (from) =>
    proxy.requests
      .slice(from)
      .filter((r) => r.method === 'GET')
      .map((r) => {
        const url = new URL(r.url, 'http://x');
        assert.equal(url.pathname, '/v1/customers/search');
        return url.searchParams;
      });

  test('awaiting search() gives the first page, with next_page', async () => {
    const page = await client.customers.search({ query: QUERY, limit: 2 });
    assert.equal(page.object, 'search_result');
    assert.equal(page.has_more, true);
    assert.match(page.next_page, /^pg_/);
    assert.deepEqual(page.data.map((c) => c.id), ids.slice(0, 2));
    // By hand: the next page is `page` = next_page.
    const second = await client.customers.search({ query: QUERY, limit: 2, page: page.next_page });
    assert.deepEqual(second.data.map((c) => c.id), ids.slice(2, 4));
    const third = await client.customers.search({ query: QUERY, limit: 2, page: second.next_page });
    assert.deepEqual(third.data.map((c) => c.id), ids.slice(4));
    assert.equal(third.has_more, false);
    assert.equal(third.next_page, null);
  });

  test('search() is a lazy Promise: no request until awaited or iterated', async () => {
    const seen = proxy.requests.length;
    const pending = client.customers.search({ query: QUERY, limit: 2 });
    assert.ok(pending instanceof Promise);
    assert.ok(pending instanceof SearchPromise);
    assert.ok(pending instanceof PagePromise);
    assert.ok(!(pending instanceof ListPromise));
    assert.equal(typeof pending[Symbol.asyncIterator], 'function');
    assert.equal(proxy.requests.length, seen);
    const page = await pending;
    assert.equal(proxy.requests.length, seen + 1);
    assert.equal(await pending, page);
    assert.equal(proxy.requests.length, seen + 1);
  });

  test('for await walks every match once, newest first: 3 pages, each asked for by next_page', async () => {
    const seen = proxy.requests.length;
    const walked = [];
    const pages = [];
    for await (const c of client.customers.search({ query: QUERY, limit: 2 })) {
      walked.push(c.id);
      // Lazily: a page is asked for only once the loop has used up the one before.
      pages.push(searches(seen).length);
    }
    assert.deepEqual(walked, ids);
    assert.deepEqual(pages, [1, 1, 2, 2, 3]);
    const queries = searches(seen);
    assert.equal(queries.length, 3);
    assert.ok(queries.every((q) => q.get('query') === QUERY && q.get('limit') === '2'));
    assert.ok(queries.every((q) => q.get('starting_after') === null && q.get('ending_before') === null));
    assert.equal(queries[0].get('page'), null);
    // Each later page is asked for with the `next_page` of the answer before it.
    const tokens = queries.slice(1).map((q) => q.get('page'));
    assert.ok(tokens.every((t) => /^pg_/.test(t)), tokens.join());
    assert.notEqual(tokens[0], tokens[1]);
  });

  test('breaking out early fetches no further page; autoPagingToArray stops at its limit', async () => {
    let seen = proxy.requests.length;
    const walked = [];
    for await (const c of client.customers.search({ query: QUERY, limit: 2 })) {
      walked.push(c.id);
      if (walked.length === 2) break;
    }
    assert.deepEqual(walked, ids.slice(0, 2));
    assert.equal(searches(seen).length, 1);
    seen = proxy.requests.length;
    const three = await client.customers.search({ query: QUERY, limit: 2 }).autoPagingToArray({ limit: 3 });
    assert.deepEqual(three.map((c) => c.id), ids.slice(0, 3));
    assert.equal(searches(seen).length, 2);
    const all = await client.customers.search({ query: QUERY, limit: 100 }).autoPagingToArray({ limit: 100 });
    assert.deepEqual(all.map((c) => c.id), ids);
  });

  test('an awaited search page is itself iterable from that page on', async () => {
    const first = await client.customers.search({ query: QUERY, limit: 2 });
    const second = await client.customers.search({ query: QUERY, limit: 2, page: first.next_page });
    const walked = [];
    for await (const c of second) walked.push(c.id);
    assert.deepEqual(walked, ids.slice(2));
    const again = [];
    for await (const c of first) again.push(c.id);
    assert.deepEqual(again, ids);
  });

  test('an error on a later search page reaches the loop, after the first page\'s matches', async () => {
    const failing = await startProxy((r) =>
      r.method === 'GET' && new URL(r.url, 'http://x').searchParams.has('page')
        ? { status: 400, headers: { 'content-type': 'application/json' }, body: '{"error":{"type":"invalid_request_error","param":"page","message":"boom"}}' }
        : 'forward',
    );
    try {
      const other = new ShikaCreators((await createMerchant()).test_secret_key, { baseUrl: failing.url });
      await other.customers.create({ name: 'Kwame A' });
      await other.customers.create({ name: 'Kwame B' });
      const walked = [];
      await assert.rejects(async () => {
        for await (const c of other.customers.search({ query: QUERY, limit: 1 })) walked.push(c.id);
      }, (e) => e instanceof ShikaCreators.InvalidRequestError && e.param === 'page');
      assert.equal(walked.length, 1);
    } finally {
      await failing.close();
    }
  });

  test('close the proxy', async () => {
    await proxy.close();
  });
});

test('a list that is never awaited nor iterated sends nothing and leaves no unhandled rejection', async () => {
  const c = new ShikaCreators('sk_test_nope', { baseUrl: BASE_URL, maxNetworkRetries: 0 });
  let unhandled = 0;
  const onUnhandled = () => unhandled++;
  process.on('unhandledRejection', onUnhandled);
  try {
    // Iterated only: the error reaches the loop, the Promise side never rejects unobserved.
    await assert.rejects(async () => {
      for await (const _ of c.customers.list()) assert.fail('no objects expected');
    }, ShikaCreators.AuthenticationError);
    c.customers.list();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  assert.equal(unhandled, 0);
});
