import { buildNetwork, imageAsFloats, imageToNetworkInput, type ImageDataset, type NetworkSpec, type Tensor, type Weights } from '../engine/index.ts';

/**
 * Prototype correction: the mean feature vector of the person's samples of each digit (the layer that
 * feeds the output, F6) becomes a second opinion, a nearest-prototype classifier with
 * log q(c | x) = -||f(x) - mu_c||^2 / tau + const, combined with the network as a product of experts:
 * logits' = logits + strength * (2 mu_c . f - ||mu_c||^2) / tau (the -||f||^2 / tau part is the same for
 * every class and leaves the softmax unchanged). That is linear in f, so it folds into the output
 * layer's weights and bias: the personal model is an ordinary model folder and the app predicts with it
 * (ONNX graph and all) as with any other; nothing about the person's samples is needed at predict time.
 *
 * tau is the mean squared distance of the person's samples to their own digit's prototype, so strength is
 * unit-free: at strength 1 a sample one typical distance nearer to a digit's prototype gains one nat there.
 * A digit the person gave no sample of gets the mean of the others' corrections (also linear in f), so it
 * is neither favoured nor pushed away against the digits that have a prototype; the whole correction is
 * then centred over the classes (the same softmax, the logits' mean unchanged).
 */
export interface Prototypes {
  /** classes x features, the mean of each digit's features (rows of digits without samples are zero). */
  readonly means: Float32Array;
  readonly counts: number[];
  readonly features: number;
  readonly tau: number;
}

/** Whether a network's output layer can take the correction (a dense layer under a softmax; not the classic RBF output). */
export function supportsPrototypes(spec: NetworkSpec): boolean {
  const layer = spec.layers[spec.layers.length - 1];
  return spec.head === 'softmax' && layer.kind === 'dense';
}

/** The trainable layer whose output feeds the network's last one (F6 for both LeNet-5 variants). */
function outputLayer(spec: NetworkSpec): { index: number; name: string } {
  const last = spec.layers.length - 1;
  const layer = spec.layers[last];
  if (!supportsPrototypes(spec) || layer.kind !== 'dense') throw new Error(`prototype correction needs a dense softmax output layer; the ${spec.arch} network ends in ${layer.kind}`);
  return { index: last, name: layer.name };
}

/** The features (outputs of the layer before the output one) of every image. */
export function penultimateFeatures(spec: NetworkSpec, weights: Weights, images: ImageDataset): { data: Float32Array; features: number } {
  const net = buildNetwork(spec);
  net.setWeights(weights);
  const { index } = outputLayer(spec);
  const img = new Float32Array(images.width * images.height);
  const batch = 64;
  const input = new Float32Array(batch * net.inputSize);
  let features = 0;
  let data = new Float32Array(0);
  for (let from = 0; from < images.count; from += batch) {
    const n = Math.min(batch, images.count - from);
    for (let k = 0; k < n; k++) {
      imageAsFloats(images, from + k, img);
      imageToNetworkInput(spec, img, images.width, images.height, input, k * net.inputSize);
    }
    const f = net.forward(input.subarray(0, n * net.inputSize), n).activations[index - 1];
    if (features === 0) {
      features = f.data.length / n;
      data = new Float32Array(images.count * features);
    }
    data.set(f.data, from * features);
  }
  return { data, features };
}

export function buildPrototypes(spec: NetworkSpec, weights: Weights, samples: ImageDataset, classes = 10): Prototypes {
  const { data, features } = penultimateFeatures(spec, weights, samples);
  const means = new Float32Array(classes * features);
  const counts = new Array<number>(classes).fill(0);
  for (let k = 0; k < samples.count; k++) {
    const c = samples.labels[k];
    counts[c]++;
    for (let j = 0; j < features; j++) means[c * features + j] += data[k * features + j];
  }
  for (let c = 0; c < classes; c++) if (counts[c] > 0) for (let j = 0; j < features; j++) means[c * features + j] /= counts[c];
  let spread = 0;
  for (let k = 0; k < samples.count; k++) {
    const c = samples.labels[k];
    for (let j = 0; j < features; j++) spread += (data[k * features + j] - means[c * features + j]) ** 2;
  }
  const tau = samples.count > 0 && spread > 0 ? spread / samples.count : 1;
  return { means, counts, features, tau };
}

/** The output layer with the prototypes' correction folded in (strength 0: the weights unchanged). */
export function foldPrototypes(spec: NetworkSpec, weights: Weights, protos: Prototypes, strength: number): Map<string, Tensor> {
  const { name } = outputLayer(spec);
  const w = weights.get(`${name}.weight`), b = weights.get(`${name}.bias`);
  if (!w || !b) throw new Error(`prototype correction: the model has no ${name}.weight and ${name}.bias`);
  const classes = b.data.length, F = protos.features;
  if (w.data.length !== classes * F) throw new Error(`prototype correction: ${name}.weight holds ${w.data.length} values, ${classes} x ${F} expected`);
  const wd = w.data.slice(), bd = b.data.slice();
  const k = strength / protos.tau;
  const covered = protos.counts.map((n, c) => (n > 0 && c < classes ? c : -1)).filter((c) => c >= 0);
  if (covered.length === 0 || strength === 0) return new Map(weights);
  // per class: the weight row and bias added; a digit without samples gets their mean
  const addW = new Float64Array(classes * F), addB = new Float64Array(classes);
  const meanW = new Float64Array(F);
  let meanB = 0;
  for (const c of covered) {
    let norm = 0;
    for (let j = 0; j < F; j++) {
      const m = protos.means[c * F + j];
      addW[c * F + j] = 2 * k * m;
      meanW[j] += (2 * k * m) / covered.length;
      norm += m * m;
    }
    addB[c] = -k * norm;
    meanB += -k * norm / covered.length;
  }
  for (let c = 0; c < classes; c++) {
    if (covered.includes(c)) continue;
    for (let j = 0; j < F; j++) addW[c * F + j] = meanW[j];
    addB[c] = meanB;
  }
  // centred over the classes: the softmax is the same, and the logits keep their mean, which the
  // non-digit head (fitted on the base model's logits) reads
  for (let j = 0; j < F; j++) {
    let m = 0;
    for (let c = 0; c < classes; c++) m += addW[c * F + j] / classes;
    for (let c = 0; c < classes; c++) wd[c * F + j] += addW[c * F + j] - m;
  }
  const mb = addB.reduce((a, v) => a + v, 0) / classes;
  for (let c = 0; c < classes; c++) bd[c] += addB[c] - mb;
  const out = new Map(weights);
  out.set(`${name}.weight`, { shape: [...w.shape], data: wd });
  out.set(`${name}.bias`, { shape: [...b.shape], data: bd });
  return out;
}
