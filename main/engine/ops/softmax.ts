import { expectShape, ShapeError, tensor, type Tensor } from '../tensor.ts';

/** Row-wise softmax of scores[N, K] times `sign` (+1 for logits, a negative factor for RBF distances), max-shifted. */
export function softmaxInto(batch: number, classes: number, scores: Float32Array, sign: number, p: Float32Array): void {
  for (let n = 0; n < batch; n++) {
    const off = n * classes;
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, sign * scores[off + k]);
    let sum = 0;
    for (let k = 0; k < classes; k++) {
      const e = Math.exp(sign * scores[off + k] - max);
      p[off + k] = e;
      sum += e;
    }
    for (let k = 0; k < classes; k++) p[off + k] /= sum;
  }
}

/**
 * Mean cross-entropy of softmax(sign * scores) against integer labels, and its gradient with respect
 * to the scores: sign * (p - onehot) * gradScale. Returns the summed (not mean) loss and the correct count.
 */
export function softmaxCrossEntropyInto(
  batch: number, classes: number, scores: Float32Array, sign: number, labels: ArrayLike<number>, labelOffset: number,
  p: Float32Array, dScores: Float32Array, gradScale: number,
): { lossSum: number; correct: number } {
  softmaxInto(batch, classes, scores, sign, p);
  let lossSum = 0, correct = 0;
  for (let n = 0; n < batch; n++) {
    const off = n * classes;
    const label = labels[labelOffset + n];
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new ShapeError('softmax cross-entropy', `label ${label} of sample ${n} is outside 0..${classes - 1}`);
    }
    lossSum += -Math.log(Math.max(p[off + label], 1e-30));
    let best = 0;
    for (let k = 1; k < classes; k++) if (p[off + k] > p[off + best]) best = k;
    if (best === label) correct++;
    for (let k = 0; k < classes; k++) {
      dScores[off + k] = sign * gradScale * (p[off + k] - (k === label ? 1 : 0));
    }
  }
  return { lossSum, correct };
}

/**
 * Knowledge distillation (Hinton et al. 2015): the cross-entropy of q = softmax(sign * scores / T) against
 * soft targets t (a teacher's softmax at the same temperature), times T^2 so that the gradient keeps the
 * size of a hard-label one whatever T is. Writes its gradient with respect to the scores,
 * sign * T * (q - t) * gradScale, and returns the summed KL(t || q) * T^2 (0 when the student matches).
 */
export function softTargetCrossEntropyInto(
  batch: number, classes: number, scores: Float32Array, sign: number, temperature: number, targets: Float32Array, targetOffset: number,
  q: Float32Array, dScores: Float32Array, gradScale: number,
): number {
  if (!(temperature > 0)) throw new ShapeError('soft-target cross-entropy', `temperature must be positive, got ${temperature}`);
  softmaxInto(batch, classes, scores, sign / temperature, q);
  let klSum = 0;
  for (let n = 0; n < batch; n++) {
    const off = n * classes;
    for (let k = 0; k < classes; k++) {
      const t = targets[targetOffset + off + k];
      if (t > 0) klSum += t * (Math.log(t) - Math.log(Math.max(q[off + k], 1e-30)));
      dScores[off + k] = sign * gradScale * temperature * (q[off + k] - t);
    }
  }
  return klSum * temperature * temperature;
}

export function softmax(scores: Tensor, sign: number = 1): Tensor {
  expectShape('softmax', 'scores', scores.shape, [-1, -1]);
  const p = tensor(scores.shape);
  softmaxInto(scores.shape[0], scores.shape[1], scores.data, sign, p.data);
  return p;
}

/** Mean loss and the gradient of the mean loss with respect to the scores. */
export function softmaxCrossEntropy(scores: Tensor, labels: ArrayLike<number>, sign: number = 1): { loss: number; dScores: Tensor; probabilities: Tensor } {
  expectShape('softmax cross-entropy', 'scores', scores.shape, [-1, -1]);
  const [batch, classes] = scores.shape;
  if (labels.length !== batch) throw new ShapeError('softmax cross-entropy', `${labels.length} labels for a batch of ${batch}`);
  const p = tensor(scores.shape), d = tensor(scores.shape);
  const { lossSum } = softmaxCrossEntropyInto(batch, classes, scores.data, sign, labels, 0, p.data, d.data, 1 / batch);
  return { loss: lossSum / batch, dScores: d, probabilities: p };
}

/**
 * The training criterion of LeCun et al. 1998 (eq. 9) for RBF outputs: E = y_c + log(e^-j + sum_i e^-y_i),
 * per sample, where y are the distances, c the label and j a positive constant. Unlike cross-entropy of
 * softmax(-y), whose pull on y_c fades once the sample is classified, it keeps pulling y_c down until it
 * is below about j, so F6 is drawn towards the correct class's bitmap (the paper's intent), while the log
 * term pushes the competing distances up. Writes dE/dy * gradScale; returns the summed E and correct count.
 */
export function rbfCriterionInto(
  batch: number, classes: number, distances: Float32Array, j: number, labels: ArrayLike<number>, labelOffset: number,
  dDistances: Float32Array, gradScale: number,
): { lossSum: number; correct: number } {
  let lossSum = 0, correct = 0;
  for (let n = 0; n < batch; n++) {
    const off = n * classes;
    const label = labels[labelOffset + n];
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new ShapeError('rbf criterion', `label ${label} of sample ${n} is outside 0..${classes - 1}`);
    }
    // log-sum-exp over the negated distances and -j, shifted by the largest for stability
    let max = -j, best = 0;
    for (let k = 0; k < classes; k++) {
      max = Math.max(max, -distances[off + k]);
      if (distances[off + k] < distances[off + best]) best = k;
    }
    let z = Math.exp(-j - max);
    for (let k = 0; k < classes; k++) z += Math.exp(-distances[off + k] - max);
    lossSum += distances[off + label] + max + Math.log(z);
    if (best === label) correct++;
    for (let k = 0; k < classes; k++) {
      const q = Math.exp(-distances[off + k] - max) / z;
      dDistances[off + k] = gradScale * ((k === label ? 1 : 0) - q);
    }
  }
  return { lossSum, correct };
}
