import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { drawInk, openApp, readInks, settledPrediction, switchModel } from './helpers.ts';

const SHOTS = process.env.LENET_SHOTS_DIR ?? 'test-results/shots/lab';
const SEVEN = readInks('tos.jsonl').find((ink) => ink.label === 7 && ink.strokes.length <= 2)!;

async function openLab(page: Page, language: 'en' | 'zh-CN' = 'en'): Promise<void> {
  await openApp(page, language);
  await page.getByTestId('tab-lab').click();
  await expect(page.getByTestId('lab-output-0')).toBeVisible();
}

/** The numbers an output map shows, row by row. */
async function grid(page: Page, testId: string): Promise<string[][]> {
  const rows = page.getByTestId(testId).locator('tr');
  const out: string[][] = [];
  for (const row of await rows.all()) out.push(await row.locator('td').allTextContents());
  return out;
}

async function setNumber(page: Page, testId: string, value: number): Promise<void> {
  await page.getByTestId(testId).fill(String(value));
}

test('the textbook cross-correlation, padding and stride, end to end', async ({ page }) => {
  await openLab(page);
  await expect.poll(() => grid(page, 'lab-output-0')).toEqual([['25', '31'], ['43', '49']]);
  await page.getByTestId('lab-output-0').locator('td').first().hover();
  await expect(page.getByTestId('lab-worked').getByTestId('worked-terms')).toHaveText('0×1 + 1×2 + 2×4 + 3×5 = 25');
  await expect(page.getByTestId('lab-worked').getByTestId('worked-value')).toHaveText('25');
  await expect(page.getByTestId('formula-height')).toContainText('⌊(3 − 2 + 2·0) / 1⌋ + 1 = ⌊1 / 1⌋ + 1 = 1 + 1 = 2');

  // keyboard: the arrow keys move the unit, and its sum follows
  await page.getByTestId('lab-output-0').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('lab-worked').getByTestId('worked-terms')).toHaveText('0×2 + 1×3 + 2×5 + 3×6 = 31');
  await page.getByTestId('lab-step').click();
  await expect(page.getByTestId('lab-worked').getByTestId('worked-value')).toHaveText('43');

  // padding 1: a 4x4 output; with stride 2: [[3, 13], [25, 49]]
  await setNumber(page, 'lab-pad-h', 1);
  await setNumber(page, 'lab-pad-w', 1);
  await expect(page.getByTestId('lab-shape')).toContainText('4 × 4 × 1');
  await expect.poll(async () => (await grid(page, 'lab-output-0')).length).toBe(4);
  await setNumber(page, 'lab-stride-h', 2);
  await setNumber(page, 'lab-stride-w', 2);
  await expect.poll(() => grid(page, 'lab-output-0')).toEqual([['3', '13'], ['25', '49']]);
  await expect(page.getByTestId('formula-width')).toContainText('⌊(3 − 2 + 2·1) / 2⌋ + 1 = ⌊3 / 2⌋ + 1 = 1 + 1 = 2');
  await page.getByTestId('lab-output-0').locator('td').first().hover();
  await expect(page.getByTestId('lab-worked').getByTestId('worked-terms')).toHaveText('0×0 + 1×0 + 2×0 + 3×1 = 3');
  // padding and stride per axis
  await setNumber(page, 'lab-stride-w', 1);
  await setNumber(page, 'lab-pad-w', 0);
  await expect(page.getByTestId('lab-shape')).toContainText('2 × 2 × 1');
  await setNumber(page, 'lab-stride-h', 1);
  await expect(page.getByTestId('lab-shape')).toContainText('4 × 2 × 1');

  // the presets of the same lessons
  await page.getByTestId('lab-source').selectOption('stride');
  await expect.poll(() => grid(page, 'lab-output-0')).toEqual([['3', '13'], ['25', '49']]);
  await page.getByTestId('lab-source').selectOption('edge-band');
  await expect.poll(async () => (await grid(page, 'lab-output-0'))[0]).toEqual(['0', '1', '0', '0', '0', '-1', '0']);
  await page.getByTestId('lab-source').selectOption('vertical-edge');
  await expect.poll(() => grid(page, 'lab-output-0')).toEqual([['0', '30', '30'], ['0', '30', '30'], ['0', '30', '30']]);
});

