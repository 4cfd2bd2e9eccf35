import { test as base, expect, type Page } from '@playwright/test';

/** Whether the current project runs with JavaScript (and so with hydration). */
export const withJavaScript = () => test.info().project.use.javaScriptEnabled !== false;

/** Opens `path` and, with JavaScript on, waits until the WASM has hydrated the page. */
export async function open(page: Page, path: string) {
  const response = await page.goto(path);
  if (withJavaScript()) {
    await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
  }
  return response;
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
