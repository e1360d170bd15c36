import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures.ts';
import { clearDrawing, coreOracle, drawInk, openApp, readInks, settledPrediction, switchModel } from './helpers.ts';
import { PROJECT_ROOT } from './models.ts';

const inks = readInks('ced.jsonl');
const THREE = inks.find((ink) => ink.label === 3 && ink.strokes.length === 1)!;
const FOUR = inks.find((ink) => ink.label === 4 && ink.strokes.length === 2)!;

test('switching the model changes the layers, the model card and the prediction', async ({ page }) => {
  await openApp(page);
  await drawInk(page, THREE);
  const modern = await settledPrediction(page);
  await expect(page.getByTestId('model-card')).toHaveAttribute('data-model', modern.modelId);
  await expect(page.getByTestId('layer-C1')).toContainText('ReLU');

  const classicId = await switchModel(page, 'classic');
  const classic = await settledPrediction(page);
  expect(classic.modelId).toBe(classicId);
  // The same drawing, predicted again by the other model.
  expect(classic.ink).toEqual(modern.ink);
  await expect(page.getByTestId('model-card')).toHaveAttribute('data-model', classicId);
  await expect(page.getByTestId('model-card')).toContainText((60_000).toLocaleString('en'));
  await expect(page.getByTestId('layer-S2')).toContainText('subsampling');
  await expect(page.getByTestId('c3-table')).toBeVisible();
  const truth = await (await coreOracle()).predict({ ink: classic.ink, modelId: classicId });
  await expect(page.getByTestId('predicted-digit')).toHaveAttribute('data-digit', String(truth.top));

  // Keyboard: M cycles the models.
  await page.keyboard.press('m');
  await expect(page.getByTestId('layers')).toHaveAttribute('data-model', modern.modelId);
});

test('the language switches to Simplified Chinese and back, and is remembered', async ({ page }) => {
  await openApp(page, 'en');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.locator('#draw-title')).toHaveText('Draw a digit');

  await page.getByTestId('language-switcher').locator('[data-value="zh-CN"]').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.locator('#draw-title')).toHaveText('写一个数字');
  await expect(page.locator('#layers-title')).toHaveText('网络内部');
  await expect(page.getByTestId('clear')).toContainText('清除');

  await page.reload();
  await expect(page.locator('#draw-title')).toHaveText('写一个数字');

  await page.getByTestId('language-switcher').locator('[data-value="en"]').click();
  await expect(page.locator('#draw-title')).toHaveText('Draw a digit');
  await page.reload();
  await expect(page.locator('#draw-title')).toHaveText('Draw a digit');
});

test('undo, redo and clear, from the toolbar and the keyboard', async ({ page }) => {
  await openApp(page);
  const field = page.getByTestId('drawing-field');
  await drawInk(page, FOUR);
  await expect(field).toHaveAttribute('data-strokes', '2');
  await page.keyboard.press('Control+z');
  await expect(field).toHaveAttribute('data-strokes', '1');
  expect((await settledPrediction(page)).ink.strokes).toHaveLength(1);
  await page.keyboard.press('Control+Shift+z');
  await expect(field).toHaveAttribute('data-strokes', '2');
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+y');
  await expect(field).toHaveAttribute('data-strokes', '2');
  await page.keyboard.press('Delete');
  await expect(field).toHaveAttribute('data-strokes', '0');
  await page.getByTestId('undo').click();
  await expect(field).toHaveAttribute('data-strokes', '2');
  await page.getByTestId('clear').click();
  await expect(field).toHaveAttribute('data-strokes', '0');
  await expect(page.getByTestId('prediction')).toHaveAttribute('data-verdict', 'empty');
  await page.getByTestId('redo').isDisabled();
});

