import { test, expect, open, signUp, logIn, screenshots, withJavaScript, createMerchantWithCli, api, hydrated } from './fixtures';

test('create a customer with metadata, then see it on its page', async ({ page }) => {
  await signUp(page);
  await page.getByRole('link', { name: 'New customer' }).click();
  await expect(page).toHaveURL(/\/customers\/new$/);
  await hydrated(page);
  await page.getByLabel('Email').fill('ama@example.com');
  await page.getByLabel('Name').fill('Ama Owusu');
  await page.getByLabel('Phone').fill('0241234567');
  await page.getByLabel('Metadata key').first().fill('user_id');
  await page.getByLabel('Metadata value').first().fill('123');
  if (withJavaScript()) {
    await page.getByRole('button', { name: 'Add metadata' }).click();
    await page.getByLabel('Metadata key').nth(1).fill('plan');
    await page.getByLabel('Metadata value').nth(1).fill('gold');
  }
  await screenshots(page, 'customer-new');
  await page.getByRole('button', { name: 'Create customer' }).click();

  await expect(page).toHaveURL(/\/customers\/cus_[A-Za-z0-9]+$/);
  await expect(page.getByRole('heading', { name: 'Ama Owusu', level: 1 })).toBeVisible();
  // The Activity's event JSON holds these too; the details are what a person reads.
  const details = page.getByRole('region', { name: 'Details' });
  await expect(details.getByText('ama@example.com')).toBeVisible();
  await expect(details.getByText('0241234567')).toBeVisible();
  await expect(page.getByRole('row', { name: 'user_id 123' })).toBeVisible();
  if (withJavaScript()) {
    await expect(page.getByRole('row', { name: 'plan gold' })).toBeVisible();
  }
  await expect(page.getByText(/^cus_[A-Za-z0-9]{24}$/)).toBeVisible();
});

test('the heading falls back to the email, then the id', async ({ page }) => {
  await signUp(page);
  await open(page, '/customers/new');
  await page.getByLabel('Email').fill('only-email@example.com');
  await page.getByRole('button', { name: 'Create customer' }).click();
  await expect(page.getByRole('heading', { name: 'only-email@example.com', level: 1 })).toBeVisible();
  await open(page, '/customers/new');
  await page.getByRole('button', { name: 'Create customer' }).click();
  await expect(page.getByRole('heading', { name: /^cus_/, level: 1 })).toBeVisible();
});

test('invalid input is reported next to its field, with the API’s words', async ({ page, browserConsole }) => {
  // The browser logs the server function's 400 answer itself; nothing else may appear.
  browserConsole.allow(/status of 400 \(Bad Request\)/);
  await signUp(page);
  await open(page, '/customers/new');
  await page.getByLabel('Email').fill('not-an-email');
  // The browser's own email check would stop the form first; Shika's rules are what we test.
  await page.locator('form.form').evaluate((form) => form.setAttribute('novalidate', ''));
  await page.getByRole('button', { name: 'Create customer' }).click();
  const field = page.locator('.field', { has: page.getByLabel('Email') });
  await expect(field.getByRole('alert')).toHaveText("Invalid email address: 'not-an-email'");
  if (withJavaScript()) {
    await expect(page.getByLabel('Email')).toHaveValue('not-an-email');
  }
  await page.getByLabel('Email').fill('');
  await page.getByLabel('Phone').fill('12');
  await page.getByRole('button', { name: 'Create customer' }).click();
  const phone = page.locator('.field', { has: page.getByLabel('Phone') });
  await expect(phone.getByRole('alert')).toContainText('Invalid phone number');
  await expect(page).toHaveURL(/\/customers\/new/);
});

test('edit a customer: change fields and remove a metadata key', async ({ page }) => {
  await signUp(page);
  await open(page, '/customers/new');
  await page.getByLabel('Name').fill('Kwame Mensah');
  await page.getByLabel('Metadata key').first().fill('tier');
  await page.getByLabel('Metadata value').first().fill('silver');
  await page.getByRole('button', { name: 'Create customer' }).click();
  await expect(page.getByRole('heading', { name: 'Kwame Mensah' })).toBeVisible();

  await page.getByRole('link', { name: 'Edit' }).click();
  await expect(page).toHaveURL(/\/edit$/);
  await hydrated(page);
  await expect(page.getByLabel('Name')).toHaveValue('Kwame Mensah');
  await expect(page.getByLabel('Metadata key').first()).toHaveValue('tier');
  await screenshots(page, 'customer-edit');
  await page.getByLabel('Name').fill('Kwame A. Mensah');
  await page.getByLabel('Email').fill('kwame@example.com');
  if (withJavaScript()) {
    await page.getByRole('button', { name: 'Remove' }).first().click();
    await expect(page.getByLabel('Metadata key')).toHaveCount(1);
  } else {
    await page.getByLabel('Metadata key').first().fill('');
    await page.getByLabel('Metadata value').first().fill('');
  }
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'Kwame A. Mensah', level: 1 })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Details' }).getByText('kwame@example.com')).toBeVisible();
  await expect(page.getByText('No metadata.')).toBeVisible();
});