test('a matrix typed by keyboard, and bad input kept out', async ({ page }) => {
  await openLab(page);
  const cell = page.getByTestId('lab-input-0').locator('input').first();
  await cell.fill('10');
  await cell.press('Enter');
  // 10 sits under the kernel's 0: the first output is still 25; with the kernel's 3 on it, it counts
  await expect.poll(() => grid(page, 'lab-output-0')).toEqual([['25', '31'], ['43', '49']]);
  const kernelCell = page.getByTestId('lab-kernel-0-0').locator('input').first();
  await kernelCell.fill('1');
  await kernelCell.press('Enter');
  await expect.poll(() => grid(page, 'lab-output-0')).toEqual([['35', '33'], ['47', '54']]);
  await kernelCell.fill('abc');
  await kernelCell.press('Enter');
  await expect(kernelCell).toHaveAttribute('aria-invalid', 'true');
  await expect.poll(() => grid(page, 'lab-output-0')).toEqual([['35', '33'], ['47', '54']]);
});

test('channels: two inputs summed with partial sums, three outputs, and the 1x1 convolution', async ({ page }) => {
  await openLab(page);
  await page.getByTestId('lab-source').selectOption('two-channels');
  await expect.poll(() => grid(page, 'lab-output-0')).toEqual([['56', '72'], ['104', '120']]);
  await page.getByTestId('lab-output-0').locator('td').first().hover();
  const terms = page.getByTestId('lab-worked').getByTestId('worked-terms');
  await expect(terms).toHaveText(['0×0 + 1×1 + 2×3 + 3×4 = 19', '1×1 + 2×2 + 3×4 + 4×5 = 37']);
  await expect(page.getByTestId('lab-worked').getByTestId('worked-total')).toContainText('19 + 37 + 0 (bias) = 56');
  await page.getByTestId('lab-source').selectOption('three-outputs');
  await expect(page.getByTestId('lab-output-2')).toBeVisible();
  await expect.poll(() => grid(page, 'lab-output-1')).toEqual([['76', '100'], ['148', '172']]);
  await page.getByTestId('lab-source').selectOption('one-by-one');
  await expect(page.getByTestId('lab-one-by-one')).toContainText('has 8 parameters and does 54 multiply-adds');
  await expect(page.getByTestId('lab-one-by-one')).toContainText('56 parameters and 486 multiply-adds');
});

test('activation with its derivative, then max and average pooling', async ({ page }) => {
  await openLab(page);
  await page.getByTestId('lab-source').selectOption('padding');
  await page.getByTestId('lab-bias-0').fill('-30');
  await page.getByTestId('lab-bias-0').blur();
  await page.getByTestId('lab-fn').selectOption('relu');
  await expect.poll(async () => (await grid(page, 'lab-output-0'))[1]).toEqual(['0', '0', '1', '0']);
  await page.getByTestId('lab-output-0').locator('td').nth(5).hover();
  await expect(page.getByTestId('lab-worked').getByTestId('worked-activation')).toContainText('ReLU(-5) = 0');
  await expect(page.getByTestId('lab-worked').getByTestId('worked-activation')).toContainText('slope there 0');
  await expect(page.getByTestId('activation-plot').locator('circle')).toHaveCount(2);
  await expect(page.getByTestId('activation-curve-key')).toHaveText('ReLU curve');
  await page.getByTestId('lab-fn').selectOption('identity');
  // no activation is the line f(z) = z, not a curve called "none"
  await expect(page.getByTestId('activation-curve-key')).toHaveText('f(z) = z (no activation)');
  await page.getByTestId('lab-bias-0').fill('0');
  await page.getByTestId('lab-bias-0').blur();
  await page.getByTestId('lab-pool').locator('[data-value="max"]').click();
  await expect.poll(() => grid(page, 'lab-pooled-0')).toEqual([['25', '31'], ['43', '49']]);
  await page.getByTestId('lab-pooled-0').locator('td').nth(2).hover();
  await expect(page.getByTestId('lab-pool-worked').getByTestId('worked-terms')).toHaveText('max(25, 43, 7, 8) = 43');
  await page.getByTestId('lab-pool').locator('[data-value="avg"]').click();
  await expect(page.getByTestId('lab-pool-worked').getByTestId('worked-terms')).toHaveText('(25 + 43 + 7 + 8) / 4 = 20.8');
});

test('the drawing as input with a learned C1 kernel', async ({ page }) => {
  await openLab(page);
  await drawInk(page, SEVEN);
  await settledPrediction(page);
  await page.getByTestId('lab-source').selectOption('drawing');
  await page.getByTestId('lab-kernel-preset').selectOption('C1:modern:0');
  await expect(page.getByTestId('lab-shape')).toContainText('28 × 28 × 1');
  await expect(page.getByTestId('formula-height')).toContainText('⌊(28 − 5 + 2·2) / 1⌋ + 1');
  const worked = page.getByTestId('lab-worked');
  await expect(worked.locator('.worked__table')).toHaveCount(3);
});

