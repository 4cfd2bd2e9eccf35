// Type-checked (never run) by tests/package.test.mjs against the installed tarball, as an ES
// module consumer: the default import is the class, the types come from the OpenAPI document,
// and wrong calls do not compile (each @ts-expect-error fails the check if the error vanishes).

import ShikaCreators, {
  InvalidRequestError,
  ShikaError,
  SignatureVerificationError,
  webhooks,
  type Customer,
  type CustomerCreateParams,
  type CustomerListParams,
  type CustomerSearchParams,
  type DeletedCustomer,
  type DeletedWebhookEndpoint,
  type Event,
  type EventListParams,
  type ListPage,
  type Payment,
  type SearchPage,
  type SearchPromise,
  type Subscription,
  type WebhookEndpoint,
  type WebhookEndpointCreateParams,
} from 'shikacreators';

export async function use(): Promise<void> {
  const shikacreators = new ShikaCreators('sk_test_x', { baseUrl: 'http://127.0.0.1:3000', maxNetworkRetries: 1, timeout: 5000 });

  const params: CustomerCreateParams = { email: 'a@example.com', name: 'A', metadata: { k: 'v' } };
  const created = await shikacreators.customers.create(params, { idempotencyKey: 'k' });
  const customer: Customer = created;
  const id: string = customer.id;
  const email: string | null | undefined = customer.email;
  const requestId: string | undefined = created.lastResponse.requestId;
  const updated: Customer = await shikacreators.customers.update(id, { name: null, metadata: { k: null } });
  const deleted: DeletedCustomer = await shikacreators.customers.delete(updated.id);
  const flag: boolean = deleted.deleted;

  const query: CustomerListParams = { limit: 10, email: 'a@example.com', created: { gte: '2024-01-01T00:00:00Z', lte: new Date() } };
  const page: ListPage<Customer> = await shikacreators.customers.list(query);
  const more: boolean = page.has_more;
  const filtered: ListPage<Customer> = await shikacreators.customers.list({ phone: '024 123 4567', metadata: { order_id: '42' } });
  const search: CustomerSearchParams = { query: 'name~"kwame" AND metadata["tier"]:"gold"', limit: 2 };
  const pending: SearchPromise<Customer> = shikacreators.customers.search(search);
  const found: SearchPage<Customer> = await pending;
  const nextPage: string | null = found.next_page;
  const searchMore: boolean = found.has_more;
  for await (const c of shikacreators.customers.search({ query: 'phone:"0241234567"' })) void (c.id satisfies string);
  const matches: Customer[] = await shikacreators.customers.search({ query: 'email~"example"' }).autoPagingToArray({ limit: 50 });
  for await (const c of shikacreators.customers.list()) {
    const cid: string = c.id;
    void cid;
  }
  const payments = await shikacreators.customers.listPayments(id, { limit: 2 });
  const firstPayment: Payment | undefined = payments.data[0];
  const payment: Payment = await shikacreators.payments.create({ amount: 100, currency: 'GHS', customer: id });
  const amount: number = payment.amount;
  for await (const p of shikacreators.payments.list({ customer: id })) void (p.amount satisfies number);
  const sub: Subscription = await shikacreators.subscriptions.create({ customer: id, amount: 1, interval: 'month' });
  const canceled: Subscription = await shikacreators.subscriptions.cancel(sub.id);
  await shikacreators.subscriptions.list({ status: 'canceled', customer: id });
  await shikacreators.customers.listSubscriptions(id);

  const endpointParams: WebhookEndpointCreateParams = { url: 'https://example.com/hook', enabled_events: ['customer.*'], description: 'Sync' };
  const endpoint: WebhookEndpoint = await shikacreators.webhookEndpoints.create(endpointParams);
  const secret: string | null | undefined = endpoint.secret;
  const disabled: WebhookEndpoint = await shikacreators.webhookEndpoints.update(endpoint.id, { disabled: true, enabled_events: ['*'] });
  const status: 'enabled' | 'disabled' = disabled.status;
  const rolled: WebhookEndpoint = await shikacreators.webhookEndpoints.rollSecret(endpoint.id, { idempotencyKey: 'k' });
  const endpoints: ListPage<WebhookEndpoint> = await shikacreators.webhookEndpoints.list({ limit: 3 });
  const gone: DeletedWebhookEndpoint = await shikacreators.webhookEndpoints.delete(endpoint.id);
  const eventQuery: EventListParams = { type: 'customer.*', created: { gte: new Date() }, limit: 5 };
  for await (const e of shikacreators.events.list(eventQuery)) void (e.type satisfies string);
  const event: Event = await shikacreators.events.retrieve('evt_x');
  const delivered: Event = webhooks.constructEvent('{}', { 'webhook-id': 'evt_x', 'set-cookie': ['a'] }, 'whsec_x');
  const fromBytes: Event = shikacreators.webhooks.constructEvent(new Uint8Array(), new Map([['Webhook-Id', 'evt_x']]), 'whsec_x', 600);
  const testHeaders: Record<string, string> = ShikaCreators.webhooks.generateTestHeaders({ payload: '{}', secret: 'whsec_x', timestamp: new Date() });

  // @ts-expect-error: enabled_events is required
  await shikacreators.webhookEndpoints.create({ url: 'https://example.com/hook' });
  // @ts-expect-error: rollSecret takes no parameters, only options
  await shikacreators.webhookEndpoints.rollSecret(endpoint.id, { url: 'https://example.com/other' });
  // @ts-expect-error: events are only read
  await shikacreators.events.create({});
  // @ts-expect-error: the body is the raw request body, not parsed JSON
  webhooks.constructEvent({ id: 'evt_x' }, {}, 'whsec_x');

  // @ts-expect-error: an unknown body parameter
  await shikacreators.customers.create({ colour: 'red' });
  // @ts-expect-error: amount is an integer, not a string
  await shikacreators.payments.create({ amount: '100' });
  // @ts-expect-error: amount is required
  await shikacreators.payments.create({ currency: 'GHS' });
  // @ts-expect-error: not a subscription status
  await shikacreators.subscriptions.list({ status: 'paused' });
  // @ts-expect-error: retrieve needs an id
  await shikacreators.customers.retrieve();
  // @ts-expect-error: search needs its query
  await shikacreators.customers.search();
  // @ts-expect-error: search needs its query, not only a limit
  await shikacreators.customers.search({ limit: 5 });
  // @ts-expect-error: search pages by `page`, not by object cursors
  await shikacreators.customers.search({ query: 'name~"ama"', starting_after: 'cus_x' });
  // A number filters by its digits, as the document allows.
  await shikacreators.customers.list({ metadata: { order_id: 42 } });
  // @ts-expect-error: no such method
  await shikacreators.payments.search({ query: 'amount>1' });
  // @ts-expect-error: interval is one of day, week, month, year
  await shikacreators.subscriptions.create({ customer: id, amount: 1, interval: 'hour' });

  try {
    await shikacreators.customers.retrieve('cus_x');
  } catch (e) {
    if (e instanceof InvalidRequestError) {
      const param: string | undefined = e.param;
      const status: number | undefined = e.statusCode;
      void [param, status];
    }
    if (e instanceof ShikaCreators.RateLimitError) void e.headers['retry-after'];
    if (e instanceof ShikaError) void (e.requestId satisfies string | undefined);
    if (e instanceof SignatureVerificationError) void (e.headers['webhook-id'] satisfies string | undefined);
  }
  void [email, requestId, flag, more, filtered, nextPage, searchMore, matches, firstPayment, amount, canceled];
  void [secret, status, rolled, endpoints, gone, event, delivered, fromBytes, testHeaders];
}
