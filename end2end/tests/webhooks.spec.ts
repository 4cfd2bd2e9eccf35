import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect, open, logIn, screenshots, createMerchantWithCli, api, withJavaScript } from './fixtures';

/** A receiver on 127.0.0.1 that answers 200 and remembers every delivery's type and id. */
async function receiver(): Promise<{ url: string; types: string[]; close: () => Promise<void> }> {
  const types: string[] = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      types.push(JSON.parse(body).type);
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    types,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

test('an endpoint is added from the dashboard, receives events and is managed on its page', async ({ page, request }) => {
  const merchant = createMerchantWithCli();
  const hook = await receiver();
  await logIn(page, merchant);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).click();
  await expect(page.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();
  await expect(page.getByText('No endpoints yet.')).toBeVisible();

  await page.getByLabel('Endpoint URL').fill(hook.url);
  await page.getByLabel('customer.created').check();
  await page.getByLabel('Description').fill('CRM sync');
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  if (withJavaScript()) {
    // The secret is shown once, right after the endpoint is made.
    await expect(page.getByTestId('new-secret')).toHaveText(/^whsec_/);
  }
  const link = page.getByRole('link', { name: hook.url });
  await expect(link).toBeVisible();
  await expect(page.getByRole('row', { name: /customer\.created/ })).toBeVisible();
  await screenshots(page, 'webhooks');

  // A change reaches the receiver; the endpoint's page lists the delivery.
  await api(request, merchant.testKey).post('/v1/customers', { name: 'Kwame Mensah' });
  await expect.poll(() => hook.types, { timeout: 20_000 }).toContain('customer.created');
  await link.click();
  await expect(page.getByRole('heading', { name: hook.url })).toBeVisible();
  const delivery = page.getByRole('row', { name: /customer\.created/ });
  await expect(delivery).toContainText('succeeded');
  await expect(delivery).toContainText('200');
  // Each attempt is kept: when, what came back, how long it took, the start of the answer.
  await delivery.getByText('Attempts').click();
  await expect(delivery.locator('.attempts li')).toHaveCount(1);
  await expect(delivery.locator('.attempts li')).toContainText('HTTP 200');
  await expect(delivery.locator('.attempts pre')).toHaveText('ok');
  await screenshots(page, 'webhook-endpoint');

  await delivery.getByRole('button', { name: 'Resend' }).click();
  await expect.poll(() => hook.types.filter((type) => type === 'customer.created').length, { timeout: 20_000 }).toBe(2);

  await page.getByRole('button', { name: 'Send test event' }).click();
  await expect.poll(() => hook.types, { timeout: 20_000 }).toContain('webhook_endpoint.test');

  await page.getByRole('button', { name: 'Disable' }).click();
  await expect(page.getByTestId('endpoint-status')).toHaveText('Disabled');
  await page.getByRole('button', { name: 'Enable' }).click();
  await expect(page.getByTestId('endpoint-status')).toHaveText('Enabled');

  if (withJavaScript()) {
    await page.getByRole('button', { name: 'Roll secret' }).click();
    await expect(page.getByTestId('new-secret')).toHaveText(/^whsec_/);
  }

  await page.getByRole('button', { name: 'Delete endpoint' }).click();
  await expect(page).toHaveURL(/\/webhooks$/);
  await expect(page.getByText('No endpoints yet.')).toBeVisible();
  await hook.close();
});

test('a URL that cannot receive webhooks is refused beside the URL field', async ({ page, browserConsole }) => {
  browserConsole.allow(/status of 400 \(Bad Request\)/);
  const merchant = createMerchantWithCli();
  await logIn(page, merchant);
  await open(page, '/webhooks');
  await page.getByLabel('Endpoint URL').fill('ftp://example.com/hook');
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  await expect(page.getByRole('alert')).toContainText('only https:// and http://');
  await expect(page.getByText('No endpoints yet.')).toBeVisible();
});

test("a customer's page shows its activity, each event opening to its JSON", async ({ page, request }) => {
  const merchant = createMerchantWithCli();
  const rest = api(request, merchant.testKey);
  const customer = await rest.post('/v1/customers', { name: 'Ama Owusu' });
  await rest.patch(`/v1/customers/${customer.id}`, { name: 'Ama Mensah' });
  await logIn(page, merchant);

  await open(page, `/customers/${customer.id}`);
  const activity = page.getByRole('region', { name: 'Activity' });
  const entries = activity.getByRole('listitem');
  await expect(entries).toHaveCount(2);
  await expect(entries.first()).toContainText('customer.updated');
  await expect(entries.nth(1)).toContainText('customer.created');
  await entries.first().locator('summary').click();
  await expect(entries.first().locator('pre')).toContainText('"previous_attributes"');
  await expect(entries.first().locator('pre')).toContainText('"Ama Owusu"');
  await screenshots(page, 'customer-activity');
});
