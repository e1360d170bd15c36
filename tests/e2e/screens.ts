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
export const SIDE_TABS = ['layers', 'explain', 'lab', 'samples', 'train', 'scratch', 'models'] as const;
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

/** The inks the seeded server's samples were made of, in the order they were added. */
export function SEEDED_INKS(): typeof SEED_INKS {
  return Array.from({ length: 10 }, (_, digit) => SEED_INKS.filter((i) => i.label === digit).slice(0, 2)).flat();
}

/** A browser-mode server whose data folder starts with two samples of each digit, written by the core itself. */
export async function startSeededServer(): Promise<SeededServer> {
  const modelsDir = process.env.LENET_E2E_MODELS;
  if (!modelsDir) throw new Error('LENET_E2E_MODELS is not set: run the tests through playwright.config.ts');
  const dataDir = await mkdtemp(join(tmpdir(), 'lenet-e2e-screens-'));
  const core = await openCore({ bundledModelsDir: modelsDir, dataDir, version: 'e2e-seed', transport: 'web' });
  for (let digit = 0; digit < 10; digit++) {
    for (const ink of SEEDED_INKS().filter((i) => i.label === digit)) {
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

/** The part of the DOM the in-page check reads (tests are compiled without the DOM library). */
interface Rect {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
  readonly width: number;
  readonly height: number;
}
interface Node {
  readonly tagName: string;
  readonly id: string;
  readonly parentElement: Node | null;
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): Rect;
  matches(selector: string): boolean;
}
interface Style {
  readonly overflowX: string;
  readonly overflowY: string;
  readonly contain: string;
  readonly visibility: string;
  readonly position: string;
}
interface Dom {
  readonly document: { readonly documentElement: { readonly scrollWidth: number; readonly clientWidth: number }; querySelectorAll(selector: string): ArrayLike<Node> };
  getComputedStyle(node: Node): Style;
}

const CHECKED = 'button, [role="button"], [role="tab"], [role="radio"], [role="slider"], input, select, textarea, a[href], summary, canvas, [tabindex], [data-testid]';

/**
 * Runs in the page: what overflows, in words (empty when nothing does). The document must not scroll
 * sideways; every visible control, canvas and tested element must lie inside the viewport horizontally
 * and inside every ancestor that clips it (overflow other than visible, or `contain: paint`). An
 * ancestor that scrolls vertically may hold it below the fold: only the scroller's own box must fit
 * further up. A modal dialog (the top layer) is not clipped by the page around it.
 */
function overflows(selector: string): string[] {
  const dom = globalThis as unknown as Dom;
  const slack = 1;
  const problems: string[] = [];
  const root = dom.document.documentElement;
  if (root.scrollWidth > root.clientWidth) problems.push(`the page scrolls sideways: ${root.scrollWidth}px of content in ${root.clientWidth}px`);
  const viewport = root.clientWidth;
  const name = (node: Node) => {
    const tag = node.tagName.toLowerCase();
    const id = node.getAttribute('data-testid') ?? node.getAttribute('aria-label') ?? (node.textContent ?? '').trim().slice(0, 30);
    return `${tag}${node.id ? `#${node.id}` : ''}${node.getAttribute('class') ? `.${node.getAttribute('class')!.split(' ')[0]}` : ''} "${id}"`;
  };
  const all = dom.document.querySelectorAll(selector);
  for (let i = 0; i < all.length; i++) {
    const node = all[i];
    const box = node.getBoundingClientRect();
    // Not laid out, or visually hidden on purpose (.sr-only is 1x1).
    if (box.width < 2 || box.height < 2 || dom.getComputedStyle(node).visibility === 'hidden') continue;
    if (box.left < -slack || box.right > viewport + slack) problems.push(`${name(node)} reaches outside the viewport: ${Math.round(box.left)}..${Math.round(box.right)} of ${viewport}px`);
    let top = box.top;
    let bottom = box.bottom;
    let escaped = dom.getComputedStyle(node).position === 'fixed';
    for (let a = node.parentElement; a && !node.matches('dialog[open]'); a = a.parentElement) {
      const style = dom.getComputedStyle(a);
      const paints = /paint|content|strict/.test(style.contain);
      if (!escaped || paints) {
        const outer = a.getBoundingClientRect();
        const clipsX = paints || style.overflowX !== 'visible';
        const clipsY = paints || style.overflowY === 'hidden' || style.overflowY === 'clip';
        if (clipsX && (box.left < outer.left - slack || box.right > outer.right + slack)) {
          problems.push(`${name(node)} is cut off sideways by ${name(a)}: ${Math.round(box.left)}..${Math.round(box.right)} in ${Math.round(outer.left)}..${Math.round(outer.right)}`);
          break;
        }
        if (clipsY && (top < outer.top - slack || bottom > outer.bottom + slack)) {
          problems.push(`${name(node)} is cut off vertically by ${name(a)}: ${Math.round(top)}..${Math.round(bottom)} in ${Math.round(outer.top)}..${Math.round(outer.bottom)}`);
          break;
        }
        // Scrolled into view, the element can stand anywhere in a vertical scroller's box: that box must fit further up.
        if (style.overflowY === 'auto' || style.overflowY === 'scroll') {
          top = outer.top;
          bottom = outer.bottom;
        }
      }
      if (style.position === 'fixed') escaped = true;
      // Top-layer dialogs are not clipped by the page around them.
      if (a.matches('dialog[open]')) break;
    }
  }
  return problems;
}

/** Fails with every overflow found, in words. */
export async function expectNothingOverflows(page: Page, where: string): Promise<void> {
  const problems = await page.evaluate(overflows, CHECKED);
  expect(problems, `${where}: nothing overflows`).toEqual([]);
}
