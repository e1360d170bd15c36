import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

/** How long the first `npm start` waits for Electron's download before it settles for browser mode. */
const DOWNLOAD_TIMEOUT_MS = 5 * 60_000;

function electronPackageDir(): string | null {
  try {
    return dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/** The Electron executable npm installed, or the reason there is none (its download may be blocked). */
export function findElectron(): { path: string } | { missing: string } {
  const pkgDir = electronPackageDir();
  if (pkgDir === null) return { missing: 'the electron package is not installed' };
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return { missing: 'its binary has not been downloaded (`npm start` fetches it where github.com is reachable)' };
  const executable = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(executable) ? { path: executable } : { missing: `${executable} does not exist` };
}

/**
 * The Electron executable, downloading it first when it is missing. `npm ci` runs no install scripts
 * (.npmrc: ignore-scripts), so a machine that cannot reach Electron's download server still installs;
 * the binary is fetched here, on the first `npm start`, by electron's own install script. A failed
 * download is not an error: the caller starts browser mode and says why.
 */
export function ensureElectron(log: (line: string) => void = () => undefined): { path: string } | { missing: string } {
  const found = findElectron();
  if ('path' in found) return found;
  const pkgDir = electronPackageDir();
  if (pkgDir === null || process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return found;
  log('Downloading Electron (once)...');
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  const run = spawnSync(process.execPath, [join(pkgDir, 'install.js')], { env, encoding: 'utf8', timeout: DOWNLOAD_TIMEOUT_MS });
  const after = findElectron();
  if ('path' in after) return after;
  const why = run.error?.message ?? firstLine(run.stderr) ?? `exit code ${run.status}`;
  return { missing: `its binary could not be downloaded (${why})` };
}

function firstLine(text: string | undefined): string | undefined {
  const line = text?.split('\n').find((l) => l.trim());
  return line?.trim().slice(0, 200);
}
