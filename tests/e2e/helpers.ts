import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { openCore } from '../../main/core/open-core.ts';
import type { Core } from '../../main/core/core.ts';
import { addSession, type SessionCookie } from './browser-mode.ts';
import { PROJECT_ROOT } from './models.ts';

export const UNIPEN_DIR = process.env.LENET_UNIPEN_DIR ?? resolve(PROJECT_ROOT, '../shared/data/unipen-dev');

export interface DatasetInk {
  readonly label: number;
  readonly writer: string;
  readonly strokes: readonly (readonly (readonly number[])[])[];
}

/** Inks from a unipen-dev file (real pen data, read in place, never copied into the repo). */
export function readInks(file: string): DatasetInk[] {
  return readFileSync(join(UNIPEN_DIR, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as DatasetInk);
}

/** The first ink of each digit 0-9, taken from the given files in turn (different writers and tablets). */
export function oneInkPerDigit(files: readonly string[]): DatasetInk[] {
  const pools = files.map(readInks);
  return Array.from({ length: 10 }, (_, digit) => {
    const pool = pools[digit % pools.length];
    const ink = pool.find((i) => i.label === digit && i.strokes.length <= 4);
    if (!ink) throw new Error(`no ink of digit ${digit} in ${files[digit % files.length]}`);
    return ink;
  });
}

/**
 * Replays an ink as mouse moves on the drawing field: scaled to fill `fill` of the field, centred,
 * one move per recorded point, one press per stroke.
 */
export async function drawInk(page: Page, ink: Pick<DatasetInk, 'strokes'>, fill = 0.65): Promise<void> {
  const box = await page.getByTestId('drawing-field').boundingBox();
  if (!box) throw new Error('the drawing field is not visible');
  const points = ink.strokes.flat();
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const minX = Math.min(...xs);
  const minY = Math.min(...ys);
  const extent = Math.max(Math.max(...xs) - minX, Math.max(...ys) - minY, 1e-9);
  const scale = (Math.min(box.width, box.height) * fill) / extent;
  const left = box.x + box.width / 2 - ((Math.max(...xs) - minX) * scale) / 2;
  const top = box.y + box.height / 2 - ((Math.max(...ys) - minY) * scale) / 2;
  for (const stroke of ink.strokes) {
    const [first, ...rest] = stroke;
    await page.mouse.move(left + (first[0] - minX) * scale, top + (first[1] - minY) * scale);
    await page.mouse.down();
    for (const p of rest) await page.mouse.move(left + (p[0] - minX) * scale, top + (p[1] - minY) * scale);
    await page.mouse.up();
  }
}

export interface ShownPrediction {
  readonly seq: number;
  readonly ink: { strokes: [number, number, number, number][][] };
  readonly top: number;
  readonly modelId: string;
  readonly empty: boolean;
}

/**
 * Waits until the page has nothing left to predict and shows the answer to its latest request, then
 * returns that prediction with the exact ink the page sent for it.
 */
export async function settledPrediction(page: Page): Promise<ShownPrediction> {
  await expect
    .poll(() => page.evaluate(() => {
      const hook = (globalThis as unknown as { __lenetStudio?: { idle: boolean; sent: number; shown: { seq: number } | null } }).__lenetStudio;
      return Boolean(hook && hook.idle && hook.shown && hook.shown.seq === hook.sent);
    }))
    .toBe(true);
  const shown = await page.evaluate(() => (globalThis as unknown as { __lenetStudio: { shown: unknown } }).__lenetStudio.shown);
  return shown as ShownPrediction;
}

export async function openApp(page: Page, language: 'en' | 'zh-CN' = 'en'): Promise<void> {
  const url = process.env.LENET_E2E_URL;
  const session = process.env.LENET_E2E_SESSION;
  if (!url || !session) throw new Error('LENET_E2E_URL is not set: run the tests through playwright.config.ts (its global setup starts browser mode)');
  await addSession(page.context(), JSON.parse(session) as SessionCookie);
  // Set the language once per test: a reload later in the test must find what the page itself stored.
  await page.addInitScript((lang) => {
    type Storage = { getItem(key: string): string | null; setItem(key: string, value: string): void };
    const { sessionStorage, localStorage } = globalThis as unknown as { sessionStorage: Storage; localStorage: Storage };
    if (!sessionStorage.getItem('lenet-e2e-started')) {
      sessionStorage.setItem('lenet-e2e-started', '1');
      localStorage.setItem('lenet-studio.language', lang);
    }
  }, language);
  await page.goto(url);
  await expect(page.getByTestId('layers').locator('.layer').first()).toBeVisible();
  // The server remembers the active model between tests: start each from the default one.
  await switchModel(page, 'modern');
}

/** The core, opened on the same model folders as the server: the independent judge of what the page shows. */
let oracle: Promise<Core> | null = null;
export function coreOracle(): Promise<Core> {
  const modelsDir = process.env.LENET_E2E_MODELS;
  if (!modelsDir) throw new Error('LENET_E2E_MODELS is not set: run the tests through playwright.config.ts');
  oracle ??= openCore({ bundledModelsDir: modelsDir, version: 'e2e-oracle', transport: 'web' });
  return oracle;
}

/** Empties the drawing field (the Clear button is disabled when there is nothing to clear). */
export async function clearDrawing(page: Page): Promise<void> {
  const clear = page.getByTestId('clear');
  if (await clear.isEnabled()) await clear.click();
  await expect(page.getByTestId('drawing-field')).toHaveAttribute('data-strokes', '0');
}

/** The id of the bundled model of an architecture, as the core lists it. */
export async function modelIdOf(arch: 'modern' | 'classic'): Promise<string> {
  const { models } = await (await coreOracle()).listModels({});
  const model = models.find((m) => m.arch === arch && m.bundled);
  if (!model) throw new Error(`the test models have no bundled ${arch} model`);
  return model.id;
}

/** Activates a model through the UI and waits until the page shows that model's layers. */
export async function switchModel(page: Page, arch: 'modern' | 'classic'): Promise<string> {
  const id = await modelIdOf(arch);
  const option = page.getByTestId('model-switcher').locator(`[data-value="${id}"]`);
  await option.click();
  await expect(option).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('layers')).toHaveAttribute('data-model', id);
  return id;
}

