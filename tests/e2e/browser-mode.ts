import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import type { BrowserContext } from '@playwright/test';
import { PROJECT_ROOT } from './models.ts';

export interface RunningServer {
  /** The link the server printed: it carries a one-time launch code and opens the app once. */
  readonly launchUrl: string;
  /** The app's address without any secret: a page needs the session cookie to use it. */
  readonly baseUrl: string;
  stop(): Promise<void>;
}

/** The session a browser gets for a launch link, as Playwright's addCookies takes it. */
export interface SessionCookie {
  readonly name: string;
  readonly value: string;
  readonly domain: string;
  readonly path: string;
  readonly httpOnly: true;
  readonly sameSite: 'Strict';
}

const URL_PATTERN = /open (http:\/\/127\.0\.0\.1:\d+\/\?launch=[A-Za-z0-9_-]+)/;

/**
 * Uses a launch link once, as a browser would, and returns the session cookie the server set, so that
 * every test's fresh browser context can be given the same session (the link itself works only once).
 */
export function exchangeLaunchUrl(launchUrl: string): Promise<SessionCookie> {
  const url = new URL(launchUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, headers: { host: url.host } }, (res) => {
      res.resume();
      const setCookie = res.headers['set-cookie']?.[0];
      const match = setCookie ? /^([^=]+)=([^;]+); Path=\/; HttpOnly; SameSite=Strict$/.exec(setCookie) : null;
      if (res.statusCode !== 303 || res.headers.location !== '/' || !match) {
        reject(new Error(`the launch link gave ${res.statusCode} ${String(setCookie)} instead of a redirect with the session cookie`));
        return;
      }
      resolve({ name: match[1], value: match[2], domain: url.hostname, path: '/', httpOnly: true, sameSite: 'Strict' });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Gives a browser context the session, as the launch link's redirect would have. */
export async function addSession(context: BrowserContext, cookie: SessionCookie): Promise<void> {
  await context.addCookies([{ ...cookie }]);
}

/**
 * Starts browser mode (`main/web/cli.ts`, what `npm run web` runs) on a free port and resolves with the
 * launch link it prints.
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
        const launchUrl = match[1];
        resolve({ launchUrl, baseUrl: `${new URL(launchUrl).origin}/`, stop });
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
