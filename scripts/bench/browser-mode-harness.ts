import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import { createHandlers } from '../../main/api/handlers.ts';
import { createCore } from '../../main/core/core.ts';
import { ModelRuntime } from '../../main/runtime/model-runtime.ts';
import { startWebServer } from '../../main/web/server.ts';
import { createWsClient, type SocketLike } from '../../renderer/transport/ws-client.ts';

/**
 * Browser mode in one process, for the round-trip benchmarks: a core serving one model folder, the web
 * server in front of it, and the renderer's own WebSocket client talking to it as the page does.
 */
export const ROOT = resolve(import.meta.dirname, '../..');
export const UNIPEN = resolve(ROOT, '../shared/data/unipen-dev');

export interface BrowserMode {
  readonly client: ReturnType<typeof createWsClient>;
  close(): Promise<void>;
}

/** Starts browser mode on a model folder, which the core lists as its bundled "modern" model. */
export async function openBrowserMode(modelDir: string, tempPrefix: string): Promise<BrowserMode> {
  const modelsRoot = await mkdtemp(join(tmpdir(), tempPrefix));
  await symlink(resolve(modelDir), join(modelsRoot, 'modern'), 'junction');
  const core = await createCore({ roots: [{ dir: modelsRoot, bundled: true }], loadModel: (d) => ModelRuntime.load(d), version: 'bench', transport: 'web' });
  const server = await startWebServer({ table: createHandlers(core), staticDir: join(ROOT, 'dist/renderer') });
  const origin = `http://127.0.0.1:${server.port}`;
  const client = createWsClient(server.wsUrl, (url) => new WebSocket(url, { origin }) as unknown as SocketLike);
  return {
    client,
    async close() {
      client.close();
      await server.close();
      await core.close();
      await rm(modelsRoot, { recursive: true, force: true });
    },
  };
}

/** Runs a benchmark module on its own (`node scripts/bench/x.ts [--quick]`) on the shipped modern model, printing its figures as JSON. */
export async function runAlone(
  measure: (options: { quick: boolean; modelDir: string; log: (line: string) => void }) => Promise<unknown>,
): Promise<void> {
  const { resolveModel } = await import('./model-source.ts');
  const model = await resolveModel(join(ROOT, 'native-models/modern'));
  try {
    console.log(JSON.stringify(await measure({ quick: process.argv.includes('--quick'), modelDir: model.dir, log: (l) => console.error(l) })));
  } finally {
    await model.dispose();
  }
}
