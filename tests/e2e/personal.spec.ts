import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { createCore } from '../../main/core/core.ts';
import { modelRoots } from '../../main/versions/paths.ts';
import { ModelRuntime } from '../../main/runtime/model-runtime.ts';
import { addSession, exchangeLaunchUrl, startBrowserMode, type RunningServer, type SessionCookie } from './browser-mode.ts';
import { expect, test } from './fixtures.ts';
import { canvasStats, clearDrawing, coreOracle, coveredByToast, drawInk, modelIdOf, readInks, settledPrediction, type DatasetInk } from './helpers.ts';

/**
 * Personal samples and fine-tuning, end to end in Chromium against browser mode with a data folder of its
 * own (a fresh temporary --data-dir, so every count below is exact): draw and save samples, correct a
 * misread one, see them in the gallery and the confusion view, fine-tune with live progress, activate the
 * result, roll back to the bundled model.
 */
let server: RunningServer;
let session: SessionCookie;
let dataDir: string;

test.beforeAll(async () => {
  const modelsDir = process.env.LENET_E2E_MODELS;
  if (!modelsDir) throw new Error('LENET_E2E_MODELS is not set: run the tests through playwright.config.ts');
  dataDir = await mkdtemp(join(tmpdir(), 'lenet-e2e-personal-'));
  server = await startBrowserMode({ modelsDir, dataDir });
  session = await exchangeLaunchUrl(server.launchUrl);
});

