import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { buildMain } from '../../scripts/build-main.ts';
import { findElectron } from '../../scripts/electron-binary.ts';
import { coreOracle, drawInk, oneInkPerDigit, settledPrediction } from './helpers.ts';
import { PROJECT_ROOT } from './models.ts';

/**
 * The desktop app end to end through Playwright's Electron driver. It runs wherever an Electron binary
 * is installed; where none could be downloaded (as on the project's own machines) it is reported as
 * skipped with the reason, and the same renderer is covered in Chromium against browser mode.
 */
const found = findElectron();
if ('missing' in found) console.log(`Electron end-to-end test skipped: no Electron binary here (${found.missing}).`);

test.describe('Electron desktop app', () => {
  test.skip(!('path' in found), `no Electron binary here: ${'missing' in found ? found.missing : ''}`);

  test('opens one secure window, draws a digit and predicts it', async () => {
    await buildMain();
    const app = await electron.launch({
      executablePath: (found as { path: string }).path,
      args: [join(PROJECT_ROOT, 'dist/main/main.cjs')],
      cwd: PROJECT_ROOT,
    });
    try {
      const page = await app.firstWindow();
      expect(app.windows()).toHaveLength(1);
      // the page sees the contract's bridge, never Node
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      expect(await page.evaluate(() => typeof (globalThis as { lenet?: unknown }).lenet)).toBe('object');
      const prefs = await app.evaluate(({ BrowserWindow }) => {
        const w = BrowserWindow.getAllWindows()[0];
        // getLastWebPreferences is newer than the type definitions of some Electron versions
        const p = (w.webContents as unknown as { getLastWebPreferences(): Record<string, unknown> | undefined }).getLastWebPreferences();
        return { contextIsolation: p?.contextIsolation, sandbox: p?.sandbox, nodeIntegration: p?.nodeIntegration, url: w.webContents.getURL() };
      });
      expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
      expect(prefs.url.startsWith('app://')).toBe(true);
      const ink = oneInkPerDigit(['syn.jsonl'])[3];
      await drawInk(page, ink);
      const shown = await settledPrediction(page);
      // the window shows what the core predicts for the exact ink the page sent
      const truth = await (await coreOracle()).predict({ ink: shown.ink, modelId: shown.modelId });
      expect(shown.top).toBe(truth.top);
    } finally {
      await app.close();
    }
  });
});