test('the layer calculator: AlexNet conv1 and the 1x1 bottleneck', async ({ page }) => {
  await openLab(page);
  const calc = page.getByTestId('layer-calculator');
  await calc.scrollIntoViewIfNeeded();
  const row = page.getByTestId('calc-row-conv1');
  await expect(row.locator('td').nth(1)).toHaveText('55×55×96');
  await expect(row.locator('td').nth(2)).toHaveText('290,400');
  await expect(row.locator('td').nth(3)).toHaveText('34,944');
  await page.getByTestId('calc-preset').selectOption('bottleneck-direct');
  await expect(page.getByTestId('calc-total-macs')).toHaveText('120,422,400');
  await page.getByTestId('calc-preset').selectOption('bottleneck-1x1');
  await expect(page.getByTestId('calc-total-macs')).toHaveText('12,443,648');
  await page.getByTestId('calc-preset').selectOption('lenet5-classic');
  await expect(page.getByTestId('calc-total-params')).toHaveText('60,000');
  // typing a layer: AlexNet's conv1 with 64 filters
  await page.getByTestId('calc-preset').selectOption('alexnet-conv1');
  await row.getByLabel('conv1 filters').fill('64');
  await expect(row.locator('td').nth(3)).toHaveText(((11 * 11 * 3 + 1) * 64).toLocaleString('en'));
});

