import { mnistInput, type InputEncoding, type MnistSet } from '../data/mnist.ts';
import type { ModelRuntime } from './model-runtime.ts';

export interface Evaluation {
  readonly n: number;
  readonly correct: number;
  readonly accuracy: number;
  /** confusion[trueLabel][predictedLabel] = count. */
  readonly confusion: number[][];
}

/** The MNIST input encoding a runtime's network expects, from its architecture and input size. */
export function encodingFor(runtime: ModelRuntime): InputEncoding {
  const [, h, w] = runtime.info.inputShape;
  if (runtime.info.arch === 'classic' && h === 32 && w === 32) return 'classic';
  if (runtime.info.arch === 'modern' && h === 28 && w === 28) return 'modern';
  throw new Error(`no MNIST encoding for a ${runtime.info.arch} network with a ${h}x${w} input`);
}

/** Index of the largest value in row `row` of a rows x classes matrix (the first one on ties). */
export function argmaxRow(values: Float32Array, row: number, classes: number): number {
  let best = 0;
  for (let k = 1; k < classes; k++) if (values[row * classes + k] > values[row * classes + best]) best = k;
  return best;
}

/** Classifies every image of `set` through the runtime, in batches, and tallies a confusion matrix. */
export async function evaluateMnist(
  runtime: ModelRuntime,
  set: MnistSet,
  options: { batchSize?: number; limit?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<Evaluation> {
  const classes = runtime.info.classes;
  if (classes !== 10) throw new Error(`MNIST evaluation needs 10 classes, the ${runtime.info.arch} model has ${classes}`);
  const encoding = encodingFor(runtime);
  const n = Math.min(options.limit ?? set.count, set.count);
  const batchSize = options.batchSize ?? 500;
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let correct = 0;
  for (let start = 0; start < n; start += batchSize) {
    const count = Math.min(batchSize, n - start);
    const probabilities = await runtime.classify(mnistInput(set, encoding, start, count), count);
    for (let i = 0; i < count; i++) {
      const truth = set.labels[start + i];
      const predicted = argmaxRow(probabilities, i, classes);
      confusion[truth][predicted]++;
      if (predicted === truth) correct++;
    }
    options.onProgress?.(start + count, n);
  }
  return { n, correct, accuracy: n === 0 ? 0 : correct / n, confusion };
}
