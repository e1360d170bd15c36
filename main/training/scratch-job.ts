import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ScratchEpoch, ScratchInput, ScratchOutcome, ScratchProgress } from './scratch-train.ts';

export type ScratchAction = 'pause' | 'resume' | 'step' | 'cancel';
export type ScratchState = 'running' | 'paused' | 'stopping';

/** The weights of the moment applied to one input. */
export interface ScratchProbe {
  readonly done: number;
  readonly probabilities: number[];
  readonly activations: { name: string; shape: number[]; data: Float32Array }[];
}

export type ScratchToWorker =
  | { readonly type: 'control'; readonly action: ScratchAction }
  | { readonly type: 'probe'; readonly id: number; readonly input: Float32Array };

export type ScratchToParent =
  | { readonly type: 'progress'; readonly progress: ScratchProgress }
  | { readonly type: 'epoch'; readonly epoch: ScratchEpoch }
  | { readonly type: 'state'; readonly state: ScratchState }
  | { readonly type: 'probe'; readonly id: number; readonly answer: ScratchProbe | null }
  | { readonly type: 'outcome'; readonly outcome: ScratchOutcome }
  | { readonly type: 'error'; readonly message: string };

export interface ScratchJob {
  /** Settles with the outcome; rejects if training failed. */
  readonly done: Promise<ScratchOutcome>;
  /** Pause, resume, one batch (while paused), cancel; resolves with the state the worker is then in. */
  control(action: ScratchAction): Promise<ScratchState>;
  /** The network input through the weights of the moment; null before the network is built or after the end. */
  probe(input: Float32Array): Promise<ScratchProbe | null>;
}

export interface ScratchJobHooks {
  onProgress?(p: ScratchProgress): void;
  onEpoch?(e: ScratchEpoch): void;
}

/** The worker stops between batches well within this after a cancel; past it, it is ended. */
const CANCEL_DEADLINE_MS = 2000;

/**
 * Runs a training from scratch in a worker thread, so the thread that serves the UI only relays
 * messages. The worker writes nothing to disk: cancelling, or ending it, leaves nothing half-written.
 */
export function startScratchJob(input: ScratchInput, hooks: ScratchJobHooks = {}): ScratchJob {
  const script = workerScript();
  const worker = new Worker(script.url, { workerData: { input, entry: script.entry } });
  let settled = false;
  let deadline: NodeJS.Timeout | undefined;
  let nextProbe = 0;
  const probes = new Map<number, (a: ScratchProbe | null) => void>();
  const states: ((s: ScratchState) => void)[] = [];
  let resolveDone!: (o: ScratchOutcome) => void;
  let rejectDone!: (e: Error) => void;
  const done = new Promise<ScratchOutcome>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  let cancelled = false;
  const finish = (fn: () => void) => {
    if (settled) return;
    settled = true;
    clearTimeout(deadline);
    for (const p of probes.values()) p(null);
    probes.clear();
    for (const s of states.splice(0)) s('stopping');
    fn();
    void worker.terminate();
  };
  worker.on('message', (m: ScratchToParent) => {
    if (settled) return;
    if (m.type === 'progress') hooks.onProgress?.(m.progress);
    else if (m.type === 'epoch') hooks.onEpoch?.(m.epoch);
    else if (m.type === 'state') states.shift()?.(m.state);
    else if (m.type === 'probe') {
      probes.get(m.id)?.(m.answer);
      probes.delete(m.id);
    } else if (m.type === 'outcome') finish(() => resolveDone(cancelled ? { status: 'cancelled' } : m.outcome));
    else finish(() => rejectDone(new Error(`training failed: ${m.message}`)));
  });
  worker.on('error', (err) => finish(() => rejectDone(new Error(`training failed: ${err.message}`))));
  worker.on('exit', (code) => finish(() => rejectDone(new Error(`the training worker exited (code ${code}) without a result`))));
  return {
    done,
    control(action) {
      if (settled) return Promise.resolve('stopping');
      if (action === 'cancel') {
        cancelled = true;
        deadline ??= setTimeout(() => finish(() => resolveDone({ status: 'cancelled' })), CANCEL_DEADLINE_MS);
      }
      const answer = new Promise<ScratchState>((resolve) => states.push(resolve));
      worker.postMessage({ type: 'control', action } satisfies ScratchToWorker);
      return answer;
    },
    probe(data) {
      if (settled) return Promise.resolve(null);
      const id = nextProbe++;
      const answer = new Promise<ScratchProbe | null>((resolve) => probes.set(id, resolve));
      worker.postMessage({ type: 'probe', id, input: data } satisfies ScratchToWorker);
      return answer;
    },
  };
}

/** The compiled worker beside this module (packaged app), or the TypeScript source through main/parallel's tsx bootstrap. */
function workerScript(): { url: URL; entry: string } {
  const js = new URL('./scratch-worker.mjs', import.meta.url);
  if (existsSync(fileURLToPath(js))) return { url: js, entry: js.href };
  return { url: new URL('../parallel/tsx-worker-bootstrap.mjs', import.meta.url), entry: new URL('./scratch-worker.ts', import.meta.url).href };
}