test.afterAll(async () => {
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

test.describe.configure({ mode: 'serial' });

const inks = readInks('ced.jsonl');
/** Three inks of each of four digits: twelve samples, more than the ten fine-tuning needs. */
const DIGITS = [0, 1, 4, 7];
const TO_SAVE = DIGITS.flatMap((d) => inks.filter((i) => i.label === d && i.strokes.length <= 3).slice(0, 3));

async function open(page: Page): Promise<void> {
  await page.addInitScript(() => {
    type Storage = { getItem(key: string): string | null; setItem(key: string, value: string): void };
    const w = globalThis as unknown as { sessionStorage: Storage; localStorage: Storage };
    if (!w.sessionStorage.getItem('lenet-e2e-started')) {
      w.sessionStorage.setItem('lenet-e2e-started', '1');
      w.localStorage.setItem('lenet-studio.language', 'en');
    }
  });
  await addSession(page.context(), session);
  await page.goto(server.baseUrl);
  await expect(page.getByTestId('layers').locator('.layer').first()).toBeVisible();
}

/** Inks the test models misread (by the core's own verdict on the file's ink), for "Wrong? It is a …". */
async function misreadCandidates(modelId: string): Promise<DatasetInk[]> {
  const core = await coreOracle();
  const found: DatasetInk[] = [];
  for (const ink of ['ced.jsonl', 'pri.jsonl', 'gmd.jsonl', 'imp.jsonl'].flatMap((f) => readInks(f))) {
    if (ink.strokes.length > 3 || TO_SAVE.includes(ink)) continue;
    const { top } = await core.predict({ ink: { strokes: ink.strokes } as never, modelId });
    if (top !== ink.label) found.push(ink);
    if (found.length === 8) break;
  }
  return found;
}

async function sampleCount(page: Page, digit: number): Promise<number> {
  const text = await page.getByTestId(`save-digit-${digit}`).locator('.digit-key__count').textContent();
  return Number(text);
}

test('collect samples, correct one, fine-tune with progress, activate the result and roll back', async ({ page }) => {
  test.setTimeout(120_000);
  await open(page);
  const modernId = await modelIdOf('modern');
  const field = page.getByTestId('drawing-field');

  await test.step('save drawings with a digit key in the drawing field, or with the digit buttons', async () => {
    await expect(page.getByTestId('save-digit-0')).toBeDisabled(); // nothing drawn yet
    for (const [i, ink] of TO_SAVE.entries()) {
      await drawInk(page, ink);
      await expect(field).toHaveAttribute('data-strokes', String(ink.strokes.length));
      const before = await sampleCount(page, ink.label);
      if (i % 2 === 0) {
        await expect(field).toBeFocused(); // drawing focuses the field, so its digit keys save
        await page.keyboard.press(String(ink.label));
      } else {
        await page.getByTestId(`save-digit-${ink.label}`).click();
      }
      // saved, and the field is cleared for the next one
      await expect(field).toHaveAttribute('data-strokes', '0');
      await expect(page.getByTestId(`save-digit-${ink.label}`).locator('.digit-key__count')).toHaveText(String(before + 1));
      await expect(page.getByTestId('toast')).toContainText(`Saved as a ${ink.label}`);
      // the toast leaves the drawing field, the save bar and every other control uncovered
      if (i === 0) {
        for (const [width, height] of [[1600, 1000], [1024, 768], [1280, 800]] as const) {
          await page.setViewportSize({ width, height });
          expect(await coveredByToast(page), `what the toast covers at ${width}x${height}`).toEqual([]);
        }
      }
    }
    await expect(page.getByTestId('tab-samples')).toContainText(String(TO_SAVE.length));
  });

  let corrected: { label: number; read: number } | null = null;
  await test.step('"Wrong? It is a …" saves a misread drawing with the right label in one step', async () => {
    for (const ink of await misreadCandidates(modernId)) {
      await drawInk(page, ink);
      const shown = await settledPrediction(page);
      if (shown.top === ink.label) {
        await clearDrawing(page); // read right once replayed on the canvas: try the next one
        continue;
      }
      await expect(page.getByTestId(`correct-${shown.top}`)).toBeDisabled();
      await page.getByTestId(`correct-${ink.label}`).click();
      await expect(field).toHaveAttribute('data-strokes', '0');
      await expect(page.getByTestId('toast')).toContainText(`the model had read ${shown.top}`);
      corrected = { label: ink.label, read: shown.top };
      break;
    }
    expect(corrected, 'one of the candidate inks is misread on the canvas too').not.toBeNull();
  });
  const total = TO_SAVE.length + 1;

  await test.step('the gallery groups the samples by digit; a deleted one comes back with Undo', async () => {
    await page.getByTestId('tab-samples').click();
    await expect(page.getByTestId('samples')).toHaveAttribute('data-total', String(total));
    const thumbs = page.getByTestId('sample-thumb');
    await expect(thumbs).toHaveCount(total);
    for (const d of DIGITS) {
      const expected = TO_SAVE.filter((i) => i.label === d).length + (corrected!.label === d ? 1 : 0);
      await expect(page.getByTestId(`gallery-group-${d}`).getByTestId('sample-thumb')).toHaveCount(expected);
    }
    await expect(page.locator(`[data-testid=sample-thumb][data-how=corrected][data-label="${corrected!.label}"]`)).toHaveCount(1);
    // each thumbnail is the core's 28x28 image, painted
    const stats = await canvasStats(page, '[data-testid=sample-thumb] canvas');
    expect(stats).toHaveLength(total);
    for (const s of stats) expect(s.painted && s.colours > 2).toBe(true);

    await thumbs.first().click();
    await expect(thumbs.first()).toHaveAttribute('aria-pressed', 'true');
    await page.getByTestId('delete-selected').click();
    await expect(thumbs).toHaveCount(total - 1);
    await expect(page.getByTestId('toast')).toContainText('Deleted 1');
    await page.getByTestId('toast-undo').click();
    await expect(thumbs).toHaveCount(total);
  });

  await test.step('the confusion view places every sample; a cell shows its drawings', async () => {
    await page.getByTestId('samples-mode').locator('[data-value="confusion"]').click();
    const confusion = page.getByTestId('confusion');
    await expect(confusion).toHaveAttribute('data-model', modernId);
    const cells = confusion.locator('.confusion__cell');
    const numbers = (await cells.allTextContents()).map(Number);
    expect(numbers.reduce((a, b) => a + b, 0)).toBe(total);
    await expect(page.getByTestId(`confusion-cell-${corrected!.label}-${corrected!.read}`)).toBeVisible();
    const first = cells.first();
    const count = Number(await first.textContent());
    await first.click();
    await expect(page.getByTestId('confusion-samples').getByTestId('sample-thumb')).toHaveCount(count);
  });

  let personalId = '';
  await test.step('fine-tune: a short run with live progress and curves, then the result card', async () => {
    await page.getByTestId('tab-train').click();
    await expect(page.getByTestId('readiness')).toHaveAttribute('data-ready', 'true');
    await page.getByTestId('train-epochs').fill('2');
    await page.getByTestId('train-start').click();
    await expect(page.getByTestId('training')).toHaveAttribute('data-running', 'true');
    await expect(page.getByTestId('train-cancel')).toBeVisible();
    // progress arrives over the WebSocket while the worker trains
    await expect.poll(async () => Number(await page.getByTestId('train-progress').getAttribute('aria-valuenow')), { timeout: 60_000 }).toBeGreaterThan(0);
    const card = page.getByTestId('result-card');
    await expect(card).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('train-progress')).toHaveAttribute('aria-valuenow', '100');
    expect(Number(await page.getByTestId('train-chart-loss').getAttribute('data-points'))).toBeGreaterThan(0);
    await expect(page.getByTestId('result-mnist')).toContainText('→');
    // digit by digit, the held-out samples add up to the card's total and its before and after
    const heldOut = page.getByTestId('result-heldout');
    const rows = await page.getByTestId('result-per-digit').locator('tbody tr').evaluateAll((els) => els.map((e) => ['data-n', 'data-before', 'data-after'].map((a) => Number(e.getAttribute(a)))));
    const n = rows.reduce((a, r) => a + r[0], 0);
    await expect(heldOut).toContainText(`(${n} digit`);
    expect(rows.reduce((a, r) => a + r[1], 0) / n).toBeCloseTo(Number(await heldOut.getAttribute('data-before')), 9);
    expect(rows.reduce((a, r) => a + r[2], 0) / n).toBeCloseTo(Number(await heldOut.getAttribute('data-after')), 9);
    personalId = (await card.getAttribute('data-model'))!;
    expect(personalId).not.toBe(modernId);
  });

  await test.step('activate the result: the page now predicts with the personal model', async () => {
    await page.getByTestId('result-activate').click();
    await expect(page.getByTestId('toast')).toContainText('now active');
    await expect(page.getByTestId('model-switcher').locator(`[data-value="${personalId}"]`)).toHaveAttribute('aria-checked', 'true');
    await page.getByTestId('tab-layers').click();
    await expect(page.getByTestId('layers')).toHaveAttribute('data-model', personalId);
    await drawInk(page, TO_SAVE[0]);
    const shown = await settledPrediction(page);
    expect(shown.modelId).toBe(personalId);
    // the judge: a core of our own over the same folders, the personal model read from the data folder
    const judge = await createCore({
      roots: modelRoots(process.env.LENET_E2E_MODELS!, dataDir),
      loadModel: (dir) => ModelRuntime.load(dir),
      version: 'e2e-judge', transport: 'web',
    });
    try {
      const truth = await judge.predict({ ink: shown.ink, modelId: personalId });
      await expect(page.getByTestId('predicted-digit')).toHaveAttribute('data-digit', String(truth.top));
    } finally {
      await judge.close();
    }
    await clearDrawing(page);
  });

  await test.step('roll back to the bundled model from the versions list; the choice is remembered', async () => {
    await page.getByTestId('tab-models').click();
    await expect(page.getByTestId(`version-${personalId}`)).toHaveAttribute('data-active', 'true');
    await expect(page.getByTestId(`version-${personalId}`)).toContainText('MNIST test subset');
    await page.getByTestId(`version-activate-${modernId}`).click();
    await expect(page.getByTestId(`version-${modernId}`)).toHaveAttribute('data-active', 'true');
    await page.reload();
    await page.getByTestId('tab-models').click();
    await expect(page.getByTestId(`version-${modernId}`)).toHaveAttribute('data-active', 'true');
    await expect(page.getByTestId(`version-${personalId}`)).toHaveAttribute('data-active', 'false');
    await page.getByTestId('tab-layers').click();
    await expect(page.getByTestId('layers')).toHaveAttribute('data-model', modernId);
  });
});

test('export the samples through the page and import the file back: duplicates are reported, not added', async ({ page }) => {
  await open(page);
  await page.getByTestId('tab-samples').click();
  const total = Number(await page.getByTestId('samples').getAttribute('data-total'));
  expect(total).toBeGreaterThanOrEqual(10);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-zip').click()]);
  expect(download.suggestedFilename()).toMatch(/^lenet-samples-\d{8}\.zip$/);
  const file = join(dataDir, 'exported.zip');
  await download.saveAs(file);
  expect((await readFile(file)).subarray(0, 2).toString()).toBe('PK');

  await page.getByTestId('import-file').setInputFiles(file);
  const report = page.getByTestId('import-report');
  await expect(report).toContainText(`Imported 0, skipped ${total}`);
  await expect(report).toContainText('already in your samples');
  await expect(report.getByTestId('import-files')).toContainText(`exported.zip/samples.jsonl 0 imported, ${total} skipped`);
  await expect(page.getByTestId('samples')).toHaveAttribute('data-total', String(total));
});

test('Delete on a focused thumbnail deletes that sample and leaves the drawing alone', async ({ page }) => {
  await open(page);
  const field = page.getByTestId('drawing-field');
  // a sample of our own to delete, saved with a digit key, then a drawing in progress
  const [saved, drawing] = [TO_SAVE[0], TO_SAVE[1]];
  await drawInk(page, saved);
  await expect(field).toBeFocused();
  await page.keyboard.press(String(saved.label));
  await expect(field).toHaveAttribute('data-strokes', '0');
  await drawInk(page, drawing);
  await expect(field).toHaveAttribute('data-strokes', String(drawing.strokes.length));

  await page.getByTestId('tab-samples').click();
  const samples = page.getByTestId('samples');
  const total = Number(await samples.getAttribute('data-total'));
  expect(total).toBeGreaterThan(0);
  const thumb = page.getByTestId('sample-thumb').last();
  const id = (await thumb.getAttribute('data-id'))!;
  await thumb.focus();
  await expect(thumb).toBeFocused();
  await page.keyboard.press('Delete');

  // the thumbnail's own handler deleted the sample ...
  await expect(page.locator(`[data-testid=sample-thumb][data-id="${id}"]`)).toHaveCount(0);
  await expect(samples).toHaveAttribute('data-total', String(total - 1));
  await expect(page.getByTestId('toast')).toContainText('Deleted 1');
  // ... and the global Delete shortcut did not also clear the drawing
  await expect(field).toHaveAttribute('data-strokes', String(drawing.strokes.length));
  await expect(page.getByTestId('clear')).toBeEnabled();
});
