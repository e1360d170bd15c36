import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { canvasStats, coreOracle, drawInk, expectFieldOutline, openApp, readInks, settledPrediction, switchModel } from './helpers.ts';

const SEVEN = readInks('tos.jsonl').find((ink) => ink.label === 7 && ink.strokes.length <= 2);
if (!SEVEN) throw new Error('tos.jsonl has no 7 drawn in one or two strokes');

/** How many canvases a layer's section should hold, from the core's own layer table. */
function expectedCanvases(outputShape: readonly number[], isF6OfClassic: boolean): number {
  if (isF6OfClassic) return 21; // F6 as a 7x12 image, and again beside each of the ten digits' code bitmaps
  return outputShape.length === 3 && outputShape[1] * outputShape[2] > 1 ? outputShape[0] : 1;
}

async function checkEveryLayerRenders(page: Page, arch: 'modern' | 'classic'): Promise<void> {
  const id = await switchModel(page, arch);
  const info = await (await coreOracle()).modelInfo({ id: id });
  await drawInk(page, SEVEN!);
  await settledPrediction(page);
  for (const [index, layer] of info.layers.entries()) {
    const section = page.getByTestId(`layer-${layer.name}`);
    await expect(section).toBeVisible();
    const isF6OfClassic = Boolean(info.rbfBitmaps) && index === info.layers.length - 2;
    const selector = `[data-testid="layer-${layer.name}"] canvas`;
    await expect(page.locator(selector)).toHaveCount(expectedCanvases(layer.outputShape, isF6OfClassic));
    const stats = await canvasStats(page, selector);
    expect(stats.every((s) => s.painted), `${arch} ${layer.name}: every canvas painted`).toBe(true);
    // A map may be flat (a ReLU unit that never fires), but a layer that sees a digit is not.
    expect(Math.max(...stats.map((s) => s.colours)), `${arch} ${layer.name}: not blank`).toBeGreaterThan(1);
    // Shape, parameters and MACs as the core's layer arithmetic says.
    const facts = section.locator('.layer__stats dd');
    await expect(facts.nth(1)).toHaveText(layer.params.toLocaleString('en'));
    await expect(facts.nth(2)).toHaveText(layer.macs.toLocaleString('en'));
  }
}

test('every layer of the modern model renders its feature maps', async ({ page }) => {
  await openApp(page);
  await checkEveryLayerRenders(page, 'modern');
});

test('every layer of the classic model renders, with C3’s connection table and F6 as a 7x12 image', async ({ page }) => {
  await openApp(page);
  await checkEveryLayerRenders(page, 'classic');
  const info = await (await coreOracle()).modelInfo({ id: await switchModel(page, 'classic') });
  const c3 = info.layers.find((l) => l.name === 'C3');
  const marks = page.getByTestId('c3-table').locator('.c3-table__mark');
  await expect(marks).toHaveCount(c3!.connections!.reduce((n, row) => n + row.length, 0));
  await expect(page.getByTestId('f6-bitmaps')).toBeVisible();
});

test('hovering a unit shows its value and outlines its receptive field on the input', async ({ page }) => {
  await openApp(page);
  await drawInk(page, SEVEN!);
  const shown = await settledPrediction(page);
  const core = await coreOracle();
  const truth = await core.predict({ ink: shown.ink, modelId: shown.modelId });
  const info = await core.modelInfo({ id: shown.modelId });

  // Unit (row 3, col 6) of C3 map 5: hover the middle of that cell.
  const map = page.getByTestId('maps-C3').locator('canvas').nth(5);
  await map.scrollIntoViewIfNeeded();
  const box = (await map.boundingBox())!;
  const [, h, w] = info.layers.find((l) => l.name === 'C3')!.outputShape;
  await page.mouse.move(box.x + ((6 + 0.5) / w) * box.width, box.y + ((3 + 0.5) / h) * box.height);
  const c3 = truth.activations.find((a) => a.name === 'C3')!;
  const value = c3.data[5 * h * w + 3 * w + 6];
  await expect(page.getByTestId('hover-readout')).toContainText('C3 · map 5 · unit (3, 6)');
  const readout = await page.getByTestId('hover-readout').textContent();
  expect(Number(readout!.split('=')[1].trim().replace(/,/g, ''))).toBeCloseTo(value, 2);

  // The outline covers the field the core's receptive-field arithmetic gives for that unit.
  const field = info.layers.find((l) => l.name === 'C3')!.receptiveField;
  await expectFieldOutline(page, field, 3, 6, truth.networkInput.width);
});

test('clicking a map enlarges it with the kernels that produced it', async ({ page }) => {
  await openApp(page);
  const id = await switchModel(page, 'classic');
  await drawInk(page, SEVEN!);
  await settledPrediction(page);
  const info = await (await coreOracle()).modelInfo({ id: id });
  const reads = info.layers.find((l) => l.name === 'C3')!.connections![9];

  await page.getByTestId('maps-C3').locator('canvas').nth(9).click();
  const dialog = page.getByTestId('map-detail');
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('h2')).toContainText('C3');
  // One kernel per S2 map that C3 map 9 reads, the others marked as not read.
  await expect(dialog.getByTestId('kernels').locator('canvas')).toHaveCount(reads.length);
  await expect(dialog.getByTestId('kernels').locator('.kernel--off')).toHaveCount(6 - reads.length);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // Keyboard: a map is a button; Enter opens it.
  await page.getByTestId('maps-C1').locator('canvas').first().focus();
  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('kernels').locator('canvas')).toHaveCount(1);
  await page.keyboard.press('Escape');
});

