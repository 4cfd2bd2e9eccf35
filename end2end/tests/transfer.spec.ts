import { readFileSync } from 'node:fs';
import { test, expect, open, signUp, screenshots, hydrated } from './fixtures';

/** Creates customers through the dashboard's own form. */
async function createCustomer(page: import('@playwright/test').Page, email: string, name: string) {
  await open(page, '/customers/new');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Metadata key').first().fill('order');
  await page.getByLabel('Metadata value').first().fill('A, "17"');
  await page.getByRole('button', { name: 'Create customer' }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
}

test('Export CSV downloads the customers the filters match, as the spec’s columns', async ({ page }) => {
  await signUp(page);
  await createCustomer(page, 'ama@example.com', 'Ama Owusu');
  await createCustomer(page, 'kofi@example.com', 'Kofi, Jr.');
  await open(page, '/customers?email=kofi%40example.com');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Export CSV' }).click(),
  ]);

  expect(download.suggestedFilename()).toMatch(/^customers-test-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync((await download.path())!, 'utf8');
  const lines = csv.trimEnd().split('\r\n');
  expect(lines[0]).toBe('id,email,name,phone,created_at,updated_at,metadata[order]');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toMatch(/^cus_\w+,kofi@example\.com,"Kofi, Jr\.",,.*,"A, ""17"""$/);
});

test('import a CSV: preview with every invalid row, then all customers at once', async ({ page }) => {
  await signUp(page);
  await open(page, '/customers');
  await page.getByRole('link', { name: 'Import customers' }).click();
  await expect(page).toHaveURL(/\/customers\/import$/);
  await hydrated(page);
  await screenshots(page, 'import');

  // A file with invalid rows: listed by line, and nothing can be imported.
  await page.getByLabel('CSV file').setInputFiles({
    name: 'customers.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('email,name\nama@example.com,Ama\nnot-an-email,Kofi\n'),
  });
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page).toHaveURL(/\/customers\/import\/imp_\w+$/);
  await expect(page.getByRole('heading', { name: '1 row cannot be imported' })).toBeVisible();
  await expect(page.getByText("Line 3: Invalid email address: 'not-an-email'")).toBeVisible();
  await expect(page.getByRole('button', { name: /^Import/ })).toHaveCount(0);

  // A good file: the preview shows the rows as they will be, then one button creates them.
  await page.getByRole('link', { name: 'Upload another file' }).first().click();
  await hydrated(page);
  await page.getByLabel('CSV file').setInputFiles({
    name: 'customers.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('email,name,phone,metadata[plan]\nama@example.com,Ama Owusu,0241234567,gold\nkofi@example.com,"Kofi, Jr.",,\n'),
  });
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByText('2 customers will be created.')).toBeVisible();
  await expect(page.getByRole('row', { name: /Ama Owusu ama@example\.com 0241234567 plan: gold/ })).toBeVisible();
  await screenshots(page, 'import-preview');
  await page.getByRole('button', { name: 'Import 2 customers' }).click();
  await expect(page.getByText('Imported 2 customers.')).toBeVisible();
  await page.getByRole('link', { name: 'Go to customers' }).click();
  await expect(page.getByRole('link', { name: 'Ama Owusu' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Kofi, Jr.' })).toBeVisible();
  // The file's first row is the newest customer, first in the list.
  await expect(page.getByRole('row').nth(1)).toContainText('Ama Owusu');
});