for (const language of ['en', 'zh-CN'] as const) {
  for (const [width, height] of [[1600, 1000], [1024, 768]] as const) {
    test(`screenshots of the lab, ${language}, ${width}x${height}`, async ({ page }) => {
      await page.setViewportSize({ width, height });
      await openLab(page, language);
      await drawInk(page, SEVEN);
      await settledPrediction(page);
      await page.getByTestId('lab-source').selectOption('two-channels');
      await page.getByTestId('lab-output-0').locator('td').nth(1).hover();
      await expect(page.getByTestId('lab-worked').getByTestId('worked-value')).toHaveText('72');
      await page.screenshot({ path: `${SHOTS}/lab-${language}-${width}x${height}.png` });
      await page.getByTestId('lab-source').selectOption('drawing');
      await page.getByTestId('lab-kernel-preset').selectOption('C1:modern:0');
      await page.getByTestId('lab-fn').selectOption('relu');
      await expect(page.getByTestId('lab-output-0').locator('canvas')).toBeVisible();
      await page.getByTestId('lab-output-0').hover({ position: { x: 100, y: 90 } });
      await expect(page.getByTestId('lab-worked').locator('.worked__table')).toHaveCount(3);
      await page.getByTestId('lab-output-0').scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SHOTS}/lab-drawing-${language}-${width}x${height}.png` });
    });
  }
}

/** Opens a map's detail dialog and checks its worked sum against the value the map shows (ONNX Runtime's), within 1e-4. */
async function checkWorkedSum(page: Page, layer: string, map: number, groups: number): Promise<void> {
  await page.getByTestId(`maps-${layer}`).locator('canvas').nth(map).click();
  const dialog = page.getByTestId('map-detail');
  await expect(dialog).toBeVisible();
  const sum = dialog.getByTestId('unit-worked-sum');
  await expect(sum.getByTestId('layer-worked')).toBeVisible();
  const agree = async () => {
    const worked = Number(await sum.getByTestId('layer-worked').getAttribute('data-value'));
    const displayed = Number(await sum.getByTestId('unit-displayed').getAttribute('data-value'));
    return Math.abs(worked - displayed);
  };
  await expect.poll(agree).toBeLessThan(1e-4);
  await expect(sum.locator('.worked__group')).toHaveCount(groups);
  // by keyboard: another unit, and again the same value as the map's
  await sum.getByTestId('unit-row').fill('2');
  await expect(sum.locator('h3')).toContainText('(2,');
  await expect.poll(agree).toBeLessThan(1e-4);
}

test('the Layers tab writes out a unit of the modern model on the drawing: its sum is the value the map shows', async ({ page }) => {
  await openApp(page);
  await drawInk(page, SEVEN);
  await settledPrediction(page);
  await checkWorkedSum(page, 'C1', 2, 1);
  await page.keyboard.press('Escape');
  await checkWorkedSum(page, 'C3', 4, 6);
  await page.keyboard.press('Escape');
  await checkWorkedSum(page, 'S2', 1, 1);
  await expect(page.getByTestId('unit-worked-sum').getByTestId('worked-terms')).toContainText('max(');
});

test('the Layers tab writes out C3 and subsampling of the classic model, with its connection table', async ({ page }) => {
  await openApp(page);
  await switchModel(page, 'classic');
  await drawInk(page, SEVEN);
  await settledPrediction(page);
  await checkWorkedSum(page, 'C3', 9, 4);
  await page.keyboard.press('Escape');
  await checkWorkedSum(page, 'S2', 0, 1);
  await expect(page.getByTestId('unit-worked-sum').getByTestId('worked-activation')).toContainText('scaled tanh');
});

/** Clicks the output layer's cell of a digit (ten cells in a row). */
async function clickOutputUnit(page: Page, digit: number): Promise<void> {
  const canvas = page.getByTestId('maps-OUTPUT').locator('canvas');
  const box = (await canvas.boundingBox())!;
  await canvas.click({ position: { x: ((digit + 0.5) * box.width) / 10, y: box.height / 2 } });
}

/** Opens the classic model's output unit of a digit: its squared distance and its probability against what the app shows, within 1e-4. */
async function checkRbfUnit(page: Page, digit: number): Promise<void> {
  await clickOutputUnit(page, digit);
  const dialog = page.getByTestId('map-detail');
  await expect(dialog).toBeVisible();
  const sum = dialog.getByTestId('unit-worked-sum');
  await expect(sum.locator('h3')).toHaveText(`Worked sum of OUTPUT unit ${digit}`);
  const value = async (testId: string) => Number(await sum.getByTestId(testId).getAttribute('data-value'));
  await expect.poll(async () => Math.abs((await value('layer-worked')) - (await value('unit-displayed')))).toBeLessThan(1e-4);
  await expect.poll(async () => Math.abs((await value('unit-probability')) - (await value('unit-shown-probability')))).toBeLessThan(1e-4);
  // the 84 terms laid out as the digit's 12x7 code bitmap, shaded where the code is +1
  const cells = sum.locator('.worked__table td');
  await expect(cells).toHaveCount(84);
  await expect(sum.getByTestId('worked-terms')).toContainText('(78 more)');
  await expect(sum.getByTestId('unit-probability')).toContainText('softmax');
}

test('the Layers tab writes out the classic RBF output: 84 squared differences from the code bitmap, and the probability', async ({ page }) => {
  await openApp(page);
  await switchModel(page, 'classic');
  await drawInk(page, SEVEN);
  const prediction = await settledPrediction(page);
  await checkRbfUnit(page, prediction.top);
  // an RBF unit has no kernels and no activation function: the dialog says what it shows instead
  await expect(page.getByRole('dialog').getByRole('heading', { name: 'How it is computed' })).toBeVisible();
  await expect(page.getByTestId('detail-values')).toHaveText('The layer’s output values (it has no activation function of its own).');
  // the digit 1's code: the shaded cells are its inked pixels
  await page.keyboard.press('Escape');
  await checkRbfUnit(page, 1);
  await expect(page.getByTestId('unit-worked-sum').locator('.worked__marked')).toHaveCount(16);
});

for (const language of ['en', 'zh-CN'] as const) {
  for (const [width, height] of [[1600, 1000], [1024, 768]] as const) {
    test(`screenshots of the classic RBF worked sum, ${language}, ${width}x${height}`, async ({ page }) => {
      await page.setViewportSize({ width, height });
      await openApp(page, language);
      await switchModel(page, 'classic');
      await drawInk(page, SEVEN);
      const prediction = await settledPrediction(page);
      await clickOutputUnit(page, prediction.top);
      const sum = page.getByTestId('unit-worked-sum');
      await expect(sum.getByTestId('unit-probability')).toBeVisible();
      await page.screenshot({ path: `${SHOTS}/layers-rbf-${language}-${width}x${height}.png` });
      await sum.getByTestId('unit-probability').scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SHOTS}/layers-rbf-probability-${language}-${width}x${height}.png` });
    });
    test(`screenshots of a Layers worked sum, ${language}, ${width}x${height}`, async ({ page }) => {
      await page.setViewportSize({ width, height });
      await openApp(page, language);
      await drawInk(page, SEVEN);
      await settledPrediction(page);
      await page.getByTestId('maps-C3').locator('canvas').nth(4).click();
      const sum = page.getByTestId('unit-worked-sum');
      await expect(sum.getByTestId('layer-worked')).toBeVisible();
      await page.screenshot({ path: `${SHOTS}/layers-worked-${language}-${width}x${height}.png` });
    });
  }
}