test('the eraser removes the strokes it touches, and only those', async ({ page }) => {
  await openApp(page);
  const field = page.getByTestId('drawing-field');
  const box = (await field.boundingBox())!;
  // Two separate horizontal strokes, top and bottom.
  for (const y of [0.3, 0.7]) {
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * y, { steps: 8 });
    await page.mouse.up();
  }
  await expect(field).toHaveAttribute('data-strokes', '2');
  await page.getByTestId('tool-eraser').click();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.4, { steps: 6 });
  await page.mouse.up();
  await expect(field).toHaveAttribute('data-strokes', '1');
  const left = (await settledPrediction(page)).ink.strokes[0];
  expect(left[0][1]).toBeGreaterThan(600); // the bottom stroke (ink units: the field is 1000 tall)
  await page.keyboard.press('Control+z');
  await expect(field).toHaveAttribute('data-strokes', '2');
  await page.keyboard.press('e');
  await expect(page.getByTestId('tool-pen')).toHaveAttribute('aria-pressed', 'true');
});

test('a pen draws with its pressure, and its eraser end erases', async ({ page }) => {
  await openApp(page);
  await clearDrawing(page);
  const field = page.getByTestId('drawing-field');
  const box = (await field.boundingBox())!;
  // A real pen stroke through Chromium's input pipeline (CDP reports pointerType "pen" with a force).
  const cdp = await page.context().newCDPSession(page);
  const at = (f: number) => ({ x: box.x + box.width * (0.25 + 0.5 * f), y: box.y + box.height * 0.5 });
  const pen = { pointerType: 'pen' as const, button: 'left' as const };
  await cdp.send('Input.dispatchMouseEvent', { type: 'mouseMoved', ...at(0), ...pen, buttons: 0, force: 0 });
  await cdp.send('Input.dispatchMouseEvent', { type: 'mousePressed', ...at(0), ...pen, buttons: 1, clickCount: 1, force: 0.2 });
  for (let i = 1; i <= 10; i++) await cdp.send('Input.dispatchMouseEvent', { type: 'mouseMoved', ...at(i / 10), ...pen, buttons: 1, force: 0.2 + 0.07 * i });
  await cdp.send('Input.dispatchMouseEvent', { type: 'mouseReleased', ...at(1), ...pen, buttons: 0, clickCount: 1, force: 0 });
  await expect(field).toHaveAttribute('data-strokes', '1');
  const stroke = (await settledPrediction(page)).ink.strokes[0];
  const pressures = stroke.map((p) => p[3]);
  expect(pressures[0]).toBeCloseTo(0.2, 2);
  expect(pressures.at(-1)!).toBeGreaterThan(0.8);

  // The eraser end: pointerType pen with the eraser button (buttons bit 32, button 5).
  await field.evaluate((node, y) => {
    // Page-side code: DOM types are not in the test tsconfig, so the few used are spelled out.
    const el = node as unknown as { getBoundingClientRect(): { left: number; top: number; width: number; height: number }; dispatchEvent(event: unknown): boolean };
    const { PointerEvent } = globalThis as unknown as { PointerEvent: new (type: string, init: Record<string, unknown>) => unknown };
    const rect = el.getBoundingClientRect();
    const event = (type: string, buttons: number, button: number, fy: number) =>
      new PointerEvent(type, { pointerType: 'pen', pointerId: 77, isPrimary: true, bubbles: true, cancelable: true, buttons, button, pressure: 0.5, clientX: rect.left + rect.width * 0.5, clientY: rect.top + rect.height * fy });
    el.dispatchEvent(event('pointerdown', 32, 5, y - 0.1));
    el.dispatchEvent(event('pointermove', 32, -1, y + 0.1));
    el.dispatchEvent(event('pointerup', 0, 5, y + 0.1));
  }, 0.5);
  await expect(field).toHaveAttribute('data-strokes', '0');
});

