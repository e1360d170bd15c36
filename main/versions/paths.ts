import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ModelRoot } from './registry.ts';

/** The bundled models beside the app, then the person's own models in their data folder. */
export function modelRoots(bundledDir: string, dataDir?: string): ModelRoot[] {
  const roots: ModelRoot[] = [{ dir: bundledDir, bundled: true }];
  if (dataDir) roots.push({ dir: join(dataDir, 'models'), bundled: false });
  return roots;
}

/**
 * Where the app keeps the person's data when no folder is given: the same place Electron's
 * app.getPath('userData') names for "LeNet Studio", so browser mode and the desktop app share it.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  const name = 'LeNet Studio';
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), name);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', name);
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), name);
}
