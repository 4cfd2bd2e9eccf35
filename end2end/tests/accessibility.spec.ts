import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect, open, signUp, hydrated, withJavaScript } from './fixtures';

// axe runs as a script inside the page, so only where the page may run scripts; the pages are
// the same server HTML either way.
test.beforeEach(() => test.skip(!withJavaScript(), 'axe-core runs as a script in the page'));

/** axe-core's WCAG 2.1 A and AA rules on the page as it is now: no serious or critical failure. */
async function expectAccessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious, what).toEqual([]);
}

test('the signed-out pages and the reference pass axe', async ({ page, browserConsole }) => {
  browserConsole.allow(/status of 404/);
  for (const path of ['/login', '/signup', '/docs', '/no-such-page']) {
    await open(page, path);
    await expectAccessible(page, path);
  }
});

test('every dashboard page and dialog passes axe', async ({ page, browserConsole }) => {
  browserConsole.allow(/status of 404/);
  await signUp(page);
  await expectAccessible(page, 'empty customers list');

  await open(page, '/customers/new');
  await expectAccessible(page, 'new customer');
  await page.getByLabel('Email').fill('ama@example.com');
  await page.getByLabel('Name').fill('Ama Owusu');
  await page.getByLabel('Metadata key').first().fill('plan');
  await page.getByLabel('Metadata value').first().fill('gold');
  await page.getByRole('button', { name: 'Create customer' }).click();
  await expect(page.getByRole('heading', { name: 'Ama Owusu', level: 1 })).toBeVisible();
  await hydrated(page);
  const customer = page.url();
  await expectAccessible(page, 'a customer');

  await open(page, `${new URL(customer).pathname}?confirm=delete`);
  await expect(page.getByRole('dialog')).toBeVisible();
  await expectAccessible(page, 'the delete dialog');

  await open(page, `${new URL(customer).pathname}/edit`);
  await expectAccessible(page, 'edit customer');

  await open(page, '/customers');
  await expectAccessible(page, 'customers list');
  await open(page, '/api-keys');
  await expectAccessible(page, 'API keys');
  await page.getByRole('button', { name: 'Create secret key' }).click();
  await expect(page.getByText(/sk_test_\w{20,}/)).toBeVisible();
  await expectAccessible(page, 'a new key shown once');

  await open(page, '/customers/import');
  await expectAccessible(page, 'import');
  await page.getByLabel('CSV file').setInputFiles({
    name: 'c.csv', mimeType: 'text/csv', buffer: Buffer.from('email,name\nkofi@example.com,Kofi\nbad,Esi\n'),
  });
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page).toHaveURL(/\/customers\/import\/imp_/);
  await hydrated(page);
  await expectAccessible(page, 'import preview with problems');
});
