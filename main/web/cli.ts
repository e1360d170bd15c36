import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createHandlers } from '../api/handlers.ts';
import { defaultDataDir } from '../versions/paths.ts';
import { openCore } from '../core/open-core.ts';
import { startWebServer, type WebServer } from './server.ts';

const PROJECT_ROOT = resolve(import.meta.dirname, '../..');

const USAGE = `usage: npm run web -- [--port N] [--data-dir DIR] [--no-open]
  --port N          listen on 127.0.0.1:N (default: a free port)
  --data-dir DIR    where your samples and models live (default: ${defaultDataDir()})
  --no-open         print the URL but do not open a browser
  --models-dir DIR  the bundled models (default: native-models/)
  --static-dir DIR  the built renderer (default: dist/renderer/)`;

export interface WebModeOptions {
  readonly port: number;
  readonly dataDir: string;
  readonly open: boolean;
  readonly modelsDir: string;
  readonly staticDir: string;
}

/** Parses browser mode's command line; throws an Error with the usage text when it is wrong. */
export function parseWebArgs(argv: readonly string[]): WebModeOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        'no-open': { type: 'boolean' },
        'models-dir': { type: 'string' },
        'static-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) throw new Error(USAGE);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number 0-65535, got ${values.port}\n${USAGE}`);
  return {
    port,
    dataDir: resolve(values['data-dir'] ?? defaultDataDir()),
    open: !values['no-open'],
    modelsDir: resolve(values['models-dir'] ?? resolve(PROJECT_ROOT, 'native-models')),
    staticDir: resolve(values['static-dir'] ?? resolve(PROJECT_ROOT, 'dist/renderer')),
  };
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(resolve(PROJECT_ROOT, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

/** Where browser mode leaves the page that opens the app, in the data folder, readable by its owner only. */
export const LAUNCH_FILE = 'browser-mode-launch.html';

/**
 * Writes a page that forwards to `launchUrl` (mode 0600): the browser is started on this file, so the
 * launch code is never on a command line another user could read with `ps`. Returns the file's path.
 */
export async function writeLaunchFile(dataDir: string, launchUrl: string): Promise<string> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, LAUNCH_FILE);
  await rm(path, { force: true });
  const escaped = launchUrl.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const html = `<!doctype html>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<meta http-equiv="refresh" content="0;url=${escaped}">
<title>LeNet Studio</title>
<p>Opening LeNet Studio… <a href="${escaped}">continue</a> (this link works once).</p>
`;
  // 'wx': a file (or a link) planted at this path after the rm above is not written through.
  await writeFile(path, html, { mode: 0o600, flag: 'wx' });
  await chmod(path, 0o600);
  return path;
}

function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined); // no browser opener: the printed URL is enough
    child.unref();
  } catch {
    // same: the URL is printed
  }
}

/** Starts browser mode: the core, the server, the URL printed (and opened). */
export async function runWebMode(options: WebModeOptions): Promise<WebServer> {
  const core = await openCore({
    bundledModelsDir: options.modelsDir,
    dataDir: options.dataDir,
    version: packageVersion(),
    transport: 'web',
    versions: { node: process.versions.node },
    warn: (message) => console.warn(`warning: ${message}`),
  });
  const server = await startWebServer({
    table: createHandlers(core),
    subscribe: (listener) => core.subscribe(listener),
    staticDir: options.staticDir,
    port: options.port,
  });
  // Each launch link works once, for a few minutes; the browser it opens keeps a session cookie.
  console.log(`LeNet Studio is running in browser mode: open ${server.launchUrl()}`);
  console.log('(the link opens the app once, within 5 minutes; restart `npm run web` for a new one)');
  let launchFile: string | null = null;
  if (options.open) {
    try {
      launchFile = await writeLaunchFile(options.dataDir, server.launchUrl());
      openInBrowser(pathToFileURL(launchFile).href);
    } catch (err) {
      console.warn(`warning: cannot open a browser (${(err as Error).message}); open the link above`);
    }
  }
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    void server
      .close()
      .then(() => core.close())
      .then(() => (launchFile ? rm(launchFile, { force: true }) : undefined))
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  return server;
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename);
if (isMain) {
  try {
    await runWebMode(parseWebArgs(process.argv.slice(2)));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
}
