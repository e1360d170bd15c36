import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { clearDrawing, coreOracle, drawInk, oneInkPerDigit, openApp, settledPrediction, switchModel, type DatasetInk } from './helpers.ts';

/**
 * The page shows what the core predicts: each unipen ink is drawn with the mouse, and the digit and the
 * probabilities on screen must equal the core's answer for the exact ink the page sent (read back from
 * the page), computed here by a separate core on the same model folders.
 */
async function checkInks(page: Page, inks: readonly DatasetInk[], modelId: string): Promise<void> {
  const core = await coreOracle();
  for (const ink of inks) {
    await clearDrawing(page);
    await drawInk(page, ink);
    const shown = await settledPrediction(page);
    expect(shown.modelId).toBe(modelId);
    // The page built one stroke per pen-down of the replay, each with [x, y, t, p] points.
    expect(shown.ink.strokes).toHaveLength(ink.strokes.length);
    for (const stroke of shown.ink.strokes) for (const point of stroke) expect(point).toHaveLength(4);

    const truth = await core.predict({ ink: shown.ink, modelId });
    expect(truth.empty).toBe(false);
    await expect(page.getByTestId('predicted-digit')).toHaveAttribute('data-digit', String(truth.top));
    const bars = page.getByTestId('probability-bars').locator('[data-digit]');
    const shownProbabilities = (await bars.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-p'))))) as number[];
    shownProbabilities.forEach((p, digit) => expect(p).toBeCloseTo(truth.probabilities[digit], 6));
    await expect(page.getByTestId('prediction')).toHaveAttribute('data-verdict', truth.probabilities[truth.top] < 0.5 ? 'unsure' : 'sure');
  }
}

test('modern model: the digit shown is the core’s prediction for the ink the page sent', async ({ page }) => {
  await openApp(page);
  const id = await switchModel(page, 'modern');
  await checkInks(page, oneInkPerDigit(['ced.jsonl', 'tos.jsonl', 'imp.jsonl', 'gmd.jsonl']), id);
});

test('classic model: the digit shown is the core’s prediction for the ink the page sent', async ({ page }) => {
  await openApp(page);
  const id = await switchModel(page, 'classic');
  await checkInks(page, oneInkPerDigit(['uqb.jsonl', 'syn.jsonl']).slice(0, 4), id);
});

test('an empty canvas says so instead of naming a digit', async ({ page }) => {
  await openApp(page);
  const shown = await settledPrediction(page);
  expect(shown.empty).toBe(true);
  expect(shown.ink.strokes).toHaveLength(0);
  await expect(page.getByTestId('prediction')).toHaveAttribute('data-verdict', 'empty');
  await expect(page.getByTestId('predicted-digit')).toHaveCount(0);
});
