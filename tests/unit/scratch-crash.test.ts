import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../main/engine/index.ts';
import { verifyModel } from '../../main/versions/verify.ts';
import { ModelVersions } from '../../main/versions/versions.ts';

/**
 * A child process trains from scratch (the app's service, its worker thread) and is killed with
 * SIGKILL while it trains. Afterwards the data folder lists no model, or only whole ones that pass
 * their check: nothing half-written is ever visible.
 */
const KILLS = 3;
const ROOT = resolve(import.meta.dirname, '../..');
const BUNDLED = join(ROOT, 'native-models');

const CHILD = `
import { ModelVersions } from ${JSON.stringify(join(ROOT, 'main/versions/versions.ts'))};
import { ScratchService } from ${JSON.stringify(join(ROOT, 'main/training/scratch-service.ts'))};
const [bundledDir, dataDir] = process.argv.slice(2);
const versions = await ModelVersions.open({ bundledDir, dataDir });
const service = new ScratchService({ versions, mnistDir: bundledDir, samples: () => [], emit: (e) => process.stdout.write(e.name + '\\n') });
await service.start({ trainDigits: 1000, epochs: 1, batchSize: 32 });
`;

let work: string;
let child: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'scratch-crash-'));
  child = join(ROOT, 'tests/unit', `.scratch-crash-child-${process.pid}.mts`);
  await writeFile(child, CHILD);
});
afterAll(async () => {
  await rm(child, { force: true });
  await rm(work, { recursive: true, force: true });
});

function runAndKill(dataDir: string, delayMs: number): Promise<string> {
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, BUNDLED, dataDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', stderr = '';
    let timer: NodeJS.Timeout | undefined;
    p.stdout.on('data', (d) => {
      out += d;
      if (out.includes('scratchProgress')) timer ??= setTimeout(() => p.kill('SIGKILL'), delayMs);
    });
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', fail);
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL' && !out.includes('scratchFinished')) return fail(new Error(`the child ended on its own (${signal ?? code}): ${stderr}`));
      done(out);
    });
  });
}

describe('training from scratch under SIGKILL', () => {
  it(`leaves no half-written model across ${KILLS} kills`, async () => {
    const rng = new Rng(20_261_202);
    for (let k = 0; k < KILLS; k++) {
      const dataDir = join(work, `data-${k}`);
      await runAndKill(dataDir, rng.int(3000));
      const reopened = await ModelVersions.open({ bundledDir: BUNDLED, dataDir });
      const personal = (await reopened.list()).versions.filter((v) => !v.bundled);
      for (const v of personal) await expect(verifyModel(v.dir, { bundled: false }), `kill ${k}: ${v.id}`).resolves.toBeDefined();
      const visible = (await readdir(reopened.personalDir)).filter((f) => !f.startsWith('.'));
      expect(visible.sort(), `kill ${k}`).toEqual(personal.map((v) => v.id).sort());
    }
  });
});
