import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './fixtures.ts';
import { coreOracle, expectFieldOutline, openApp, settledPrediction, drawInk } from './helpers.ts';
import { LANGUAGES, openScreens, SCREENS, SEVEN, showScreen, startSeededServer, type SeededServer } from './screens.ts';

/**
 * Keyboard users inspect units as pointer users do (a focused map, the arrow keys, its value and its
 * receptive field), skip links take them past the header and the maps, and an automated scan (axe-core)
 * finds no serious or critical violation on any screen, in either language, with or without
 * presentation mode.
 */

test('arrow keys move a cursor over a focused map and show its value and receptive field', async ({ page }) => {
  await openApp(page);
  await drawInk(page, SEVEN);
  const shown = await settledPrediction(page);
  const core = await coreOracle();
  const truth = await core.predict({ ink: shown.ink, modelId: shown.modelId });
  const info = await core.modelInfo({ id: shown.modelId });
  const c3 = info.layers.find((l) => l.name === 'C3')!;
  const [, h, w] = c3.outputShape;

  const map = page.getByTestId('maps-C3').locator('canvas').nth(5);
  await map.focus();
  await expect(map).toHaveAttribute('aria-label', /Arrow keys/);
  await page.keyboard.press('ArrowRight'); // shows the cursor on unit (0, 0)
  await expect(map).toHaveAttribute('data-cursor', '0,0');
  for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
  await expect(map).toHaveAttribute('data-cursor', '3,6');
  const readout = page.getByTestId('hover-readout');
  await expect(readout).toContainText('C3 · map 5 · unit (3, 6)');
  const value = truth.activations.find((a) => a.name === 'C3')!.data[5 * h * w + 3 * w + 6];
  expect(Number((await readout.textContent())!.split('=')[1].trim().replace(/,/g, ''))).toBeCloseTo(value, 2);
  // The arrows moved the cursor, not the page or the focus.
  await expect(map).toBeFocused();

  // The cursor frame stands over that unit of the map.
  const box = (await map.boundingBox())!;
  const cursor = (await page.locator('.heatmap__cursor').boundingBox())!;
  expect(cursor.x - box.x).toBeCloseTo((6 / w) * box.width, 0);
  expect(cursor.y - box.y).toBeCloseTo((3 / h) * box.height, 0);

  // The receptive field the core's arithmetic gives for unit (3, 6), outlined on the network's input.
  await expectFieldOutline(page, c3.receptiveField, 3, 6, truth.networkInput.width);

  // The cursor stops at the map's edge.
  for (let i = 0; i < w + 2; i++) await page.keyboard.press('ArrowRight');
  await expect(map).toHaveAttribute('data-cursor', `3,${w - 1}`);
  await page.keyboard.press('Home');
  await expect(map).toHaveAttribute('data-cursor', '3,0');

  // Escape drops the cursor; leaving the map does too.
  await page.keyboard.press('Escape');
  await expect(map).not.toHaveAttribute('data-cursor', /./);
  await expect(readout).toHaveText('Hover a unit to read its value.');
  await page.keyboard.press('ArrowDown');
  await expect(readout).toContainText('C3 · map 5 · unit (0, 0)');
  await page.keyboard.press('Tab');
  await expect(readout).toHaveText('Hover a unit to read its value.');
  await expect(page.locator('.heatmap__cursor')).toHaveCount(0);

  // Vectors too: C5's 120 units in rows of 24, the cursor reads unit index row * 24 + col.
  const c5 = page.getByTestId('maps-C5').locator('canvas');
  await c5.focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  await expect(readout).toContainText('C5');
  await expect(readout).toContainText('25');
});

test('skip links reach the drawing field and the layers, and pass the map grid', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('tab-samples').click();
  // A fresh page (the samples tab remembered): the first Tab reaches the skip links.
  await page.reload();
  await expect(page.getByTestId('samples')).toBeVisible();
  await page.keyboard.press('Tab');
  const toDrawing = page.getByTestId('skip-to-drawing');
  await expect(toDrawing).toBeFocused();
  // Shown while focused, where it does not cover the page's own controls for long.
  expect((await toDrawing.boundingBox())!.width).toBeGreaterThan(40);
  await page.keyboard.press('Tab');
  const toLayers = page.getByTestId('skip-to-layers');
  await expect(toLayers).toBeFocused();
  await page.keyboard.press('Enter');
  // The layers view is shown (it was the samples tab) and focus is in its list: the next Tab reaches a map.
  await expect(page.locator('#layers-list')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('maps-C1').locator('canvas').first()).toBeFocused();

  await page.getByTestId('skip-past-maps').focus();
  await expect(page.getByTestId('skip-past-maps')).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('back-to-drawing')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('drawing-field')).toBeFocused();

  await page.getByTestId('skip-to-drawing').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('drawing-field')).toBeFocused();
});

let seeded: SeededServer;
test.describe('automated scan', () => {
  test.beforeAll(async () => {
    seeded = await startSeededServer();
  });
  test.afterAll(async () => {
    await seeded?.stop();
  });

  test('the scan is not blind: it reports a nameless button and unreadable text added to the page', async ({ page }) => {
    await openScreens(page, seeded, 'en');
    await page.evaluate(() => {
      type El = { id: string; textContent: string; style: { color: string }; setAttribute(n: string, v: string): void };
      const d = (globalThis as unknown as { document: { body: { append(...e: El[]): void }; createElement(tag: string): El } }).document;
      const button = d.createElement('button');
      button.setAttribute('type', 'button');
      const faint = d.createElement('p');
      faint.textContent = 'faint text';
      faint.style.color = '#f3f5f8'; // the page's background colour (CSSOM: the CSP refuses style attributes)
      const panel = (d as unknown as { querySelector(s: string): { append(...e: El[]): void } }).querySelector('section.draw');
      panel.append(button, faint);
    });
    const result = await new AxeBuilder({ page }).analyze();
    const ids = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
    expect(ids).toEqual(expect.arrayContaining(['button-name', 'color-contrast']));
  });

  for (const presenting of [false, true]) {
    for (const language of LANGUAGES) {
      const name = `${language}${presenting ? ', presentation mode' : ''}`;
      test(`axe-core finds no serious or critical violation on any screen (${name})`, async ({ page }, testInfo) => {
        await openScreens(page, seeded, language, presenting ? { 'lenet-studio.presentation': 'on' } : {});
        const found: { screen: string; id: string; impact: string; help: string; nodes: string[] }[] = [];
        const counts: Record<string, { passes: number; violations: number; incomplete: { id: string; impact: string; nodes: string[] }[] }> = {};
        for (const screen of SCREENS) {
          await showScreen(page, screen);
          const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
          counts[screen] = { passes: result.passes.length, violations: result.violations.length, incomplete: result.incomplete.map((r) => ({ id: r.id, impact: r.impact ?? 'none', nodes: r.nodes.slice(0, 3).map((n) => n.target.join(' ')) })) };
          for (const v of result.violations) {
            found.push({ screen, id: v.id, impact: v.impact ?? 'none', help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) });
          }
        }
        const report = { language, presenting, counts, violations: found };
        const file = process.env.AXE_REPORT_DIR ? `${process.env.AXE_REPORT_DIR}/axe-${language}${presenting ? '-presenting' : ''}.json` : testInfo.outputPath('axe.json');
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, JSON.stringify(report, null, 2));
        expect(found.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
      });
    }
  }
});
