import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { LANGUAGES, maybeScreenshot, openScreens, SCREENS, showScreen, startSeededServer, type SeededServer } from './screens.ts';

/**
 * The app must work from 800x600 to 4K and at 200% zoom without horizontal scrolling or clipped
 * controls: on every screen (each side tab, the About and map-detail dialogs), in both languages, the
 * document does not scroll sideways, and every visible control, canvas and tested element lies inside
 * the viewport horizontally and inside every ancestor that clips it (overflow other than visible, or
 * `contain: paint`). An ancestor that scrolls vertically may hold it below the fold: only what lies
 * outside the scroller's own box counts as cut off there.
 */

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

/** Runs in the page: what overflows, in words (empty when nothing does). */
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

async function expectNothingOverflows(page: Page, where: string): Promise<void> {
  const problems = await page.evaluate(overflows, CHECKED);
  expect(problems, `${where}: nothing overflows`).toEqual([]);
}

/** Viewports in CSS pixels; the 200% cases are a 1920x1080 and a 1600x1000 screen zoomed to 200%. */
const VIEWPORTS = [
  { width: 800, height: 600, scale: 1 },
  { width: 1024, height: 768, scale: 1 },
  { width: 1366, height: 768, scale: 1 },
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
