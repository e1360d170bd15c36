import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { ensureElectron } from './electron-binary.ts';
import { parseWebArgs, runWebMode } from '../main/web/cli.ts';

/**
 * `npm start`, after the build: launches the desktop app, or, where no Electron binary can be had (its
 * download is blocked, as on the project's own machines), says so in one line and starts browser mode.
 */
const root = resolve(import.meta.dirname, '..');

const electron = ensureElectron((line) => console.log(line));
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
