import { imageAsFloats, imageToNetworkInput, type ImageDataset } from '../dataset.ts';
import type { Network } from '../network.ts';

export interface Evaluation {
  readonly n: number;
  readonly correct: number;
  readonly accuracy: number;
  readonly meanLoss: number;
  /** confusion[true][predicted]. */
  readonly confusion: number[][];
}

/** Accuracy, mean cross-entropy and confusion matrix of a network over a dataset (no distortion). */
export function evaluateNetwork(network: Network, data: ImageDataset, batch = 250): Evaluation {
  const classes = network.classes;
  const inputs = new Float32Array(batch * network.inputSize);
  const probs = new Float32Array(batch * classes);
  const img = new Float32Array(data.width * data.height);
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let correct = 0, lossSum = 0;
  for (let start = 0; start < data.count; start += batch) {
    const n = Math.min(batch, data.count - start);
    for (let k = 0; k < n; k++) {
      imageAsFloats(data, start + k, img);
      imageToNetworkInput(network.spec, img, data.width, data.height, inputs, k * network.inputSize);
    }
    network.predictInto(inputs, n, probs);
    for (let k = 0; k < n; k++) {
      const label = data.labels[start + k];
      let best = 0;
      for (let c = 1; c < classes; c++) if (probs[k * classes + c] > probs[k * classes + best]) best = c;
      confusion[label][best]++;
      if (best === label) correct++;
      lossSum += -Math.log(Math.max(probs[k * classes + label], 1e-30));
    }
  }
  return { n: data.count, correct, accuracy: data.count ? correct / data.count : 0, meanLoss: data.count ? lossSum / data.count : 0, confusion };
}
