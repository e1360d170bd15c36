import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from './models.ts';

export interface RunningServer {
  readonly url: string;
  stop(): Promise<void>;
}

const URL_PATTERN = /open (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)/;

/**
 * Starts browser mode (`main/web/cli.ts`, what `npm run web` runs) on a free port and resolves with the
 * URL it prints, token included.
 */
export function startBrowserMode(options: { modelsDir: string; dataDir: string; timeoutMs?: number }): Promise<RunningServer> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(PROJECT_ROOT, 'main/web/cli.ts'), '--no-open', '--port', '0', '--models-dir', options.modelsDir, '--data-dir', options.dataDir],
    { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`browser mode printed no URL within ${options.timeoutMs ?? 60_000} ms; it said:\n${output}`));
    }, options.timeoutMs ?? 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = URL_PATTERN.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1], stop });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`browser mode exited (code ${code}) before printing its URL:\n${output}`));
    });
  });
}
