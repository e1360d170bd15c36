import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AugmentConfig } from '../engine/augment.ts';
import type { ImageDataset } from '../engine/dataset.ts';
import { Network } from '../engine/network.ts';
import type { NetworkSpec } from '../engine/spec.ts';
import { ShardComputer } from '../engine/train/shard.ts';
import { CTRL_COUNT, CTRL_DONE, CTRL_EPOCH, CTRL_SIZE, CTRL_STEP, CTRL_STOP, shardRange, type WorkerSetup } from '../engine/train/shared.ts';
import type { MatrixKernels } from '../engine/kernels/matrix-kernels.ts';
import { engineKernels, type KernelChoice } from '../wasm/load-kernels.ts';

/** Atomics.waitAsync (ES2024; in Node since 16), which the ES2023 lib the project compiles against lacks. */
type AtomicsWaitAsync = typeof Atomics & {
  waitAsync(array: Int32Array, index: number, value: number): { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
};

/**
 * Data-parallel gradients: the batch is split into `workers` shards; the calling thread computes the
 * first, worker threads the others, all reading one set of parameters in shared memory and writing
 * their gradients to their own slots, which are then summed in a fixed order (same seed and worker
 * count, same result).
 */
export class GradientPool {
  readonly network: Network;
  private readonly threads: Worker[] = [];
  private readonly ctrl: Int32Array;
  private readonly indices: Int32Array;
  private readonly stats: Float64Array;
  private readonly grads: Float32Array;
  private readonly local: ShardComputer;
  private closed = false;
  /** Set once a worker dies outside close(): the pool is unusable from then on. */
  private failure: Error | null = null;
  /** Rejects the batch that is waiting for the workers, if one is. */
  private rejectPending: ((err: Error) => void) | null = null;
  private readonly exited = new Set<Worker>();
  /** The matrix kernels every thread of the pool runs on. */
  readonly kernels: KernelChoice;

  private constructor(
    spec: NetworkSpec,
    readonly workers: number,
    readonly maxBatch: number,
    private readonly shared: Omit<WorkerSetup, 'shard' | 'spec' | 'workers' | 'maxBatch' | 'seed' | 'augment' | 'kernels' | 'count' | 'width' | 'height'>,
    data: ImageDataset,
    seed: number,
    augment: AugmentConfig | null,
    kernels: MatrixKernels,
  ) {
    const paramCount = new Float32Array(shared.params).length;
    this.grads = new Float32Array(shared.grads);
    this.kernels = kernels.name;
    this.network = new Network(spec, { paramBuffer: new Float32Array(shared.params), gradBuffer: this.grads.subarray(0, paramCount), kernels });
    this.ctrl = new Int32Array(shared.ctrl);
    this.indices = new Int32Array(shared.indices);
    this.stats = new Float64Array(shared.stats);
    this.local = new ShardComputer(this.network, data, augment, seed, Math.ceil(maxBatch / workers) + 1);
  }

  /**
   * Builds the pool; `initial` holds the starting parameters (the flat array of a built Network).
   * `kernels`: the matrix kernels of every thread (default: the SIMD ones where they load).
   */
  static async create(spec: NetworkSpec, initial: Float32Array, data: ImageDataset, options: { workers: number; maxBatch: number; seed: number; augment: AugmentConfig | null; kernels?: KernelChoice }): Promise<GradientPool> {
    const kernels = await engineKernels({ want: options.kernels });
    const workers = Math.max(1, Math.floor(options.workers));
    const P = initial.length;
    const params = new SharedArrayBuffer(P * 4);
    new Float32Array(params).set(initial);
    const images = new SharedArrayBuffer(data.images.length);
    new Uint8Array(images).set(data.images);
    const labels = new SharedArrayBuffer(data.labels.length);
    new Uint8Array(labels).set(data.labels);
    const shared = {
      params,
      grads: new SharedArrayBuffer(workers * P * 4),
      indices: new SharedArrayBuffer(options.maxBatch * 4),
      ctrl: new SharedArrayBuffer(CTRL_SIZE * 4),
      stats: new SharedArrayBuffer(workers * 2 * 8),
      images,
      labels,
    };
    const sharedData: ImageDataset = { count: data.count, width: data.width, height: data.height, images: new Uint8Array(images), labels: new Uint8Array(labels) };
    const pool = new GradientPool(spec, workers, options.maxBatch, shared, sharedData, options.seed, options.augment, kernels.instance);
    const script = workerScript();
    const ready: Promise<void>[] = [];
    for (let s = 1; s < workers; s++) {
      const setup: WorkerSetup = { ...shared, spec, shard: s, workers, maxBatch: options.maxBatch, seed: options.seed, augment: options.augment, kernels: kernels.kernels, count: data.count, width: data.width, height: data.height };
      const w = new Worker(script.url, { workerData: { ...setup, entry: script.entry } });
      pool.threads.push(w);
      ready.push(new Promise((resolve, reject) => {
        w.once('message', () => resolve());
        w.once('error', reject);
        w.once('exit', (code) => reject(new Error(`gradient worker ${s} exited with code ${code} before it was ready`)));
      }));
    }
    try {
      await Promise.all(ready);
    } catch (err) {
      await pool.close();
      throw err;
    }
    for (const [i, w] of pool.threads.entries()) {
      w.removeAllListeners('exit');
      w.removeAllListeners('error');
      pool.watch(w, i + 1);
    }
    return pool;
  }

  /** A worker that fails or exits while the pool is open fails the pending batch and every later one. */
  private watch(w: Worker, shard: number): void {
    w.on('error', (err: unknown) => {
      this.fail(new Error(`gradient worker ${shard} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err }));
    });
    w.on('exit', (code) => {
      this.exited.add(w);
      if (!this.closed) this.fail(new Error(`gradient worker ${shard} exited with code ${code} while training`));
    });
  }

  private fail(err: Error): void {
    if (this.failure || this.closed) return;
    this.failure = err;
    const reject = this.rejectPending;
    this.rejectPending = null;
    reject?.(err);
    // wake the wait on the done counter, which no worker will bump any more
    Atomics.notify(this.ctrl, CTRL_DONE);
  }

  /**
   * Mean gradient of samples indices[0..n) into network.gradData; resolves to the summed loss and correct
   * count. Rejects, naming the worker, if a gradient worker dies; the pool is unusable after that.
   */
  async computeBatch(indices: Int32Array, n: number, epoch: number): Promise<{ lossSum: number; correct: number }> {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('gradient pool: used after close');
    if (n > this.maxBatch) throw new Error(`gradient pool: batch of ${n} exceeds the maximum of ${this.maxBatch}`);
    this.indices.set(indices.subarray(0, n));
    Atomics.store(this.ctrl, CTRL_COUNT, n);
    Atomics.store(this.ctrl, CTRL_EPOCH, epoch);
    Atomics.store(this.ctrl, CTRL_DONE, 0);
    Atomics.add(this.ctrl, CTRL_STEP, 1);
    Atomics.notify(this.ctrl, CTRL_STEP);
    const [from, to] = shardRange(n, 0, this.workers);
    const mine = this.local.compute(this.indices, from, to, epoch, 1 / n);
    let lossSum = mine.lossSum, correct = mine.correct;
    await this.workersDone();
    const P = this.network.paramData.length;
    for (let s = 1; s < this.workers; s++) {
      const off = s * P;
      for (let i = 0; i < P; i++) this.grads[i] += this.grads[off + i];
      lossSum += this.stats[s * 2];
      correct += this.stats[s * 2 + 1];
    }
    return { lossSum, correct };
  }

  /** Waits (without blocking the thread, so a worker's death is heard) until every worker finished the batch. */
  private workersDone(): Promise<void> {
    if (Atomics.load(this.ctrl, CTRL_DONE) >= this.workers - 1 && !this.failure) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const settle = (err: Error | null) => {
        this.rejectPending = null;
        if (err) reject(err);
        else resolve();
      };
      this.rejectPending = settle;
      const check = () => {
        if (this.rejectPending !== settle) return; // already settled
        if (this.failure) return settle(this.failure);
        const done = Atomics.load(this.ctrl, CTRL_DONE);
        if (done >= this.workers - 1) return settle(null);
        const wait = (Atomics as AtomicsWaitAsync).waitAsync(this.ctrl, CTRL_DONE, done);
        if (wait.async) void wait.value.then(check);
        else check();
      };
      check();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctrl, CTRL_STOP, 1);
    Atomics.add(this.ctrl, CTRL_STEP, 1);
    Atomics.notify(this.ctrl, CTRL_STEP);
    await Promise.all(this.threads.filter((w) => !this.exited.has(w)).map((w) => new Promise<void>((resolve) => {
      const t = setTimeout(() => { void w.terminate().then(() => resolve()); }, 2000);
      w.once('exit', () => { clearTimeout(t); resolve(); });
    })));
  }
}

/**
 * The worker's entry: run from source (scripts, tests), the .ts file through a tsx bootstrap; bundled
 * (the Electron main process), the gradient-worker.cjs that the build writes beside the bundle.
 */
function workerScript(): { url: URL; entry: string } {
  if (import.meta.url.endsWith('.ts')) {
    return { url: new URL('./tsx-worker-bootstrap.mjs', import.meta.url), entry: new URL('./gradient-worker.ts', import.meta.url).href };
  }
  const bundled = new URL('./gradient-worker.cjs', import.meta.url);
  if (!existsSync(fileURLToPath(bundled))) throw new Error(`gradient pool: the worker script ${fileURLToPath(bundled)} is missing from the build`);
  return { url: bundled, entry: bundled.href };
}
