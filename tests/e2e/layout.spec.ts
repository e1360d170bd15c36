import { expect, test } from './fixtures.ts';
import { expectNothingOverflows, LANGUAGES, maybeScreenshot, openScreens, SCREENS, showScreen, startSeededServer, type SeededServer } from './screens.ts';

/**
 * The app must work from 800x600 to 4K and at 200% zoom without horizontal scrolling or clipped
 * controls: on every screen (each side tab, the About and map-detail dialogs), in both languages, the
 * document does not scroll sideways, and every visible control, canvas and tested element lies inside
 * the viewport horizontally and inside every ancestor that clips it (overflow other than visible, or
 * `contain: paint`). An ancestor that scrolls vertically may hold it below the fold: only what lies
 * outside the scroller's own box counts as cut off there.
 */

/** Viewports in CSS pixels; the 200% cases are a 1920x1080 and a 1600x1000 screen zoomed to 200%. */
const VIEWPORTS = [
  { width: 800, height: 600, scale: 1 },
  { width: 1024, height: 768, scale: 1 },
  { width: 1366, height: 768, scale: 1 },
  { width: 1600, height: 1000, scale: 1 },
  { width: 1920, height: 1080, scale: 1 },
  { width: 3840, height: 2160, scale: 1 },
  { width: 960, height: 540, scale: 2 },
  { width: 800, height: 500, scale: 2 },
];

let seeded: SeededServer;
test.beforeAll(async () => {
  seeded = await startSeededServer();
});
test.afterAll(async () => {
  await seeded?.stop();
});

for (const viewport of VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}${viewport.scale === 1 ? '' : `@${viewport.scale}x`}`;
  test.describe(size, () => {
    test.use({ viewport: { width: viewport.width, height: viewport.height }, deviceScaleFactor: viewport.scale });
    for (const language of LANGUAGES) {
      test(`${size} ${language}: no screen scrolls sideways or cuts off a control`, async ({ page }) => {
        await openScreens(page, seeded, language);
        for (const screen of SCREENS) {
          await showScreen(page, screen);
          await maybeScreenshot(page, `layout-${size}-${language}-${screen}`);
          await expectNothingOverflows(page, `${size} ${language} ${screen}`);
        }
      });
    }
  });
}

/** Presentation mode on the projectors a classroom has: the same checks with its larger type and maps. */
const PROJECTORS = [
  { width: 1024, height: 768 },
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
];

for (const viewport of PROJECTORS) {
  const size = `${viewport.width}x${viewport.height}`;
  test.describe(`presentation ${size}`, () => {
    test.use({ viewport });
    for (const language of LANGUAGES) {
      test(`presentation mode ${size} ${language}: no screen scrolls sideways or cuts off a control`, async ({ page }) => {
        await openScreens(page, seeded, language, { 'lenet-studio.presentation': 'on' });
        await expect(page.getByTestId('app')).toHaveAttribute('data-presenting', 'true');
        for (const screen of SCREENS) {
          await showScreen(page, screen);
          await maybeScreenshot(page, `presentation-${size}-${language}-${screen}`);
          await expectNothingOverflows(page, `presentation ${size} ${language} ${screen}`);
        }
      });
    }
  });
}
