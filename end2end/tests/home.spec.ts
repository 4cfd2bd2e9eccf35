import { test, expect, open, withJavaScript } from './fixtures';

test('the start page is rendered on the server', async ({ page }) => {
  const response = await open(page, '/');
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('heading', { name: 'Shika' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Clicks: 0' })).toBeVisible();
});

test('the page hydrates: a control that only works with the WASM counts clicks', async ({ page }) => {
  test.skip(!withJavaScript(), 'needs the WASM');
  await open(page, '/');
  const counter = page.getByRole('button', { name: /^Clicks:/ });
  await counter.click();
  await expect(counter).toHaveText('Clicks: 1');
  await counter.click();
  await expect(counter).toHaveText('Clicks: 2');
});

test('a server function round-trips to the database', async ({ page }) => {
  test.skip(!withJavaScript(), 'the answer is shown by the hydrated page');
  await open(page, '/');
  await page.getByRole('button', { name: 'Check database' }).click();
  await expect(page.getByRole('status')).toHaveText(/^Database OK: sqlite 3\.\d+/);
});

test('an unknown page answers 404 with the app’s not-found page', async ({ page, browserConsole }) => {
  browserConsole.allow(/status of 404/);
  const response = await open(page, '/no-such-page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});
