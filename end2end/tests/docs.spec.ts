import { execFileSync } from 'node:child_process';
import { test, expect, open, screenshots, createMerchantWithCli } from './fixtures';

/** Runs a curl command as the page shows it, with the reader's key (and id) put in. */
function runCurl(command: string, key: string, id?: string): { status: number; body: any } {
  let text = command.replaceAll('sk_test_YOUR_KEY', key);
  if (id) text = text.replaceAll('cus_abc123def456', id);
  const out = execFileSync('bash', ['-c', `${text} -sS -w '\\n%{http_code}'`], { encoding: 'utf8' });
  const lines = out.trimEnd().split('\n');
  const status = Number(lines.pop());
  return { status, body: JSON.parse(lines.join('\n')) };
}

test('the API reference is public and has a section per endpoint', async ({ page }) => {
  const response = await open(page, '/docs');
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('heading', { name: 'Shika API', level: 1 })).toBeVisible();
  for (const summary of [
    'Create a customer', 'Retrieve a customer', 'Update a customer', 'Delete a customer', 'List customers',
    "List a customer's payments", "List a customer's subscriptions", 'Create a payment', 'List subscriptions',
  ]) {
    await expect(page.getByRole('heading', { name: summary, level: 3 })).toBeVisible();
  }
  const create = page.getByRole('region', { name: 'Create a customer' });
  await expect(create.getByRole('cell', { name: 'email', exact: true })).toBeVisible();
  await expect(create.getByText('"email": "customer@example.com"').first()).toBeVisible();
  await expect(create.getByText('400 Bad Request')).toBeVisible();
  await expect(page.getByRole('link', { name: 'API keys' }).first()).toHaveAttribute('href', '/api-keys');
  await screenshots(page, 'docs');
});

test('the reference’s curl commands run as written once a test key is put in', async ({ page }) => {
  const merchant = createMerchantWithCli();
  await open(page, '/docs');
  const curlOf = (summary: string) =>
    page.getByRole('region', { name: summary }).locator('pre.curl').innerText();

  const created = runCurl(await curlOf('Create a customer'), merchant.testKey);
  expect(created.status).toBe(200);
  expect(created.body).toMatchObject({ object: 'customer', email: 'customer@example.com', name: 'John Doe' });

  const updated = runCurl(await curlOf('Update a customer'), merchant.testKey, created.body.id);
  expect(updated.status).toBe(200);
  expect(updated.body.name).toBe('Jane Doe');

  const listed = runCurl(await curlOf('List customers'), merchant.testKey);
  expect(listed.status).toBe(200);
  expect(listed.body.data.map((c: { id: string }) => c.id)).toEqual([created.body.id]);

  const deleted = runCurl(await curlOf('Delete a customer'), merchant.testKey, created.body.id);
  expect(deleted.body).toEqual({ object: 'customer', id: created.body.id, deleted: true });
});
