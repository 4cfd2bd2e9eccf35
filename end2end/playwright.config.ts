import { defineConfig } from '@playwright/test';

// The server is started by run.sh via with-server.sh (release binary, free port, temporary database);
// this config only points the browser at it. Debian's Chromium is used: Playwright never downloads one here.
const baseURL = process.env.SHIKA_BASE_URL ?? 'http://127.0.0.1:3000';

const chromium = {
  browserName: 'chromium' as const,
  launchOptions: {
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  },
};

export default defineConfig({
  testDir: './tests',
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  outputDir: './test-results',
  use: { baseURL, trace: 'off', screenshot: 'off' },
  projects: [
    { name: 'javascript', use: { ...chromium, javaScriptEnabled: true } },
    { name: 'no-javascript', use: { ...chromium, javaScriptEnabled: false } },
  ],
});