test('per-map and per-layer scaling draw the same values differently', async ({ page }) => {
  await openApp(page);
  await drawInk(page, SEVEN!);
  await settledPrediction(page);
  const pixels = () =>
    page.getByTestId('maps-C1').locator('canvas').evaluateAll((canvases) =>
      canvases.map((node) => {
        const c = node as unknown as { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
        return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data).join(',');
      }),
    );
  await page.getByTestId('scaling-switcher').locator('[data-value=map]').click();
  const perMap = await pixels();
  await page.getByTestId('scaling-switcher').locator('[data-value=layer]').click();
  const perLayer = await pixels();
  // The map holding the layer's largest value looks the same; the fainter ones differ.
  expect(perMap.filter((p, i) => p !== perLayer[i]).length).toBeGreaterThan(0);
  await page.getByTestId('scaling-switcher').locator('[data-value=map]').click();
});

for (const arch of ['modern', 'classic'] as const) {
  test(`the ${arch} model's layers show the values before the activation function on request, as the core computes them`, async ({ page }) => {
    await openApp(page);
    const id = await switchModel(page, arch);
    await drawInk(page, SEVEN!);
    const before = await settledPrediction(page);
    const core = await coreOracle();
    const info = await core.modelInfo({ id });
    await expect(page.getByTestId('layers')).toHaveAttribute('data-values', 'post');
    // keyboard: the checked option takes focus, the arrow selects "Before activation"
    await page.getByTestId('values-switcher').locator('[aria-checked="true"]').focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('layers')).toHaveAttribute('data-values', 'pre');
    const shown = await settledPrediction(page);
    expect(shown.ink).toEqual(before.ink);
    const truth = await core.predict({ ink: shown.ink, modelId: id, withPreActivations: true });
    for (const layer of info.layers) {
      const own = Boolean(layer.activation) && layer.activation !== 'identity' && layer.kind !== 'activation';
      await expect(page.getByTestId(`values-note-${layer.name}`)).toContainText(own ? 'weighted sum plus bias' : 'the same values');
    }
    // the unit under the pointer reads its pre-activation: C3 map 5, unit (3, 6)
    const map = page.getByTestId('maps-C3').locator('canvas').nth(5);
    await map.scrollIntoViewIfNeeded();
    const box = (await map.boundingBox())!;
    const [, h, w] = info.layers.find((l) => l.name === 'C3')!.outputShape;
    await page.mouse.move(box.x + ((6 + 0.5) / w) * box.width, box.y + ((3 + 0.5) / h) * box.height);
    const pre = truth.preActivations!.find((a) => a.name === 'C3')!.data[5 * h * w + 3 * w + 6];
    const post = truth.activations.find((a) => a.name === 'C3')!.data[5 * h * w + 3 * w + 6];
    await expect(page.getByTestId('hover-readout')).toContainText('C3 · map 5 · unit (3, 6)');
    const readout = await page.getByTestId('hover-readout').textContent();
    expect(Number(readout!.split('=')[1].trim().replace(/,/g, '').replace('−', '-'))).toBeCloseTo(pre, 2);
    // some C3 sums are negative (blue on the diverging scale) while their outputs are not all so
    const c3pre = truth.preActivations!.find((a) => a.name === 'C3')!.data;
    expect(c3pre.some((v) => v < 0)).toBe(true);
    expect(post).not.toBe(pre);
    // the enlarged map says which values it shows
    await map.click();
    await expect(page.getByTestId('detail-values')).toHaveText('Values before the activation function: weighted sum plus bias.');
    await page.keyboard.press('Escape');
    // and back
    await page.getByTestId('values-switcher').locator('[data-value=post]').click();
    await expect(page.getByTestId('layers')).toHaveAttribute('data-values', 'post');
    await expect(page.getByTestId('values-note-C3')).toHaveCount(0);
  });
}

test('the classic F6 image beside each digit’s code bitmap, with the RBF distances the core computed', async ({ page }) => {
  await openApp(page);
  const id = await switchModel(page, 'classic');
  await drawInk(page, SEVEN!);
  const shown = await settledPrediction(page);
  const core = await coreOracle();
  const info = await core.modelInfo({ id });
  const truth = await core.predict({ ink: shown.ink, modelId: id });
  const f6 = truth.activations.find((a) => a.name === 'F6')!.data;
  const distances = truth.activations.at(-1)!.data;
  const bitmaps = info.rbfBitmaps!;
  let nearest = 0;
  for (let d = 0; d < 10; d++) {
    // the distance is the sum of squared differences between F6 and the digit's code (worked here by hand)
    const byHand = bitmaps.data[d].reduce((s, c, j) => s + (f6[j] - c) ** 2, 0);
    expect(distances[d]).toBeCloseTo(byHand, 2);
    const pair = page.getByTestId(`f6-pair-${d}`);
    expect(Number(await pair.getAttribute('data-distance'))).toBeCloseTo(distances[d], 4);
    await expect(pair).toContainText(String(d));
    if (distances[d] < distances[nearest]) nearest = d;
  }
  expect(nearest).toBe(truth.top);
  await expect(page.getByTestId('f6-bitmaps')).toHaveAttribute('data-nearest', String(nearest));
  await expect(page.getByTestId(`f6-pair-${nearest}`)).toHaveClass(/f6-pair--nearest/);
  await expect(page.getByTestId('f6-verdict')).toContainText(`Closest code: digit ${nearest}`);
});