/** Whether a canvas has been painted and, if `varied`, holds more than one colour. */
export async function canvasStats(page: Page, selector: string): Promise<{ painted: boolean; colours: number }[]> {
  return page.locator(selector).evaluateAll((canvases) =>
    canvases.map((node) => {
      const canvas = node as unknown as { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null };
      const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
      if (!pixels) return { painted: false, colours: 0 };
      let painted = true;
      const colours = new Set<number>();
      for (let i = 0; i < pixels.length; i += 4) {
        if (pixels[i + 3] !== 255) painted = false;
        colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
      }
      return { painted, colours: colours.size };
    }),
  );
}

/**
 * The receptive field of unit (row, col) outlined on "what the network sees": where the core's
 * receptive-field arithmetic (start + index × jump, clipped at the border) puts it, and as wide.
 */
export async function expectFieldOutline(
  page: Page,
  field: { readonly size: readonly [number, number]; readonly jump: readonly [number, number]; readonly start: readonly [number, number] },
  row: number,
  col: number,
  inputWidth: number,
): Promise<void> {
  const image = page.locator('.sees .gray-image');
  const outline = image.locator('.gray-image__field');
  await expect(outline).toBeVisible();
  const imageBox = (await image.locator('canvas').boundingBox())!;
  const outlineBox = (await outline.boundingBox())!;
  const unit = imageBox.width / inputWidth;
  const top = Math.max(0, field.start[0] + row * field.jump[0]);
  const left = Math.max(0, field.start[1] + col * field.jump[1]);
  expect(outlineBox.x - imageBox.x).toBeCloseTo(left * unit, 0);
  expect(outlineBox.y - imageBox.y).toBeCloseTo(top * unit, 0);
  expect(outlineBox.width).toBeCloseTo(Math.min(field.size[1], inputWidth - left) * unit, 0);
}

/** The little of the page's DOM that coveredByToast reads (the tests compile without the DOM's types). */
interface Box {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}
interface PageElement {
  readonly parentElement: PageElement | null;
  readonly dataset: Record<string, string | undefined>;
  readonly textContent: string | null;
  readonly tagName: string;
  getBoundingClientRect(): Box;
  contains(other: PageElement): boolean;
  checkVisibility(options: { checkOpacity: boolean; checkVisibilityCSS: boolean }): boolean;
  getAttribute(name: string): string | null;
}
interface PageWindow {
  readonly document: { querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): Iterable<PageElement> };
  readonly innerWidth: number;
  readonly innerHeight: number;
  getComputedStyle(element: PageElement): { overflowX: string; overflowY: string };
}

/**
 * The controls (buttons, fields, links) and the drawing field that the toast covers at the window's
 * present size, as far as they are shown: each clipped by the scrolling boxes around it and the window.
 */
export async function coveredByToast(page: Page): Promise<string[]> {
  await expect(page.getByTestId('toast')).toBeVisible();
  return page.evaluate(() => {
    const w = globalThis as unknown as PageWindow;
    const toast = w.document.querySelector('[data-testid=toast]')!;
    const t = toast.getBoundingClientRect();
    const covered: string[] = [];
    for (const el of w.document.querySelectorAll('button, input, select, textarea, a[href], [data-testid=drawing-field]')) {
      if (toast.contains(el) || !el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
      const r = el.getBoundingClientRect();
      let box: Box = { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
      const clip = (c: Box) => {
        box = { left: Math.max(box.left, c.left), top: Math.max(box.top, c.top), right: Math.min(box.right, c.right), bottom: Math.min(box.bottom, c.bottom) };
      };
      for (let p = el.parentElement; p; p = p.parentElement) {
        const style = w.getComputedStyle(p);
        if (style.overflowX !== 'visible' || style.overflowY !== 'visible') clip(p.getBoundingClientRect());
      }
      clip({ left: 0, top: 0, right: w.innerWidth, bottom: w.innerHeight });
      if (box.right - box.left <= 1 || box.bottom - box.top <= 1) continue; // not shown, or visually hidden
      const across = Math.min(box.right, t.right) - Math.max(box.left, t.left);
      const down = Math.min(box.bottom, t.bottom) - Math.max(box.top, t.top);
      if (across > 0 && down > 0) covered.push(el.dataset.testid ?? el.getAttribute('aria-label') ?? el.textContent?.trim() ?? el.tagName);
    }
    return covered;
  });
}
