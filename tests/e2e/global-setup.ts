import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelsForTests, PROJECT_ROOT } from './models.ts';
import { exchangeLaunchUrl, startBrowserMode } from './browser-mode.ts';

/**
 * Builds the renderer, picks the model folders and starts browser mode once for the whole run. Its
 * launch link works once, so it is used here, once; the tests read the app's address, the session
 * cookie the link gave and the model folders from the environment.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) throw new Error(`end-to-end tests need Chromium at ${chromium} (apt-get install chromium, or set CHROMIUM_PATH)`);

  const build = spawnSync(process.execPath, [join(PROJECT_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('vite build failed: see the output above');

  const models = await modelsForTests();
  const dataDir = await mkdtemp(join(tmpdir(), 'lenet-e2e-data-'));
  const server = await startBrowserMode({ modelsDir: models.dir, dataDir });
  process.env.LENET_E2E_URL = server.baseUrl;
  process.env.LENET_E2E_SESSION = JSON.stringify(await exchangeLaunchUrl(server.launchUrl));
  process.env.LENET_E2E_MODELS = models.dir;

  return async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
    await models.cleanup();
  };
}

