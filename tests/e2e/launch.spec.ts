import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBrowserMode, type RunningServer } from './browser-mode.ts';
import { expect, test } from './fixtures.ts';

/**
 * The launch link `npm run web` prints, in a real browser: it opens the app once, leaves no secret in the
 * address bar, gives the page an HttpOnly session cookie its scripts cannot read, and is dead afterwards.
 * A server of its own, so that its link is unused when the test starts.
 */
let server: RunningServer;
let dataDir: string;

test.beforeAll(async () => {
  const modelsDir = process.env.LENET_E2E_MODELS;
  if (!modelsDir) throw new Error('LENET_E2E_MODELS is not set: run the tests through playwright.config.ts');
  dataDir = await mkdtemp(join(tmpdir(), 'lenet-e2e-launch-'));
  server = await startBrowserMode({ modelsDir, dataDir });
});

test.afterAll(async () => {
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

test('the launch link opens the app once and leaves no secret in the address bar', async ({ page, browser }) => {
  expect(server.launchUrl).toMatch(/\?launch=/);
  await page.goto(server.launchUrl);
  await expect(page.getByTestId('layers').locator('.layer').first()).toBeVisible();
  expect(page.url()).toBe(server.baseUrl);

  const cookies = await page.context().cookies();
  expect(cookies).toHaveLength(1);
  expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
  expect(server.launchUrl).not.toContain(cookies[0].value);
  expect(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).toBe('');

  // A reload keeps the session; a secret put in the address by hand is taken out of it.
  await page.goto(`${server.baseUrl}?token=pasted-by-hand&keep=1`);
  await expect(page.getByTestId('layers').locator('.layer').first()).toBeVisible();
  expect(page.url()).toBe(`${server.baseUrl}?keep=1`);

  // The link is dead: another browser (a fresh context, no cookie) gets a refusal, not the app.
  const other = await browser.newContext();
  try {
    const response = await other.request.get(server.launchUrl, { maxRedirects: 0 });
    expect(response.status()).toBe(403);
    expect(await response.text()).toMatch(/used already or has expired/);
    expect(response.headers()['set-cookie']).toBeUndefined();
  } finally {
    await other.close();
  }
});
