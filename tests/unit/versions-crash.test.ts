import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNetwork, MODERN_LENET5, Rng } from '../../main/engine/index.ts';
import { writeModelFolder } from '../../main/model-folder/folder.ts';
import { ModelVersions } from '../../main/versions/versions.ts';

/**
 * A child process activates three models in turn (each activation: load with ONNX Runtime, parity
 * check, pointer write) and is killed with SIGKILL at random moments. After every kill the active
 * model must be the one last acknowledged, or the one whose activation was in flight (its pointer
 * may have landed just before the kill), never a fallback: the pointer is always whole.
 */
const KILLS = 20;
const IDS = ['p-one', 'p-two', 'p-three'];

const CHILD = `
const { ModelVersions } = require(${JSON.stringify(resolve(import.meta.dirname, '../../main/versions/versions.ts'))});
async function main() {
  const [bundledDir, dataDir, first] = [process.argv[2], process.argv[3], Number(process.argv[4])];
  const ids = ${JSON.stringify(IDS)};
  const v = await ModelVersions.open({ bundledDir, dataDir });
  process.stdout.write('open\\n');
  for (let i = first; ; i++) {
    const id = ids[i % ids.length];
    process.stdout.write('start ' + id + '\\n');
    await v.activate(id);
    process.stdout.write('done ' + id + '\\n');
  }
}
main().catch((err) => { console.error(err); process.exit(1); });
`;

let work: string;
let childScript: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'versions-crash-'));
  childScript = join(work, 'child.cjs');
  // CommonJS, packages left to node_modules (onnxruntime-node is native): found through NODE_PATH
  await build({
    stdin: { contents: CHILD, resolveDir: import.meta.dirname, loader: 'js' }, bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    outfile: childScript, packages: 'external', logLevel: 'error',
    define: { 'import.meta.url': '__bundleUrl' }, banner: { js: 'const __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function runAndKill(args: string[], delayMs: number): Promise<string[]> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [childScript, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_PATH: resolve(import.meta.dirname, '../../node_modules') },
    });
    let out = '', stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d) => {
      out += d;
      if (out.startsWith('open\n')) timer ??= setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') return fail(new Error(`the child ended on its own (${signal ?? code}): ${stderr}`));
      const lines = out.split('\n');
      lines.pop();
      done(lines);
    });
  });
}

describe('model activation under SIGKILL', () => {
  it(`leaves the previous model active (or the new one whole) across ${KILLS} kills`, async () => {
    const bundledDir = join(work, 'native-models');
    const dataDir = join(work, 'data');
    await writeModelFolder(join(bundledDir, 'modern'), { spec: MODERN_LENET5, weights: buildNetwork(MODERN_LENET5, { seed: 1 }).getWeights(), meta: {} });
    const versions = await ModelVersions.open({ bundledDir, dataDir });
    for (const [k, id] of IDS.entries()) {
      await versions.savePersonal({ spec: MODERN_LENET5, weights: buildNetwork(MODERN_LENET5, { seed: 10 + k }).getWeights(), parent: 'modern', card: {}, id });
    }
    await versions.activate(IDS[0]);
    let acknowledged = IDS[0];
    let next = 1, inFlightKills = 0, newOneLanded = 0, completed = 0;
    const rng = new Rng(20_240_602);
    for (let k = 0; k < KILLS; k++) {
      const lines = await runAndKill([bundledDir, dataDir, String(next)], rng.int(1200));
      let inFlight: string | null = null;
      for (const line of lines.slice(1)) {
        const [what, id] = line.split(' ');
        if (what === 'start') inFlight = id;
        if (what === 'done') {
          acknowledged = id;
          inFlight = null;
          completed++;
          next++;
        }
      }
      const reopened = await ModelVersions.open({ bundledDir, dataDir });
      const active = await reopened.active();
      expect(active.notice, `kill ${k}`).toBeNull();
      expect(await reopened.readPointer()).not.toBeNull();
      if (inFlight) {
        inFlightKills++;
        expect([acknowledged, inFlight], `kill ${k}: active ${active.id}`).toContain(active.id);
        if (active.id === inFlight && inFlight !== acknowledged) newOneLanded++;
        acknowledged = active.id;
        next = IDS.indexOf(active.id) + 1;
      } else {
        expect(active.id, `kill ${k}`).toBe(acknowledged);
      }
      expect((await readdir(join(dataDir, 'models'))).filter((n) => n.includes('.tmp-'))).toEqual([]);
    }
    expect(inFlightKills).toBeGreaterThan(KILLS / 2);
    console.log(`versions-crash: ${KILLS} kills, ${completed} activations acknowledged, ${inFlightKills} kills during an activation `
      + `(${newOneLanded} had already written the new pointer), never a damaged pointer`);
  }, 90_000);
});
