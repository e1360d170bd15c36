import { buildNetwork, imageAsFloats, imageToNetworkInput, Network, softmaxInto, type ImageDataset, type NetworkSpec, type Weights } from '../engine/index.ts';

/**
 * Replay by distillation: MNIST digits that the fine-tune keeps seeing, not with their hard labels but with
 * the base model's own softened outputs (temperature T) as targets (learning without forgetting, Li and
 * Hoiem 2016; Hinton et al. 2015). A hard label only asks the model to keep each digit right; the base
 * model's full distribution also asks it to keep how sure it was and what it would confuse the digit with,
 * which is what the person's samples pull away from. Each training step adds
 * weight * (mean distillation loss over a slice of these digits) to the batch's loss, through the
 * trainer's onGradient hook, so the mix of personal samples and the workers are untouched.
 */
export interface Distillation {
  /** The digits as network inputs, count * inputSize. */
  readonly input: Float32Array;
  /** The base model's softmax(logits / T) of each digit, count * classes. */
  readonly targets: Float32Array;
  readonly count: number;
  readonly temperature: number;
  readonly weight: number;
}

/** The base model's soft targets on `digits`. */
export function buildDistillation(spec: NetworkSpec, baseWeights: Weights, digits: ImageDataset, temperature: number, weight: number): Distillation {
  if (digits.count === 0) throw new Error('distillation: no digits to distill');
  const teacher = buildNetwork(spec);
  teacher.setWeights(baseWeights);
  const size = teacher.inputSize;
  const input = new Float32Array(digits.count * size);
  const img = new Float32Array(digits.width * digits.height);
  for (let i = 0; i < digits.count; i++) {
    imageAsFloats(digits, i, img);
    imageToNetworkInput(spec, img, digits.width, digits.height, input, i * size);
  }
  const classes = teacher.classes;
  const targets = new Float32Array(digits.count * classes);
  const sign = teacher.logitScale;
  const batch = 64;
  for (let from = 0; from < digits.count; from += batch) {
    const n = Math.min(batch, digits.count - from);
    const { scores } = teacher.forward(input.subarray(from * size, (from + n) * size), n);
    softmaxInto(n, classes, scores, sign / temperature, targets.subarray(from * classes, (from + n) * classes));
  }
  return { input, targets, count: digits.count, temperature, weight };
}

/**
 * The onGradient hook that adds the distillation term: each step takes the next ceil(count / stepsPerEpoch)
 * digits (cycling, so an epoch sees each once), computes the distillation gradient with the weights of the
 * moment (a network over the trainer's own parameter buffer) and adds weight times its mean into the batch's
 * mean gradient.
 */
export function distillationHook(spec: NetworkSpec, d: Distillation, stepsPerEpoch: number): (params: Float32Array, grads: Float32Array) => void {
  const per = Math.max(1, Math.ceil(d.count / Math.max(1, stepsPerEpoch)));
  let student: Network | null = null;
  let cursor = 0;
  return (params, grads) => {
    if (!student || student.paramData !== params) student = new Network(spec, { paramBuffer: params });
    const net = student;
    net.gradData.fill(0);
    const size = net.inputSize, classes = net.classes;
    for (let left = per; left > 0;) {
      const n = Math.min(left, d.count - cursor);
      net.accumulateSoftTargetGradients(d.input.subarray(cursor * size, (cursor + n) * size), d.targets, cursor * classes, n, d.temperature, d.weight / per);
      left -= n;
      cursor = (cursor + n) % d.count;
    }
    const g = net.gradData;
    for (let i = 0; i < grads.length; i++) grads[i] += g[i];
  };
}
