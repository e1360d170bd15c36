import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { addSession, exchangeLaunchUrl, startBrowserMode, type RunningServer, type SessionCookie } from './browser-mode.ts';
import { expect, test } from './fixtures.ts';
import { drawInk, readInks, settledPrediction } from './helpers.ts';
import { closeDialogs, SCREENS, showScreen, type Screen } from './screens.ts';

/**
 * Both languages in full, model files in and out, nothing lost by one click: every screen walked in
 * 中文 with a check that no English is left (LATIN_ALLOWED below is the whole allowlist), a model
 * exported and imported back, a refused file's error toast that stays until dismissed. Runs on a browser
 * mode of its own with a fresh data folder.
 */
let server: RunningServer;
let session: SessionCookie;
let dataDir: string;
const SHOTS = process.env.LENET_SHOTS_DIR ?? 'test-results/shots/classroom';

/**
 * Latin words a Chinese screen may show: names of things (the network, the data sets, the formats and
 * the tools), the paper's authors in the credits, units, key names, the x of the scaled tanh's formula,
 * the language switcher's "English".
 * Layer names (C1…F6, conv1) are matched by pattern; file names and model ids the person chose are marked
 * translate="no" (or are `code`) and not read.
 */
export const LATIN_ALLOWED = [
  'LeNet', 'LeNet-5', 'Studio', 'MNIST', 'UNIPEN', 'ONNX', 'Runtime', 'Netron', 'IDX', 'JSON', 'Lines', 'PNG', 'zip', 'jsonl', 'samples.jsonl', 'UTF-8',
  'ReLU', 'tanh', 'sigmoid', 'softmax', 'Softmax', 'RBF', 'Adam',
  'LeCun', 'Bottou', 'Bengio', 'Haffner', 'Consortium', 'CC', 'BY',
  'ms', 'MB', 's', 'px', 'min',
  // the variables of the formulas the lab writes out: ⌊(n − k + 2p) / s⌋ + 1, (k·k·c_in + 1)·c_out, f(z), the scaled tanh's x,
  // the softmax's e^z and the RBF distances d
  'n', 'k', 'p', 'c', 'z', 'f', 'x', 'e', 'd',
  'Ctrl', 'Shift', 'Enter', 'Delete', 'E', 'M', 'P', 'S', 'Z', 'Y',
  'English',
];
// LeNet's layer names, and the calculator's names for other networks' layers (AlexNet's conv1)
const LAYER_NAME = /^(?:[CSF]\d|conv\d+|pool\d+|fc\d+)$/;

test.beforeAll(async () => {
  const modelsDir = process.env.LENET_E2E_MODELS;
  if (!modelsDir) throw new Error('LENET_E2E_MODELS is not set: run the tests through playwright.config.ts');
  dataDir = await mkdtemp(join(tmpdir(), 'lenet-e2e-classroom-'));
  server = await startBrowserMode({ modelsDir, dataDir });
  session = await exchangeLaunchUrl(server.launchUrl);
  await mkdir(SHOTS, { recursive: true });
});

test.afterAll(async () => {
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

test.describe.configure({ mode: 'serial' });

async function open(page: Page, language: 'en' | 'zh-CN'): Promise<void> {
  await page.addInitScript((lang) => {
    type Storage = { getItem(key: string): string | null; setItem(key: string, value: string): void };
    const w = globalThis as unknown as { sessionStorage: Storage; localStorage: Storage };
    if (!w.sessionStorage.getItem('lenet-e2e-started')) {
      w.sessionStorage.setItem('lenet-e2e-started', '1');
      w.localStorage.setItem('lenet-studio.language', lang);
    }
  }, language);
  await addSession(page.context(), session);
  await page.goto(server.baseUrl);
  await expect(page.getByTestId('layers').locator('.layer').first()).toBeVisible();
}

/** Every visible Latin word on the page (text and the labels a screen reader reads), outside translate="no" and code. Runs in the page (a string: this file compiles without the DOM's types). */
const LATIN_WORDS_IN_PAGE = `(() => {
  const words = [];
  const skip = (el) => !el || el.closest('[translate="no"], code, script, style, noscript') !== null || !el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  const collect = (text) => {
    for (const m of text.matchAll(/(?<![\\w.])[A-Za-z][A-Za-z0-9.-]*/g)) words.push(m[0].replace(/[.-]+$/, ''));
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) if (!skip(node.parentElement)) collect(node.textContent || '');
  for (const el of document.body.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
    if (skip(el)) continue;
    for (const name of ['aria-label', 'title', 'placeholder', 'alt']) collect(el.getAttribute(name) || '');
  }
  return words;
})()`;

async function latinWords(page: Page): Promise<string[]> {
  return page.evaluate(LATIN_WORDS_IN_PAGE) as Promise<string[]>;
}

async function expectChinese(page: Page, screen: string, chosen: readonly string[] = []): Promise<void> {
  const allowed = new Set([...LATIN_ALLOWED, ...chosen]);
  const left = [...new Set((await latinWords(page)).filter((w) => !allowed.has(w) && !LAYER_NAME.test(w)))];
  expect(left, `English left on the ${screen} screen`).toEqual([]);
}

async function shoot(page: Page, name: string): Promise<void> {
  for (const [w, h] of [[1600, 1000], [1024, 768]] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: join(SHOTS, `${name}-${w}x${h}.png`) });
  }
  await page.setViewportSize({ width: 1600, height: 1000 });
}

