import { test, expect, open, signUp, logIn, screenshots, uniqueEmail, hydrated } from './fixtures';

test('sign up lands on the customers page, logged in, in test mode', async ({ page }) => {
  await open(page, '/signup');
  await screenshots(page, 'signup');
  const merchant = await signUp(page, 'Kofi Fabrics');
  const header = page.getByRole('banner');
  await expect(header.getByText('Kofi Fabrics')).toBeVisible();
  await expect(header.getByRole('switch', { name: 'Test mode' })).toHaveAttribute('aria-checked', 'true');
  await expect(header.getByText('you are viewing test data')).toBeVisible();
  await expect(header.getByRole('link', { name: 'Customers' })).toBeVisible();
  await expect(header.getByRole('link', { name: 'API keys' })).toBeVisible();
  await expect(header.getByRole('button', { name: 'Log out' })).toBeVisible();
  await expect(page.getByText('No customers yet')).toBeVisible();
  await screenshots(page, 'customers-empty');
  expect(merchant.email).toContain('@');
});

test('sign up reports bad input beside the field', async ({ page, browserConsole }) => {
  // The browser logs the server function's 400 answer itself; nothing else may appear.
  browserConsole.allow(/status of 400 \(Bad Request\)/);
  const taken = await signUp(page);
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login$/);

  await open(page, '/signup');
  await page.getByLabel('Business name').fill('Second Shop');
  await page.getByLabel('Email').fill(taken.email);
  await page.getByLabel('Password').fill('another long password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('An account with this email already exists.')).toBeVisible();

  await open(page, '/signup');
  await page.getByLabel('Business name').fill('Third Shop');
  await page.getByLabel('Email').fill(uniqueEmail('short'));
  await page.getByLabel('Password').fill('short');
  // Browsers let it through: `required` is the only constraint on the field.
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('Password must be 8 to 128 characters long.')).toBeVisible();
  await expect(page).toHaveURL(/\/signup/);
});

test('log in: a wrong email or password gets one message that does not say which', async ({ page, browserConsole }) => {
  browserConsole.allow(/status of 401 \(Unauthorized\)/);
  const merchant = await signUp(page);
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await screenshots(page, 'login');

  for (const [email, password] of [
    [merchant.email, 'wrong password here'],
    [uniqueEmail('nobody'), merchant.password],
  ]) {
    await open(page, '/login');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('alert')).toHaveText('Incorrect email or password.');
  }
  await logIn(page, merchant);
  await expect(page.getByRole('banner').getByText(merchant.business)).toBeVisible();
});

test('logged out, every page but /signup and /login goes to /login', async ({ page }) => {
  for (const path of ['/', '/customers', '/customers/new', '/customers/cus_whatever', '/customers/cus_whatever/edit', '/api-keys', '/customers/import']) {
    await page.goto(path);
    // Where the merchant was going is kept (the dashboard's start needs no reminder).
    const next = ['/', '/customers'].includes(path) ? '' : `?next=${encodeURIComponent(path)}`;
    await expect(page, path).toHaveURL((url) => url.pathname + url.search === `/login${next}`);
    await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  }
  await open(page, '/signup');
  await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible();
});

test('log out ends the session', async ({ page }) => {
  await signUp(page);
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await hydrated(page);
  await page.goto('/customers');
  await expect(page).toHaveURL(/\/login$/);
});

test('the session cookie is HttpOnly and SameSite=Lax', async ({ page }) => {
  await signUp(page);
  const cookie = (await page.context().cookies()).find((c) => c.name === 'shika_session');
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe('Lax');
  expect(cookie?.value.length).toBeGreaterThanOrEqual(22);
});

test('an unknown page answers 404 with the app’s not-found page', async ({ page, browserConsole }) => {
  browserConsole.allow(/status of 404/);
  const response = await page.goto('/no-such-page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});

test('logging in returns to the page the merchant was going to', async ({ page }) => {
  const merchant = await signUp(page);
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  const response = await page.goto('/customers/import');
  expect(await response?.request().redirectedFrom()?.response().then((r) => r?.status())).toBe(303);
  await expect(page).toHaveURL(/\/login\?next=%2Fcustomers%2Fimport$/);
  await hydrated(page);
  await page.getByLabel('Email').fill(merchant.email);
  await page.getByLabel('Password').fill(merchant.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/customers\/import$/);
  await expect(page.getByRole('heading', { name: 'Import customers', level: 1 })).toBeVisible();
});
