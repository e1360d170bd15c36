import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { drawInk, openApp, settledPrediction } from './helpers.ts';
import { SEVEN } from './screens.ts';

/**
 * Presentation mode, for a projector: toggled by the header's button or the P key (the desktop menu sends
 * the same command), it makes the type, the drawing field, the verdict and the feature maps larger, and
 * the app remembers it across restarts as it remembers the language.
 */
// A common projector's resolution.
test.use({ viewport: { width: 1280, height: 720 } });

async function sizes(page: Page) {
  const px = (testId: string, property: 'fontSize') =>
    page.getByTestId(testId).evaluate((el, p) => parseFloat((globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(el)[p]), property);
  return {
    verdict: await px('predicted-digit', 'fontSize'),
    hint: await page.locator('.draw__hint').evaluate((el) => parseFloat((globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } }).getComputedStyle(el).fontSize)),
    field: (await page.getByTestId('drawing-field').boundingBox())!.width,
    map: (await page.getByTestId('maps-C1').locator('canvas').first().boundingBox())!.width,
  };
}

test('presentation mode enlarges text, drawing, verdict and maps; P toggles it; it is remembered', async ({ page }) => {
  await openApp(page);
  const toggle = page.getByTestId('presentation-toggle');
  const app = page.getByTestId('app');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect(toggle).toHaveAttribute('aria-keyshortcuts', 'P');
  await expect(toggle).toHaveAttribute('title', /\(P\)/);
  await drawInk(page, SEVEN);
  await settledPrediction(page);
  const normal = await sizes(page);

  await toggle.click();
  await expect(app).toHaveAttribute('data-presenting', 'true');
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(async () => (await sizes(page)).map).toBeGreaterThan(normal.map * 1.15);
  const big = await sizes(page);
  expect(big.verdict).toBeGreaterThan(normal.verdict * 1.3);
  expect(big.hint).toBeGreaterThan(normal.hint * 1.3);
  expect(big.field).toBeGreaterThan(normal.field * 1.1);
  // the drawing survives the switch, and the prediction still answers it
  await expect(page.getByTestId('drawing-field')).toHaveAttribute('data-strokes', String(SEVEN.strokes.length));

  // Remembered across a restart of the page, like the language.
  await page.reload();
  await expect(page.getByTestId('layers').locator('.layer').first()).toBeVisible();
  await expect(app).toHaveAttribute('data-presenting', 'true');

  // The shortcut: P, not while typing in a field.
  await page.locator('.brand__name').click();
  await page.keyboard.press('p');
  await expect(app).toHaveAttribute('data-presenting', 'false');
  await page.keyboard.press('P');
  await expect(app).toHaveAttribute('data-presenting', 'true');
  await page.getByTestId('tab-train').click();
  await page.getByTestId('train-epochs').focus();
  await page.keyboard.press('p');
  await expect(app).toHaveAttribute('data-presenting', 'true');

  // Listed among the shortcuts in the About dialog.
  await page.getByTestId('about-button').click();
  await expect(page.getByTestId('about').locator('.shortcuts__row', { hasText: 'Presentation mode' }).locator('kbd')).toHaveText('P');
  await page.keyboard.press('Escape');

  await toggle.click();
  await expect(app).toHaveAttribute('data-presenting', 'false');
  await page.reload();
  await expect(page.getByTestId('training')).toBeVisible(); // the side tab is remembered too
  await expect(app).toHaveAttribute('data-presenting', 'false');
  await page.getByTestId('tab-layers').click();
});