/** What a screen shows only after the core has answered, awaited before its words are read. */
const SCREEN_READY: Partial<Record<Screen, (page: Page) => Promise<void>>> = {
  explain: async (page) => {
    await expect(page.getByTestId('explain-gradient-map')).toBeVisible();
    await expect(page.getByTestId('explain-occlusion-map')).toBeVisible();
  },
  lab: async (page) => expect(page.getByTestId('calc-table')).toBeVisible(),
};
const SHOT_SCREENS: readonly Screen[] = ['layers', 'explain', 'lab', 'map-detail'];

const inks = readInks('ced.jsonl');
/** Two inks of each digit: twenty samples, more than fine-tuning needs. */
const SAMPLES = Array.from({ length: 10 }, (_, d) => inks.filter((i) => i.label === d && i.strokes.length <= 3).slice(0, 2)).flat();
const IMPORT_NAME = 'meine-ziffern.jsonl';
const CORRUPT_NAME = 'kaputt.zip';

test('every screen in 中文 holds no English beyond the allowlist; a refused import stays on screen until dismissed', async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1600, height: 1000 });
  await open(page, 'zh-CN');
  await expectChinese(page, 'first');

  await drawInk(page, inks.find((i) => i.label === 8)!);
  await settledPrediction(page);

  // an import with a bad line and a record whose label is no digit: the report says per line why, in Chinese
  await page.getByTestId('tab-samples').click();
  const lines = [...SAMPLES.map((s) => JSON.stringify({ label: s.label, strokes: s.strokes })), 'not json', JSON.stringify({ label: 12, strokes: SAMPLES[0].strokes })];
  await page.getByTestId('import-file').setInputFiles({ name: IMPORT_NAME, mimeType: 'application/x-ndjson', buffer: Buffer.from(lines.join('\n')) });
  const report = page.getByTestId('import-report');
  await expect(report).toBeVisible();
  await expect(report).toContainText(`已导入 ${SAMPLES.length}`);
  await expect(report.getByTestId('import-files')).toContainText(`导入 ${SAMPLES.length} 个，跳过 2 个`);
  await expect(report).toContainText('不是有效的 JSON');
  await expect(report).toContainText('字段 label 无效');
  await expectChinese(page, 'import report', ['label']);
  await shoot(page, 'zh-import-report');

  // a file that is no zip: the error toast is translated and stays past the info toasts' 8 seconds
  await page.getByTestId('import-file').setInputFiles({ name: CORRUPT_NAME, mimeType: 'application/zip', buffer: Buffer.from([0x50, 0x4b, 3, 4, 1, 2, 3, 4, 5]) });
  const toast = page.getByTestId('toast');
  await expect(toast).toHaveClass(/toast--error/);
  await expect(toast).toContainText(`${CORRUPT_NAME} 不是完整的 zip 文件`);
  await expectChinese(page, 'error toast', ['kaputt.zip', 'label']);
  await page.waitForTimeout(9_000);
  await expect(toast).toBeVisible();
  await shoot(page, 'zh-error-toast');
  await toast.locator('.toast__close').click();
  await expect(toast).toHaveCount(0);
  await page.getByRole('button', { name: '关闭导入报告' }).click();

  // every screen the layout and accessibility checks walk (screens.ts), now that there are samples to show
  for (const screen of SCREENS) {
    await showScreen(page, screen);
    await SCREEN_READY[screen]?.(page);
    await expectChinese(page, screen);
    if (SHOT_SCREENS.includes(screen)) await shoot(page, `zh-${screen}`);
  }
  await closeDialogs(page);

  await page.getByTestId('tab-samples').click();
  await page.getByTestId('samples-mode').locator('[data-value=confusion]').click();
  await expect(page.getByTestId('confusion')).toBeVisible();
  await expect(page.getByTestId('confusion')).toContainText('现代 LeNet-5');
  await expectChinese(page, 'confusion');

  // training from scratch: every option and control in Chinese
  await page.getByTestId('tab-scratch').click();
  await expect(page.getByTestId('scratch-start')).toBeEnabled();
  await expectChinese(page, 'train from scratch');
  await shoot(page, 'zh-train');

  // retrain for one epoch: the result card names the model it started from in Chinese
  await page.getByTestId('tab-train').click();
  await expect(page.getByTestId('readiness')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('training')).toContainText('现代 LeNet-5');
  await expectChinese(page, 'retrain');
  await page.locator('#train-epochs').fill('1');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('result-card')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('result-card')).toContainText('起点为 现代 LeNet-5');
  await expectChinese(page, 'retrain result');
  await shoot(page, 'zh-retrain-result');
  await page.getByTestId('result-keep').click();

  await page.getByTestId('tab-models').click();
  const personal = page.locator('[data-testid^=version-][data-bundled=false]').first();
  await expect(personal.locator('.version__title')).toHaveText('个人模型，基于 现代 LeNet-5');
  await expectChinese(page, 'models');
  // deleting asks first, in Chinese; Keep it leaves the model listed
  await personal.locator('[data-testid^=version-remove-]').first().click();
  await expect(page.locator('[data-testid^=version-confirm-]')).toBeVisible();
  await expectChinese(page, 'delete confirmation');
  await shoot(page, 'zh-models-confirm');
  await page.locator('[data-testid^=version-remove-cancel-]').click();
  await expect(personal).toBeVisible();

  // the model card of each shipped model, and the classic model's layers
  await expect(page.getByTestId('model-card')).toContainText('55,000 张 MNIST 训练图像');
  await page.getByTestId('model-card').locator('summary').click();
  await expect(page.getByTestId('model-card')).toContainText('Adam，学习率');
  await expectChinese(page, 'modern model card');
  await page.getByTestId('model-switcher').locator('[data-value=classic]').click();
  await expect(page.getByTestId('model-card')).toHaveAttribute('data-model', 'classic');
  await expect(page.getByTestId('model-card').locator('.card__name')).toHaveText('经典 LeNet-5（1998）');
  await page.getByTestId('tab-layers').click();
  await expect(page.getByTestId('layer-OUTPUT').locator('.layer__name')).toHaveText('输出层');
  await expectChinese(page, 'classic layers and card');
  await shoot(page, 'zh-classic');
  // an RBF output unit written out: the distance to the digit's code bitmap, and the softmax's probability
  await page.getByTestId('maps-OUTPUT').locator('canvas').click();
  await expect(page.getByTestId('unit-probability')).toBeVisible();
  await expectChinese(page, 'classic output unit');
  await shoot(page, 'zh-classic-output-unit');
  await page.keyboard.press('Escape');
  await page.getByTestId('model-switcher').locator('[data-value=modern]').click();
  await expect(page.getByTestId('model-card')).toHaveAttribute('data-model', 'modern');
});