test('the list filters, pages with Previous and Next, and keeps it all in the URL', async ({ page, request }) => {
  const merchant = createMerchantWithCli();
  const rest = api(request, merchant.testKey);
  for (let i = 0; i < 12; i++) {
    await rest.post('/v1/customers', { name: `Customer ${String(i).padStart(2, '0')}`, email: `c${i}@example.com` });
  }
  await logIn(page, merchant);
  const rows = page.locator('tbody tr');
  await expect(rows).toHaveCount(10);
  await expect(rows.first()).toContainText('Customer 11');
  await expect(page.getByRole('button', { name: 'Previous' })).toBeDisabled();
  await screenshots(page, 'customers-list');

  await page.getByRole('button', { name: 'Next' }).click();
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText('Customer 01');
  await expect(page).toHaveURL(/starting_after=cus_/);
  await expect(page.getByRole('button', { name: 'Next' })).toBeDisabled();
  await page.reload();
  await hydrated(page);
  await expect(rows).toHaveCount(2);

  await page.getByRole('button', { name: 'Previous' }).click();
  await expect(rows).toHaveCount(10);
  await expect(rows.first()).toContainText('Customer 11');

  await page.getByLabel('Rows per page').selectOption('25');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(rows).toHaveCount(12);
  await expect(page).toHaveURL(/limit=25/);

  await page.getByLabel('Filter by email').fill('C7@EXAMPLE.com');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Customer 07');
  await page.reload();
  await hydrated(page);
  await expect(rows).toHaveCount(1);
  await expect(page.getByLabel('Filter by email')).toHaveValue('C7@EXAMPLE.com');

  await page.getByLabel('Filter by email').fill('');
  const today = new Date().toISOString().slice(0, 10);
  await page.getByLabel('Created from').fill(today);
  await page.getByLabel('Created to').fill(today);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(rows).toHaveCount(12);
  await page.getByLabel('Created to').fill('2000-01-01');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByText('No customers match these filters.')).toBeVisible();

  await page.goBack();
  await expect(rows).toHaveCount(12);
});

test('a customer page shows its payments and subscriptions', async ({ page, request }) => {
  const merchant = createMerchantWithCli();
  const rest = api(request, merchant.testKey);
  const customer = await rest.post('/v1/customers', { name: 'Efua Asante', email: 'efua@example.com', metadata: { user_id: '9' } });
  await rest.post('/v1/payments', { amount: 5000, customer: customer.id, description: 'Kente cloth' });
  await rest.post('/v1/subscriptions', { customer: customer.id, amount: 2500, interval: 'month' });
  await logIn(page, merchant);
  await page.getByRole('link', { name: 'Efua Asante' }).click();
  await expect(page).toHaveURL(new RegExp(`/customers/${customer.id}$`));
  const payments = page.getByRole('region', { name: 'Payments' });
  await expect(payments.getByRole('row', { name: /GH₵50\.00 succeeded Kente cloth/ })).toBeVisible();
  const subscriptions = page.getByRole('region', { name: 'Subscriptions' });
  await expect(subscriptions.getByRole('row', { name: /active GH₵25\.00 per month/ })).toBeVisible();
  await screenshots(page, 'customer-detail');
});

test('delete asks for confirmation naming the active subscriptions, then returns to the list', async ({ page, request }) => {
  const merchant = createMerchantWithCli();
  const rest = api(request, merchant.testKey);
  const customer = await rest.post('/v1/customers', { name: 'Yaw Boateng' });
  await rest.post('/v1/subscriptions', { customer: customer.id, amount: 1000, interval: 'week' });
  await rest.post('/v1/subscriptions', { customer: customer.id, amount: 2000, interval: 'month' });
  await logIn(page, merchant);
  await open(page, `/customers/${customer.id}`);

  await page.getByRole('button', { name: 'Delete customer' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete this customer?' });
  await expect(dialog).toContainText('Its 2 active subscriptions will be canceled.');
  await screenshots(page, 'customer-delete');
  if (withJavaScript()) {
    await expect(dialog.getByRole('button', { name: 'Delete' })).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(dialog.getByRole('link', { name: 'Cancel' })).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(dialog.getByRole('button', { name: 'Delete' })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await page.getByRole('button', { name: 'Delete customer' }).click();
  }
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(page).toHaveURL(/\/customers\?notice=deleted$/);
  await expect(page.getByRole('status').filter({ hasText: 'Customer deleted.' })).toBeVisible();
  await expect(page.getByText('No customers yet')).toBeVisible();
  const gone = await rest.get(`/v1/customers/${customer.id}`);
  expect(gone.status()).toBe(404);
  const subscriptions = await (await rest.get('/v1/subscriptions?status=canceled')).json();
  expect(subscriptions.data).toHaveLength(2);
});
