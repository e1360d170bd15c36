import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests of the renderer in Debian's Chromium against browser mode (DESIGN.md, "Testing on
 * machines that cannot run Electron"). tests/e2e/global-setup.ts builds the renderer, starts browser
 * mode on a free port, uses its one-time launch link and hands the app's address and the session cookie to the tests.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];

export default defineConfig({
  testDir: './tests/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: './test-results',
  globalSetup: './tests/e2e/global-setup.ts',
  // The machine has two cores shared with other work: one browser at a time keeps timings honest.
  workers: 1,
  fullyParallel: false,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  retries: 0,
  reporter: [['list']],
  use: {
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
