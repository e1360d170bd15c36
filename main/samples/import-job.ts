import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Reason } from '../api/error-codes.ts';
import { ImportRefused, type ImportCandidate, type ImportFileTally, type ImportLimits, type ImportSkip } from './import.ts';

/** What the import worker posts back. */
export type ImportWorkerMessage =
  | { readonly type: 'records'; readonly candidates: ImportCandidate[] }
  | { readonly type: 'done'; readonly skipped: ImportSkip[]; readonly skippedTotal: number; readonly files: ImportFileTally[] }
  | { readonly type: 'refused'; readonly reason: Reason };

export interface ParsedImport {
  readonly candidates: ImportCandidate[];
  /** The first maxReportedSkips skipped records, and how many there were in all. */
  readonly skipped: ImportSkip[];
  readonly skippedTotal: number;
  /** Per file (or zip entry): records taken and skipped, or why it was not read. */
  readonly files: ImportFileTally[];
}

/**
 * The worker's heap: a small young generation keeps the garbage of line after line from piling up in
 * memory; the old generation cap ends the worker (the import fails, the app stays up) if a file still
 * found a way to make it grow.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 128 };

/**
 * Inflates and parses an import file in a worker thread (main/samples/import-worker.ts), so the thread
 * that serves the UI only receives the valid records, a batch at a time. Rejects with ImportRefused when
 * the file is refused as a whole (over a budget, not a zip nor text).
 */
export function parseInWorker(bytes: Uint8Array, source: string, limits: ImportLimits): Promise<ParsedImport> {
  const script = workerScript();
  return new Promise<ParsedImport>((resolve, reject) => {
    const worker = new Worker(script.url, { workerData: { bytes, source, limits, entry: script.entry }, resourceLimits: WORKER_LIMITS });
    const candidates: ImportCandidate[] = [];
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.on('message', (m: ImportWorkerMessage) => {
      if (m.type === 'records') for (const c of m.candidates) candidates.push(c);
      else if (m.type === 'done') finish(() => resolve({ candidates, skipped: m.skipped, skippedTotal: m.skippedTotal, files: m.files }));
      else finish(() => reject(new ImportRefused(m.reason)));
    });
    worker.on('error', (err) => finish(() => reject(new Error(`${source}: the import failed (${err.message})`))));
    worker.on('exit', (code) => finish(() => reject(new Error(`${source}: the import worker exited (code ${code}) without a result`))));
  });
}

/**
 * The worker's entry: from source (scripts, tests), the .ts file through main/parallel's tsx bootstrap;
 * bundled (the Electron main process), the import-worker.cjs that the build writes beside the bundle.
 */
function workerScript(): { url: URL; entry: string } {
  if (import.meta.url.endsWith('.ts')) {
    return { url: new URL('../parallel/tsx-worker-bootstrap.mjs', import.meta.url), entry: new URL('./import-worker.ts', import.meta.url).href };
  }
  const bundled = new URL('./import-worker.cjs', import.meta.url);
  if (!existsSync(fileURLToPath(bundled))) throw new Error(`import: the worker script ${fileURLToPath(bundled)} is missing from the build`);
  return { url: bundled, entry: bundled.href };
}
