import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../main/engine/rng.ts';
import { SampleStore } from '../../main/samples/index.ts';

/**
 * Crash safety of the sample store: a child process adds samples in a loop and is killed with SIGKILL
 * at a random (seeded) moment, fifty times: most kills once it has acknowledged a chosen number of adds
 * (the kill then lands in the add after), some counted from the spawn (start-up, open's sweep). Every add the child acknowledged (it prints the id once add()
 * resolved) must be intact, nothing may need setting aside, and at most the one add in flight at the
 * kill may be there unacknowledged.
 */
const KILLS = 50;

/** The ink of the n-th sample: the child and this test compute it alike. */
function inkFor(n: number): { strokes: [number, number][][] } {
  const pts: [number, number][] = [];
  for (let i = 0; i < 8 + (n % 13); i++) pts.push([i * 4 + (n % 5), Math.round(30 + 12 * Math.sin(i * 0.7 + n))]);
  return { strokes: [pts, [[n % 17, 0], [n % 17, 40]]] };
}

const CHILD = `
import { SampleStore } from ${JSON.stringify(resolve(import.meta.dirname, '../../main/samples/store.ts'))};
${inkFor.toString()}
const [root, first] = [process.argv[2], Number(process.argv[3])];
const store = await SampleStore.open(root);
process.stdout.write('open\\n');
for (let n = first; ; n++) {
  const s = await store.add({ label: n % 10, ink: inkFor(n) });
  process.stdout.write(s.id + ' ' + n + '\\n');
}
`;

let work: string;
let childScript: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'samples-crash-'));
  childScript = join(work, 'child.mjs');
  // bundled once so that each of the fifty children starts in a fraction of a second under plain node
  await build({ stdin: { contents: CHILD, resolveDir: import.meta.dirname, loader: 'ts' }, bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: childScript, logLevel: 'error',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/**
 * Runs one child and kills it once it has acknowledged `afterAcks` adds, `delayMs` later (or, with
 * `fromSpawn`, `delayMs` after it was started, so some kills land in start-up and in open's sweep),
 * returning what it acknowledged.
 */
function runAndKill(root: string, first: number, kill: { afterAcks: number; delayMs: number; fromSpawn: boolean }): Promise<{ acked: { id: string; n: number }[]; opened: boolean; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [childScript, root, String(first)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const arm = () => (timer ??= setTimeout(() => child.kill('SIGKILL'), kill.delayMs));
    if (kill.fromSpawn) arm();
    child.stdout.on('data', (d) => {
      out += d;
      // 'open' plus the acknowledgements, each a whole line
      if (out.startsWith('open\n') && out.split('\n').length - 2 >= kill.afterAcks) arm();
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') return fail(new Error(`the child ended on its own (${signal ?? _code}): ${stderr}`));
      const lines = out.split('\n');
      lines.pop(); // a line cut by the kill has no newline: not an acknowledgement
      const acked = lines.filter((l) => l !== 'open').map((l) => {
        const [id, n] = l.split(' ');
        return { id, n: Number(n) };
      });
      done({ acked, opened: lines[0] === 'open', stderr });
    });
  });
}

describe('sample store under SIGKILL', () => {
  it(`keeps every acknowledged sample intact across ${KILLS} kills at random moments`, async () => {
    const root = join(work, 'store');
    const acked = new Map<string, number>();
    let next = 0, killedBeforeOpen = 0, swept = 0, unacknowledgedKept = 0, promised = 0;
    const rng = new Rng(20_240_601);
    for (let k = 0; k < KILLS; k++) {
      // one kill in five counts from the spawn (landing in start-up or in open); the others hit the add
      // loop after a chosen number of acknowledged adds, so that many are promised whatever the machine's speed
      const fromSpawn = k % 5 === 0;
      const afterAcks = fromSpawn ? 0 : 1 + rng.int(4);
      const run = await runAndKill(root, next, { afterAcks, delayMs: fromSpawn ? rng.int(400) : rng.int(20), fromSpawn });
      promised += afterAcks;
      expect(run.acked.length, `kill ${k}: acknowledged adds`).toBeGreaterThanOrEqual(afterAcks);
      if (!run.opened) killedBeforeOpen++;
      for (const a of run.acked) acked.set(a.id, a.n);
      next = Math.max(next, ...run.acked.map((a) => a.n + 1)) + 1;

      const store = await SampleStore.open(root);
      const r = store.openReport;
      expect(r.setAside, `kill ${k}: files set aside`).toEqual([]);
      expect(r.unknownFiles).toEqual([]);
      swept += r.sweptTempFiles.length;
      for (const [id, n] of acked) {
        const s = store.get(id);
        expect(s, `kill ${k}: acknowledged sample ${id} (#${n}) is missing`).toBeDefined();
        expect(s!.label).toBe(n % 10);
        expect(s!.ink.strokes).toEqual(inkFor(n).strokes);
      }
      // only the add in flight at each kill may have landed unacknowledged
      unacknowledgedKept = store.size - acked.size;
      expect(unacknowledgedKept).toBeGreaterThanOrEqual(0);
      expect(unacknowledgedKept).toBeLessThanOrEqual(k + 1);
    }
    const items = await readdir(join(root, 'items'));
    expect(items.every((n) => n.endsWith('.json'))).toBe(true);
    expect(acked.size).toBeGreaterThanOrEqual(promised);
    expect(promised).toBeGreaterThan(KILLS);
    console.log(`samples-crash: ${KILLS} kills, ${acked.size} acknowledged samples all intact, `
      + `${unacknowledgedKept} unacknowledged adds landed whole, ${swept} temp files swept, ${killedBeforeOpen} kills before the store was open, 0 files set aside`);
  }, 90_000);
});
