import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { ExtensionOptions } from './extensions.ts';
import { blankLinesBomb, junkLinesBomb, lyingHeaderBomb } from './zip-bombs.ts';

/**
 * What the probe's hostile files cost the app: the 0.26 MB zip of 256 MB of blank lines, the ~0.1 MB zip
 * of 64 MB of junk lines and the 7.8 MB zip whose header declares 200 MB while it inflates to 7.9 GB,
 * written to a temporary folder and imported, one after the other, into a fresh sample store as the app
 * does (SampleStore.importFile, the same call importSamples makes). Measured in a child process of its own,
 * so the peak RSS is the import's and not the rest of the benchmark's:
 *   importBombMaxRssMb    the process's peak resident set (all threads: the import worker's memory counts)
 *   importBombMaxBlockMs  the longest the serving thread's event loop was held (monitorEventLoopDelay)
 * `IMPORT_BOMB_SAMPLES=<path to main/samples/index.ts>` measures another checkout (the code before a change).
 */
const MB = 1024 * 1024;
const CHILD_FLAG = '--import-bomb-child';
const CHILD_TIMEOUT_MS = 10 * 60 * 1000;

interface ChildResult {
  importBombMaxRssMb: number;
  importBombMaxBlockMs: number;
  outcomes: { file: string; zipBytes: number; ms: number; outcome: string }[];
}

export async function measure(options: ExtensionOptions): Promise<Record<string, number> | { skipped: string }> {
  const r = await runChild(options.log);
  if ('skipped' in r) return r;
  for (const o of r.outcomes) options.log(`import-bomb: ${o.file} (${(o.zipBytes / MB).toFixed(2)} MB) -> ${o.outcome} in ${o.ms.toFixed(0)} ms`);
  const extra: Record<string, number> = {};
  r.outcomes.forEach((o, i) => (extra[`importBomb${i + 1}Ms`] = o.ms));
  return { importBombMaxRssMb: r.importBombMaxRssMb, importBombMaxBlockMs: r.importBombMaxBlockMs, ...extra };
}

function runChild(log: (line: string) => void): Promise<ChildResult | { skipped: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, CHILD_FLAG], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      for (const line of d.toString().split('\n')) if (line.startsWith('import-bomb:')) log(line);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').at(-1) ?? '';
      try {
        done(JSON.parse(last) as ChildResult);
      } catch {
        done({ skipped: `the import-bomb child ended (${signal ?? `code ${code}`}) without figures: ${err.trim().split('\n').slice(-3).join(' | ').slice(0, 300)}` });
      }
    });
  });
}

async function child(): Promise<void> {
  const samplesModule = process.env.IMPORT_BOMB_SAMPLES ? resolve(process.env.IMPORT_BOMB_SAMPLES) : resolve(import.meta.dirname, '../../main/samples/index.ts');
  const { SampleStore } = (await import(pathToFileURL(samplesModule).href)) as typeof import('../../main/samples/index.ts');
  const work = await mkdtemp(join(tmpdir(), 'bench-import-bomb-'));
  try {
    const files: [string, Uint8Array][] = [
      ['blank-lines-256mb.zip', blankLinesBomb(256 * MB)],
      ['junk-lines-64mb.zip', junkLinesBomb(64 * MB)],
      ['lying-header-7.9gb.zip', lyingHeaderBomb(7.9e9, 200 * MB)],
    ];
    for (const [name, bytes] of files) await writeFile(join(work, name), bytes);
    files.length = 0;
    const store = await SampleStore.open(join(work, 'samples'));
    const outcomes: ChildResult['outcomes'] = [];
    const baselineRss = process.memoryUsage.rss();
    console.error(`import-bomb: RSS before the imports ${(baselineRss / MB).toFixed(0)} MB (peak so far ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB)`);
    let peakRss = baselineRss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 5);
    const delay = monitorEventLoopDelay({ resolution: 5 });
    for (const name of ['blank-lines-256mb.zip', 'junk-lines-64mb.zip', 'lying-header-7.9gb.zip']) {
      const bytes = new Uint8Array(await readFile(join(work, name)));
      delay.enable();
      const t0 = performance.now();
      let outcome: string;
      try {
        const report = await store.importFile(bytes, name);
        const total = (report as { skippedTotal?: number }).skippedTotal ?? report.skipped.length;
        outcome = `${report.imported.length} imported, ${total} skipped`;
      } catch (err) {
        outcome = `refused${(err as { code?: string }).code ? ` (${(err as { code?: string }).code})` : ''}: ${(err as Error).message}`;
      }
      const ms = performance.now() - t0;
      delay.disable();
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      outcomes.push({ file: name, zipBytes: bytes.length, ms, outcome });
      console.error(`import-bomb: ${name} (${(bytes.length / MB).toFixed(2)} MB) -> ${outcome} in ${ms.toFixed(0)} ms`);
    }
    clearInterval(sampler);
    // the sampler cannot run while the thread is held; the kernel's own peak covers that case
    const maxRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
    const result: ChildResult = {
      importBombMaxRssMb: Math.round(maxRss / MB),
      importBombMaxBlockMs: Math.round((delay.max / 1e6) * 10) / 10,
      outcomes,
    };
    console.log(JSON.stringify(result));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv.includes(CHILD_FLAG)) await child();
else if (resolve(process.argv[1] ?? '') === resolve(import.meta.filename)) {
  const r = await measure({ quick: false, modelDir: '', log: (l) => console.error(l) });
  console.log(JSON.stringify(r));
}
