import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { InkSchema } from '../../main/api/schemas.ts';
import { openCore } from '../../main/core/open-core.ts';
import { addSession, exchangeLaunchUrl, startBrowserMode, type RunningServer, type SessionCookie } from './browser-mode.ts';
import { drawInk, readInks, settledPrediction } from './helpers.ts';

/**
 * Every screen of the app, for the tests that walk all of them (layout, accessibility): the four side
 * tabs, the About dialog and a map's detail dialog. They run against a browser-mode server of their own
 * whose data folder holds a few samples, so the samples tab shows a real gallery.
 */
export const SIDE_TABS = ['layers', 'samples', 'train', 'models'] as const;
export const SCREENS = [...SIDE_TABS, 'about', 'map-detail'] as const;
export type Screen = (typeof SCREENS)[number];
export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface SeededServer {
  readonly server: RunningServer;
  readonly session: SessionCookie;
  stop(): Promise<void>;
}

const SEED_INKS = readInks('ced.jsonl');
export const SEVEN = SEED_INKS.find((ink) => ink.label === 7 && ink.strokes.length <= 2)!;

/** A browser-mode server whose data folder starts with two samples of each digit, written by the core itself. */
export async function startSeededServer(): Promise<SeededServer> {
  const modelsDir = process.env.LENET_E2E_MODELS;
  if (!modelsDir) throw new Error('LENET_E2E_MODELS is not set: run the tests through playwright.config.ts');
  const dataDir = await mkdtemp(join(tmpdir(), 'lenet-e2e-screens-'));
  const core = await openCore({ bundledModelsDir: modelsDir, dataDir, version: 'e2e-seed', transport: 'web' });
  for (let digit = 0; digit < 10; digit++) {
    for (const ink of SEED_INKS.filter((i) => i.label === digit).slice(0, 2)) {
      await core.addSample({ ink: InkSchema.parse({ strokes: ink.strokes }), label: digit, how: 'saved' });
    }
  }
  await core.close();
  const server = await startBrowserMode({ modelsDir, dataDir });
  const session = await exchangeLaunchUrl(server.launchUrl);
  return {
    server,
    session,
    stop: async () => {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Opens the app on the seeded server in a language (and any other remembered choices), with a 7 drawn. */
export async function openScreens(page: Page, seeded: SeededServer, language: Language, stored: Record<string, string> = {}): Promise<void> {
  await addSession(page.context(), seeded.session);
  await page.addInitScript((items) => {
    type Storage = { getItem(key: string): string | null; setItem(key: string, value: string): void };
    const { sessionStorage, localStorage } = globalThis as unknown as { sessionStorage: Storage; localStorage: Storage };
    if (!sessionStorage.getItem('lenet-e2e-started')) {
      sessionStorage.setItem('lenet-e2e-started', '1');
      for (const [key, value] of Object.entries(items)) localStorage.setItem(key, value);
    }
  }, { 'lenet-studio.language': language, 'lenet-studio.view': 'layers', ...stored });
  await page.goto(seeded.server.baseUrl);
  await expect(page.getByTestId('layers').locator('.layer').first()).toBeVisible();
  await drawInk(page, SEVEN);
  await settledPrediction(page);
  await expect(page.getByTestId('maps-C1').locator('canvas')).toHaveCount(6);
  await page.mouse.move(0, 0);
}

/** Shows one screen: selects its side tab, or opens its dialog (over the Layers tab). */
export async function showScreen(page: Page, screen: Screen): Promise<void> {
  await closeDialogs(page);
  if ((SIDE_TABS as readonly string[]).includes(screen)) {
    await page.getByTestId(`tab-${screen}`).click();
    await expect(page.locator(`#tabpanel-${screen}`)).toBeVisible();
    if (screen === 'samples') await expect(page.getByTestId('sample-thumb').first()).toBeVisible();
    if (screen === 'models') await expect(page.locator('[data-testid^="version-"]').first()).toBeVisible();
  } else if (screen === 'about') {
    await page.getByTestId('about-button').click();
    await expect(page.getByTestId('about')).toBeVisible();
  } else {
    await page.getByTestId('tab-layers').click();
    const map = page.getByTestId('maps-C3').locator('canvas').nth(2);
    await map.scrollIntoViewIfNeeded();
    await map.click();
    await expect(page.getByTestId('map-detail')).toBeVisible();
    await expect(page.getByTestId('kernels')).toBeVisible();
  }
  await page.mouse.move(0, 0);
}

export async function closeDialogs(page: Page): Promise<void> {
  for (const id of ['about', 'map-detail']) {
    const dialog = page.getByTestId(id);
    if (await dialog.isVisible()) {
      await page.keyboard.press('Escape');
      await expect(dialog).toBeHidden();
    }
  }
}

/** Where screenshots go when asked for (SCREENSHOT_DIR=/some/folder): one PNG per screen walked. */
export async function maybeScreenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.SCREENSHOT_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`) });
}
