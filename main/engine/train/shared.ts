import type { AugmentConfig } from '../augment.ts';
import type { NetworkSpec } from '../spec.ts';

/** Layout of the memory the trainer shares with its gradient workers. */
export const CTRL_STEP = 0; // bumped by the main thread for every batch
export const CTRL_DONE = 1; // workers that finished the current batch
export const CTRL_COUNT = 2; // samples in the current batch
export const CTRL_EPOCH = 3;
export const CTRL_STOP = 4; // 1 = workers exit
export const CTRL_SIZE = 8;

export interface WorkerSetup {
  readonly spec: NetworkSpec;
  readonly shard: number;
  readonly workers: number;
  readonly maxBatch: number;
  readonly seed: number;
  readonly augment: AugmentConfig | null;
  /** The matrix kernels the calling thread's network uses; each worker loads the same. */
  readonly kernels: 'wasm-simd' | 'typescript';
  readonly params: SharedArrayBuffer;
  readonly grads: SharedArrayBuffer;
  readonly indices: SharedArrayBuffer;
  readonly ctrl: SharedArrayBuffer;
  readonly stats: SharedArrayBuffer;
  readonly images: SharedArrayBuffer;
  readonly labels: SharedArrayBuffer;
  readonly count: number;
  readonly width: number;
  readonly height: number;
}

/** Shard s of a batch of n split W ways: [from, to). */
export function shardRange(n: number, s: number, workers: number): [number, number] {
  return [Math.floor((n * s) / workers), Math.floor((n * (s + 1)) / workers)];
}