test('the preprocessing steps appear on demand', async ({ page }) => {
  await openApp(page);
  await drawInk(page, THREE);
  await settledPrediction(page);
  await expect(page.getByTestId('preprocess-steps')).toHaveCount(0);
  await page.getByTestId('toggle-steps').click();
  for (const step of ['cropped', 'fitted', 'centred']) await expect(page.getByTestId(`step-${step}`)).toBeVisible();
  const shown = await settledPrediction(page);
  const truth = await (await coreOracle()).predict({ ink: shown.ink, modelId: shown.modelId, withSteps: true });
  const size = await page.getByTestId('step-fitted').evaluate((c) => [(c as unknown as { width: number }).width, (c as unknown as { height: number }).height]);
  expect(size).toEqual([truth.steps!.fitted.width, truth.steps!.fitted.height]);
  await page.keyboard.press('s');
  await expect(page.getByTestId('preprocess-steps')).toHaveCount(0);
});

test('the tab order reaches the controls, with a visible focus ring', async ({ page }) => {
  await openApp(page);
  // Start the tab sequence from the top of the page (a click on plain text moves its starting point).
  await page.locator('.brand__name').click();
  const reached: string[] = [];
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    reached.push(await page.evaluate(() => {
      type El = { tagName: string; className: string; getAttribute(name: string): string | null; closest(selector: string): El | null };
      const el = (globalThis as unknown as { document: { activeElement: El | null } }).document.activeElement;
      return el ? el.getAttribute('data-testid') ?? el.closest('[data-testid]')?.getAttribute('data-testid') ?? `${el.tagName}.${el.className}` : '';
    }));
  }
  for (const control of ['model-switcher', 'language-switcher', 'about-button', 'drawing-field', 'tool-pen', 'tool-eraser']) expect(reached).toContain(control);
  const ring = await page.evaluate(() => {
    const g = globalThis as unknown as { document: { activeElement: unknown }; getComputedStyle(el: unknown): { boxShadow: string } };
    return g.getComputedStyle(g.document.activeElement).boxShadow;
  });
  expect(ring).not.toBe('none');
});

test('main screen screenshot (for the README)', async ({ page }, testInfo) => {
  await openApp(page, 'en');
  await drawInk(page, THREE);
  await settledPrediction(page);
  await page.mouse.move(0, 0);
  const artifact = testInfo.outputPath('main-screen.png');
  await page.screenshot({ path: artifact });
  await testInfo.attach('main screen', { path: artifact, contentType: 'image/png' });
  // The README's picture is refreshed on request only, so a test run leaves the checkout as it was.
  if (process.env.UPDATE_README_SCREENSHOT === '1') {
    mkdirSync(join(PROJECT_ROOT, 'docs'), { recursive: true });
    await page.screenshot({ path: join(PROJECT_ROOT, 'docs/screenshot.png') });
  }

  await page.getByTestId('language-switcher').locator('[data-value="zh-CN"]').click();
  await expect(page.getByTestId('about-button')).toContainText('关于');
  await page.screenshot({ path: testInfo.outputPath('main-screen-zh-CN.png') });
  if (process.env.UPDATE_README_SCREENSHOT === '1') await page.screenshot({ path: join(PROJECT_ROOT, 'docs/screenshot-zh-CN.png') });
  await page.getByTestId('language-switcher').locator('[data-value="en"]').click();

  // A narrow window (a tablet in portrait, a laptop at 200%): drawing and prediction side by side, the layers below.
  await page.setViewportSize({ width: 800, height: 1000 });
  await expect(page.getByTestId('layers')).toBeVisible();
  await page.mouse.move(0, 0);
  // The page scrolls vertically here: the picture runs on to the first layers.
  const narrow = { fullPage: true, clip: { x: 0, y: 0, width: 800, height: 1500 } };
  await page.screenshot({ ...narrow, path: testInfo.outputPath('main-screen-narrow.png') });
  if (process.env.UPDATE_README_SCREENSHOT === '1') await page.screenshot({ ...narrow, path: join(PROJECT_ROOT, 'docs/screenshot-narrow.png') });
});
