import { imageToNetworkInput, networkInputGradientToImage, Rng, type Network } from '../engine/index.ts';

/**
 * Feature visualization (Erhan et al. 2009; Olah et al. 2017, Lucid's optvis): a 28x28 image in [0, 1]
 * that maximizes one unit, by gradient ascent through the engine's backward pass. Lucid's four parts,
 * small: the objective (a unit's response: its strongest position, as top activations rank it; the
 * smallest distance for an RBF unit), the parameterization (pixels), the robustness transforms (a
 * random jitter of the image each step) and the loop (normalized gradient steps with an L2 pull to
 * blank, a blur every few steps, clipping to the input range).
 */
export interface FeatureVisOptions {
  readonly steps: number;
  readonly learningRate: number;
  readonly jitter: number;
  readonly l2: number;
  /** Blur (3x3 Gaussian) every this many steps; 0 = never. */
  readonly blurEvery: number;
  readonly seed: number;
  /** The last share of the steps runs without jitter and blur, so the image settles on the unit itself. */
  readonly polish: number;
  /** Asked between steps; true = stop and give up. */
  readonly cancelled?: () => boolean;
}

export const DEFAULT_FEATURE_VIS: FeatureVisOptions = { steps: 128, learningRate: 0.1, jitter: 2, l2: 0.001, blurEvery: 8, seed: 1, polish: 0.25 };

export interface FeatureVis {
  readonly image: Float32Array;
  /** The unit's response to the image (without jitter). */
  readonly value: number;
  readonly steps: number;
}

/** A unit's response to a batch-1 forward (its strongest position) and where it is. */
export function unitResponse(layerOutput: Float32Array, channel: number, positions: number, lowIsStrong: boolean): { value: number; position: number } {
  const off = channel * positions;
  let best = 0;
  for (let p = 1; p < positions; p++) {
    const v = layerOutput[off + p], b = layerOutput[off + best];
    if (lowIsStrong ? v < b : v > b) best = p;
  }
  return { value: layerOutput[off + best], position: best };
}

function shift(src: Float32Array, dst: Float32Array, side: number, dy: number, dx: number): void {
  dst.fill(0);
  for (let y = 0; y < side; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= side) continue;
    for (let x = 0; x < side; x++) {
      const sx = x - dx;
      if (sx >= 0 && sx < side) dst[y * side + x] = src[sy * side + sx];
    }
  }
}

function blur(img: Float32Array, side: number, tmp: Float32Array): void {
  const k = [0.25, 0.5, 0.25];
  for (let pass = 0; pass < 2; pass++) {
    const [from, to] = pass === 0 ? [img, tmp] : [tmp, img];
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        let s = 0, w = 0;
        for (let d = -1; d <= 1; d++) {
          const [yy, xx] = pass === 0 ? [y, x + d] : [y + d, x];
          if (yy < 0 || yy >= side || xx < 0 || xx >= side) continue;
          s += k[d + 1] * from[yy * side + xx];
          w += k[d + 1];
        }
        to[y * side + x] = s / w;
      }
    }
  }
}

/**
 * Ascends unit `channel` of layer `layerIndex` (shape channels x positions) from a faint seeded noise.
 * Returns null when cancelled.
 */
export function visualizeUnit(net: Network, layerIndex: number, channel: number, positions: number, lowIsStrong: boolean, side: number, options: FeatureVisOptions = DEFAULT_FEATURE_VIS): FeatureVis | null {
  const n = side * side;
  const rng = new Rng(options.seed);
  const img = new Float32Array(n).map(() => 0.1 * rng.uniform(0, 1));
  const jittered = new Float32Array(n);
  const input = new Float32Array(net.inputSize);
  const gNet = new Float32Array(net.inputSize);
  const gImg = new Float32Array(n);
  const gBack = new Float32Array(n);
  const tmp = new Float32Array(n);
  const outSize = net.layers[layerIndex].outputShape.reduce((a, b) => a * b, 1);
  const seed = new Float32Array(outSize);
  const sign = lowIsStrong ? -1 : 1;
  imageToNetworkInput(net.spec, img, side, side, input, 0);
  let position = unitResponse(net.forward(input, 1).activations[layerIndex].data, channel, positions, lowIsStrong).position;
  // normalized steps of a fixed size can overshoot and circle the optimum while settling: keep the best
  // image the settling steps saw, measured by the forward pass each step makes anyway
  const best = { image: new Float32Array(n), value: NaN };
  for (let step = 0; step < options.steps; step++) {
    if (options.cancelled?.()) return null;
    const settling = step >= options.steps * (1 - options.polish);
    const dy = settling ? 0 : Math.round(rng.uniform(-options.jitter, options.jitter));
    const dx = settling ? 0 : Math.round(rng.uniform(-options.jitter, options.jitter));
    shift(img, jittered, side, dy, dx);
    imageToNetworkInput(net.spec, jittered, side, side, input, 0);
    // the objective's gradient flows from the unit's strongest position only (the max's subgradient);
    // the position is the one the previous step's forward pass found (one pass per step)
    seed.fill(0);
    seed[channel * positions + position] = sign;
    const out = net.layerInputGradientInto(input, 1, layerIndex, seed, gNet);
    const response = unitResponse(out, channel, positions, lowIsStrong);
    position = response.position;
    if (settling && (Number.isNaN(best.value) || (lowIsStrong ? response.value < best.value : response.value > best.value))) {
      best.image.set(img);
      best.value = response.value;
    }
    networkInputGradientToImage(net.spec, gNet, 0, side, side, gImg);
    shift(gImg, gBack, side, -dy, -dx);
    let norm = 0;
    for (let i = 0; i < n; i++) norm += gBack[i] * gBack[i];
    if (norm === 0) {
      // the unit is silent (a ReLU below zero passes no gradient): climb its value before the ReLU
      net.layerInputGradientInto(input, 1, layerIndex, seed, gNet, true);
      networkInputGradientToImage(net.spec, gNet, 0, side, side, gImg);
      shift(gImg, gBack, side, -dy, -dx);
      for (let i = 0; i < n; i++) norm += gBack[i] * gBack[i];
    }
    const scale = options.learningRate / (Math.sqrt(norm / n) + 1e-8);
    for (let i = 0; i < n; i++) img[i] = Math.min(1, Math.max(0, img[i] + scale * gBack[i] - options.l2 * img[i]));
    if (!settling && options.blurEvery > 0 && (step + 1) % options.blurEvery === 0) blur(img, side, tmp);
  }
  imageToNetworkInput(net.spec, img, side, side, input, 0);
  const final = unitResponse(net.forward(input, 1).activations[layerIndex].data, channel, positions, lowIsStrong).value;
  if (!Number.isNaN(best.value) && (lowIsStrong ? best.value < final : best.value > final)) return { image: best.image, value: best.value, steps: options.steps };
  return { image: img, value: final, steps: options.steps };
}
