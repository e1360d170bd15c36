import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FineTuneEpoch, FineTuneInput, FineTuneOutcome, FineTuneProgress } from './fine-tune.ts';

/** What the training worker posts back. */
export type WorkerMessage =
  | { readonly type: 'progress'; readonly progress: FineTuneProgress }
  | { readonly type: 'epoch'; readonly epoch: FineTuneEpoch }
  | { readonly type: 'outcome'; readonly outcome: FineTuneOutcome }
  | { readonly type: 'error'; readonly message: string };

export interface FineTuneJob {
  /** Settles with the outcome ('done' with the weights and card, or 'cancelled'); rejects if training failed. */
  readonly done: Promise<FineTuneOutcome>;
  /** Asks the worker to stop; `done` resolves 'cancelled' within a second (the worker is ended if it has not stopped by then). */
  cancel(): void;
}

export interface FineTuneJobHooks {
  onProgress?(p: FineTuneProgress): void;
  onEpoch?(e: FineTuneEpoch): void;
}

/** The worker stops itself between batches well within this; past it, it is terminated. */
const CANCEL_DEADLINE_MS = 800;

/**
 * Runs a fine-tune in a worker thread, so the thread that serves the UI and IPC only relays messages.
 * The worker writes nothing to disk: cancelling, or ending it, leaves nothing half-written.
 */
export function startFineTuneJob(input: FineTuneInput, hooks: FineTuneJobHooks = {}): FineTuneJob {
  const cancelFlag = new SharedArrayBuffer(4);
  const script = workerScript();
  const worker = new Worker(script.url, { workerData: { input, cancel: cancelFlag, entry: script.entry } });
  let settled = false;
  let deadline: NodeJS.Timeout | undefined;
  let resolveDone!: (o: FineTuneOutcome) => void;
  let rejectDone!: (e: Error) => void;
  const done = new Promise<FineTuneOutcome>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  const finish = (fn: () => void) => {
    if (settled) return;
    settled = true;
    clearTimeout(deadline);
    fn();
    void worker.terminate();
  };
  worker.on('message', (m: WorkerMessage) => {
    if (settled) return;
    if (m.type === 'progress') hooks.onProgress?.(m.progress);
    else if (m.type === 'epoch') hooks.onEpoch?.(m.epoch);
    else if (m.type === 'outcome') finish(() => resolveDone(Atomics.load(new Int32Array(cancelFlag), 0) === 1 ? { status: 'cancelled' } : m.outcome));
    else finish(() => rejectDone(new Error(`fine-tuning failed: ${m.message}`)));
  });
  worker.on('error', (err) => finish(() => rejectDone(new Error(`fine-tuning failed: ${err.message}`))));
  worker.on('exit', (code) => finish(() => rejectDone(new Error(`the training worker exited (code ${code}) without a result`))));
  return {
    done,
    cancel() {
      if (settled) return;
      Atomics.store(new Int32Array(cancelFlag), 0, 1);
      deadline ??= setTimeout(() => finish(() => resolveDone({ status: 'cancelled' })), CANCEL_DEADLINE_MS);
    },
  };
}

/** The compiled worker beside this module (packaged app), or the TypeScript source through main/parallel's tsx bootstrap. */
function workerScript(): { url: URL; entry: string } {
  const js = new URL('./fine-tune-worker.mjs', import.meta.url);
  if (existsSync(fileURLToPath(js))) return { url: js, entry: js.href };
  return { url: new URL('../parallel/tsx-worker-bootstrap.mjs', import.meta.url), entry: new URL('./fine-tune-worker.ts', import.meta.url).href };
}
