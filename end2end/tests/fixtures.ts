import { execFileSync } from 'node:child_process';
import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test';

/** Whether the current project runs with JavaScript (and so with hydration). */
export const withJavaScript = () => test.info().project.use.javaScriptEnabled !== false;

/** Opens `path` and, with JavaScript on, waits until the WASM has hydrated the page. */
export async function open(page: Page, path: string) {
  const response = await page.goto(path);
  await hydrated(page);
  return response;
}

/** With JavaScript on, waits until the current page is hydrated (a no-op without it). */
export async function hydrated(page: Page) {
  if (withJavaScript()) {
    await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
  }
}

let counter = 0;
/** An email address no other test (or run) uses. */
export const uniqueEmail = (label: string) =>
  `${label}-${Date.now().toString(36)}-${(counter++).toString(36)}-${Math.random().toString(36).slice(2, 7)}@example.com`;

export type Merchant = { email: string; password: string; business: string };

/** Signs up through the form; ends signed in on /customers. */
export async function signUp(page: Page, business = 'Kofi Fabrics'): Promise<Merchant> {
  const merchant = { email: uniqueEmail('merchant'), password: 'correct horse battery', business };
  await open(page, '/signup');
  await page.getByLabel('Business name').fill(merchant.business);
  await page.getByLabel('Email').fill(merchant.email);
  await page.getByLabel('Password').fill(merchant.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/customers$/);
  await expect(page.getByRole('heading', { name: 'Customers', level: 1 })).toBeVisible();
  await hydrated(page);
  return merchant;
}

/** Logs in through the form; ends on /customers. */
export async function logIn(page: Page, merchant: Pick<Merchant, 'email' | 'password'>) {
  await open(page, '/login');
  await page.getByLabel('Email').fill(merchant.email);
  await page.getByLabel('Password').fill(merchant.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/customers$/);
  await hydrated(page);
}

export type CliMerchant = Merchant & { id: string; testKey: string; liveKey: string };

/** Creates a merchant with the real `shika merchant create`, on the server's database. */
export function createMerchantWithCli(): CliMerchant {
  const email = uniqueEmail('cli');
  const password = 'correct horse battery';
  const out = execFileSync(
    process.env.SHIKA_BIN!,
    ['merchant', 'create', '--email', email, '--password', password, '--name', 'Ama Cosmetics'],
    { env: { ...process.env, DATABASE_URL: process.env.SHIKA_DATABASE_URL! }, encoding: 'utf8' },
  );
  const json = JSON.parse(out);
  return { email, password, business: 'Ama Cosmetics', id: json.id, testKey: json.test_secret_key, liveKey: json.live_secret_key };
}

/** A small REST client for the `/v1` API with one secret key. */
export function api(request: APIRequestContext, key: string) {
  const headers = { Authorization: `Bearer ${key}` };
  return {
    async post(path: string, data: object) {
      const response = await request.post(path, { headers, data });
      expect(response.status(), await response.text()).toBe(200);
      return response.json();
    },
    async patch(path: string, data: object) {
      const response = await request.patch(path, { headers, data });
      expect(response.status(), await response.text()).toBe(200);
      return response.json();
    },
    async get(path: string) {
      return request.get(path, { headers });
    },
  };
}

/** Saves a screenshot of the page at 1280 and 375 px wide into the test's output folder. */
export async function screenshots(page: Page, name: string) {
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: test.info().outputPath(`${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

type Console = {
  /** Lets the browser log one expected message (e.g. the 404 of a not-found page). */
  allow: (pattern: RegExp) => void;
};

/**
 * Every page a test opens fails the test if the browser logs an error or a warning
 * (hydration mismatches are logged as either), unless the test allowed that message.
 */
export const test = base.extend<{ browserConsole: Console }>({
  browserConsole: [
    async ({ page }, use) => {
      const problems: string[] = [];
      const allowed: RegExp[] = [];
      if (!withJavaScript()) {
        // With scripts off the preloaded WASM is never used, and Chromium says so after a while.
        allowed.push(/was preloaded using link preload but not used/);
      }
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') {
          problems.push(`${message.type()}: ${message.text()}`);
        }
      });
      page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
      await use({ allow: (pattern) => allowed.push(pattern) });
      const unexpected = problems.filter((p) => !allowed.some((pattern) => pattern.test(p)));
      expect(unexpected, 'browser console').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