test('export a model as ONNX with its card, import it back marked imported, and a bad file is refused with a reason', async ({ page }) => {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 1600, height: 1000 });
  await open(page, 'en');
  await page.getByTestId('tab-models').click();
  const downloads: { name: string; path: string }[] = [];
  page.on('download', (d) => void d.path().then((p) => downloads.push({ name: d.suggestedFilename(), path: p })));
  await page.getByTestId('version-export-modern').click();
  await expect.poll(() => downloads.length).toBe(2);
  const onnx = downloads.find((d) => d.name === 'modern.onnx')!;
  const card = downloads.find((d) => d.name === 'modern.card.json')!;
  const shipped = await readFile(join(process.env.LENET_E2E_MODELS!, 'modern', 'model.onnx'));
  expect(Buffer.compare(await readFile(onnx.path), shipped)).toBe(0);
  expect(JSON.parse(await readFile(card.path, 'utf8')).title).toBe('Modern LeNet-5');

  await page.getByTestId('model-import-file').setInputFiles([
    { name: 'from-a-friend.onnx', mimeType: 'application/octet-stream', buffer: await readFile(onnx.path) },
    { name: 'from-a-friend.card.json', mimeType: 'application/json', buffer: await readFile(card.path) },
  ]);
  const note = page.getByTestId('model-import-report');
  await expect(note).toContainText('Added to your models as “Imported: from-a-friend.onnx”');
  await expect(note).toContainText('left out (the app writes these itself): arch');
  const imported = page.locator('[data-testid^=version-][data-bundled=false]').filter({ hasText: 'from-a-friend.onnx' }).first();
  await expect(imported.locator('[data-testid^=version-tag-]')).toHaveText('Imported from an ONNX file');
  await shoot(page, 'en-model-import');
  await imported.locator('[data-testid^=version-activate-]').click();
  await expect(imported).toHaveAttribute('data-active', 'true');
  await expect(page.getByTestId('model-card').getByTestId('card-tag')).toHaveText('Imported from an ONNX file');
  await drawInk(page, inks.find((i) => i.label === 3)!);
  expect((await settledPrediction(page)).modelId).toMatch(/^modern-imported-/);
  await shoot(page, 'en-imported-active');

  // half a file: refused, named, and the list is as it was
  const before = await page.locator('[data-testid^=version-][data-bundled]').count();
  await page.getByTestId('model-import-file').setInputFiles({ name: 'half.onnx', mimeType: 'application/octet-stream', buffer: shipped.subarray(0, 5000) });
  const toast = page.getByTestId('toast');
  await expect(toast).toHaveClass(/toast--error/);
  await expect(toast).toContainText('half.onnx');
  await expect(page.locator('[data-testid^=version-][data-bundled]')).toHaveCount(before);
  await page.getByTestId('model-switcher').locator('[data-value=modern]').click();
  await expect(page.getByTestId('model-card')).toHaveAttribute('data-model', 'modern');
});
