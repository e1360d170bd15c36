import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { parseWebArgs, runWebMode } from '../main/web/cli.ts';

/**
 * `npm start`, after the build: launches the desktop app, or, where no Electron binary can be had (its
 * download is blocked, as on the project's own machines), says so in one line and starts browser mode.
 */
const root = resolve(import.meta.dirname, '..');

/** The Electron executable npm installed, or the reason there is none. */
export function findElectron(): { path: string } | { missing: string } {
  let pkgDir: string;
  try {
    pkgDir = dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return { missing: 'the electron package is not installed' };
  }
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return { missing: 'its binary was never downloaded; `node node_modules/electron/install.js` fetches it where github.com is reachable' };
  const executable = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(executable) ? { path: executable } : { missing: `${executable} does not exist` };
}

const electron = findElectron();
if ('path' in electron) {
  const child = spawn(electron.path, [join(root, 'dist/main/main.cjs'), ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
} else {
  console.log(`No Electron app here: ${electron.missing}. Starting browser mode instead.`);
  try {
    await runWebMode(parseWebArgs(process.argv.slice(2)));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
}
