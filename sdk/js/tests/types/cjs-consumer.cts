// Type-checked (never run) by tests/package.test.mjs against the installed tarball, as a
// CommonJS consumer: `require('shikacreators')` is the class, errors are its static properties
// and the types live in its namespace.

import ShikaCreators = require('shikacreators');

export async function use(): Promise<void> {
  const shikacreators = new ShikaCreators('sk_test_x', { timeout: 1000 });
  const customer: ShikaCreators.Customer = await shikacreators.customers.retrieve('cus_x');
  const params: ShikaCreators.PaymentCreateParams = { amount: 5 };
  const payment: ShikaCreators.Payment = await shikacreators.payments.create(params);
  const page: ShikaCreators.ListPage<ShikaCreators.Subscription> = await shikacreators.subscriptions.list();
  const searchParams: ShikaCreators.CustomerSearchParams = { query: 'name~"kwame"' };
  const found: ShikaCreators.SearchPage<ShikaCreators.Customer> = await shikacreators.customers.search(searchParams);
  const result: ShikaCreators.CustomerSearchResult = found;
  const endpoint: ShikaCreators.WebhookEndpoint = await shikacreators.webhookEndpoints.retrieve('we_x');
  const events: ShikaCreators.ListPage<ShikaCreators.Event> = await shikacreators.events.list({ type: 'customer.*' });
  const event: ShikaCreators.Event = ShikaCreators.webhooks.constructEvent('{}', { 'webhook-id': 'evt_x' }, 'whsec_x');
  // @ts-expect-error: amount is required
  const bad: ShikaCreators.PaymentCreateParams = {};
  try {
    await shikacreators.customers.delete(customer.id);
  } catch (e) {
    if (e instanceof ShikaCreators.AuthenticationError) {
      const error: ShikaCreators.ShikaError = e;
      void error.statusCode;
    }
    if (e instanceof ShikaCreators.SignatureVerificationError) void e.message;
  }
  void [payment, page, found, result, bad, endpoint, events, event, ShikaCreators.VERSION];
}
