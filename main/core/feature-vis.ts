import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { NetworkSpec, Weights } from '../engine/index.ts';

export type FeatureVisOutcome =
  | { readonly state: 'done'; readonly image: Float32Array; readonly value: number; readonly steps: number; readonly ms: number }
  | { readonly state: 'cancelled' };

/**
 * Feature visualizations, one at a time, each in a worker thread: a newer request (the person selected
 * another unit) or cancel() (they closed the view) cancels the one under way.
 */
export class FeatureVisRunner {
  private current: { cancel: Int32Array; worker: Worker } | null = null;

  cancel(): boolean {
    const c = this.current;
    if (!c) return false;
    Atomics.store(c.cancel, 0, 1);
    this.current = null;
    return true;
  }

  run(spec: NetworkSpec, weights: Weights, layerIndex: number, channel: number, positions: number, lowIsStrong: boolean): Promise<FeatureVisOutcome> {
    this.cancel();
    const js = new URL('./feature-vis-worker.mjs', import.meta.url);
    const script = existsSync(fileURLToPath(js))
      ? { url: js, entry: js.href }
      : { url: new URL('../parallel/tsx-worker-bootstrap.mjs', import.meta.url), entry: new URL('./feature-vis-worker.ts', import.meta.url).href };
    const cancel = new SharedArrayBuffer(4);
    const worker = new Worker(script.url, { workerData: { entry: script.entry, spec, weights, layerIndex, channel, positions, lowIsStrong, cancel } });
    const mine = { cancel: new Int32Array(cancel), worker };
    this.current = mine;
    return new Promise((resolve, reject) => {
      let settled = false;
      const done = (f: () => void) => {
        if (settled) return;
        settled = true;
        if (this.current === mine) this.current = null;
        f();
        void worker.terminate();
      };
      worker.on('message', (m: { kind: 'done'; image: Float32Array; value: number; steps: number; ms: number } | { kind: 'cancelled' }) =>
        done(() => resolve(m.kind === 'done' ? { state: 'done', image: m.image, value: m.value, steps: m.steps, ms: m.ms } : { state: 'cancelled' })));
      worker.on('error', (err) => done(() => reject(err)));
      worker.on('exit', (code) => done(() => (Atomics.load(mine.cancel, 0) === 1 ? resolve({ state: 'cancelled' }) : reject(new Error(`the feature-visualization worker stopped (exit code ${code})`)))));
    });
  }
}
