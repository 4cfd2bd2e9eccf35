import { test, expect, open, logIn, screenshots, createMerchantWithCli, api, withJavaScript } from './fixtures';
import type { Page } from '@playwright/test';

/** A merchant with customers to find, created over the API; logged in on /customers. */
async function merchantWithCustomers(page: Page, request: import('@playwright/test').APIRequestContext) {
  const merchant = createMerchantWithCli();
  const rest = api(request, merchant.testKey);
  const kwame = await rest.post('/v1/customers', { name: 'Kwame Mensah', email: 'kwame@gmail.com', phone: '0241234567' });
  await rest.post('/v1/customers', { name: 'Ama Owusu', email: 'ama@yahoo.com', phone: '+233 20 111 2222' });
  await rest.post('/v1/customers', { name: 'Kofi Kwarteng', email: 'kofi@gmail.com', phone: '0551234567' });
  await logIn(page, merchant);
  return { merchant, rest, kwame };
}

/** Types into the search box and, without JavaScript, presses Enter to submit it. */
async function searchFor(page: Page, text: string) {
  const box = page.getByRole('searchbox', { name: 'Search customers' });
  if (withJavaScript()) {
    await box.pressSequentially(text);
  } else {
    await box.fill(text);
    await box.press('Enter');
  }
}

const customerLinks = (page: Page) => page.locator('table.customers tbody').getByRole('link');

test('the search box finds names and emails by substring, phones in any form, and ids', async ({ page, request }) => {
  const { kwame } = await merchantWithCustomers(page, request);
  await expect(customerLinks(page)).toHaveCount(3);

  await searchFor(page, 'kwa');
  await expect(page).toHaveURL(/\/customers\?q=kwa/);
  await expect(customerLinks(page)).toHaveText(['Kofi Kwarteng', 'Kwame Mensah']);
  await screenshots(page, 'customers-search');

  for (const [typed, names] of [
    ['yahoo', ['Ama Owusu']],
    ['024 123 4567', ['Kwame Mensah']],
    ['+233 20 111 2222', ['Ama Owusu']],
    ['233551234567', ['Kofi Kwarteng']],
    [kwame.id, ['Kwame Mensah']],
  ] as const) {
    await open(page, '/customers');
    await searchFor(page, typed);
    await expect(customerLinks(page), typed).toHaveText([...names]);
  }

  await open(page, '/customers');
  await searchFor(page, 'nobody-here');
  await expect(page.getByText('No customers match')).toBeVisible();
  await page.getByRole('link', { name: 'Clear search' }).click();
  await expect(customerLinks(page)).toHaveCount(3);

  await open(page, '/customers?q=ab');
  await expect(page.getByText('Type at least 3 characters to search.')).toBeVisible();
});

test('results follow the typing without a reload, and live in the URL', async ({ page, request }) => {
  test.skip(!withJavaScript(), 'live results need JavaScript; without it Enter submits (the test above)');
  await merchantWithCustomers(page, request);
  // A full page load would replace this marker; results arriving in place keep it.
  await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
  const box = page.getByRole('searchbox', { name: 'Search customers' });
  await box.pressSequentially('gmail');
  await expect(customerLinks(page)).toHaveText(['Kofi Kwarteng', 'Kwame Mensah']);
  await expect(page).toHaveURL(/\/customers\?q=gmail$/);
  await box.fill('');
  await box.pressSequentially('owusu');
  await expect(customerLinks(page)).toHaveText(['Ama Owusu']);
  await expect(box).toBeFocused();
  expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);

  // The URL keeps the search: a reload shows the same results.
  await page.reload();
  await expect(page.getByRole('searchbox', { name: 'Search customers' })).toHaveValue('owusu');
  await expect(customerLinks(page)).toHaveText(['Ama Owusu']);
});

test('search results page with Next and Previous', async ({ page, request }) => {
  const merchant = createMerchantWithCli();
  const rest = api(request, merchant.testKey);
  for (let i = 1; i <= 5; i++) {
    await rest.post('/v1/customers', { name: `Adjoa ${i}` });
  }
  await rest.post('/v1/customers', { name: 'Someone Else' });
  await logIn(page, merchant);
  await open(page, '/customers?q=adjoa&limit=10');
  await expect(customerLinks(page)).toHaveCount(5);

  // Two to a page: the URL's limit is kept by the pager.
  await open(page, '/customers?q=adjoa&limit=2');
  await expect(customerLinks(page)).toHaveText(['Adjoa 5', 'Adjoa 4']);
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(customerLinks(page)).toHaveText(['Adjoa 3', 'Adjoa 2']);
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(customerLinks(page)).toHaveText(['Adjoa 1']);
  await expect(page.getByRole('button', { name: 'Next' })).toBeDisabled();
  await page.getByRole('button', { name: 'Previous' }).click();
  await expect(customerLinks(page)).toHaveText(['Adjoa 3', 'Adjoa 2']);
  await page.getByRole('button', { name: 'Previous' }).click();
  await expect(customerLinks(page)).toHaveText(['Adjoa 5', 'Adjoa 4']);
  await expect(page.getByRole('button', { name: 'Previous' })).toBeDisabled();
});

test('a customer page shows the Ghanaian mobile network beside the number', async ({ page, request }) => {
  const { rest, kwame } = await merchantWithCustomers(page, request);
  await open(page, `/customers/${kwame.id}`);
  const phone = page.getByRole('definition').filter({ hasText: '0241234567' });
  await expect(phone.getByTitle('Mobile network')).toHaveText('MTN');
  await screenshots(page, 'customer-network');

  for (const [number, network] of [['+233 20 111 2222', 'Telecel'], ['0571234567', 'AirtelTigo']]) {
    const customer = await rest.post('/v1/customers', { name: 'N', phone: number });
    await open(page, `/customers/${customer.id}`);
    await expect(page.getByTitle('Mobile network')).toHaveText(network);
  }
  const abroad = await rest.post('/v1/customers', { name: 'Abroad', phone: '+44 20 7946 0958' });
  await open(page, `/customers/${abroad.id}`);
  await expect(page.getByRole('region', { name: 'Details' }).getByText('+44 20 7946 0958')).toBeVisible();
  await expect(page.getByTitle('Mobile network')).toHaveCount(0);
});
