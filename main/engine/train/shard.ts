import { augmentInto, AugmentScratch, type AugmentConfig } from '../augment.ts';
import { imageAsFloats, imageToNetworkInput, type ImageDataset } from '../dataset.ts';
import type { Network } from '../network.ts';
import { Rng } from '../rng.ts';

/**
 * Computes the gradient of one slice of a batch: builds each sample's input (with its own distortion,
 * seeded by (seed, epoch, sample index) so results do not depend on how the batch is split across
 * workers) and runs forward and backward. Used alike by the main thread and by every worker.
 */
export class ShardComputer {
  private readonly inputs: Float32Array;
  private readonly labels: Uint8Array;
  private readonly img: Float32Array;
  private readonly warped: Float32Array;
  private readonly scratch: AugmentScratch;

  constructor(
    readonly network: Network,
    readonly data: ImageDataset,
    readonly augment: AugmentConfig | null,
    readonly seed: number,
    maxShard: number,
  ) {
    this.inputs = new Float32Array(maxShard * network.inputSize);
    this.labels = new Uint8Array(maxShard);
    this.img = new Float32Array(data.width * data.height);
    this.warped = new Float32Array(data.width * data.height);
    this.scratch = new AugmentScratch(data.width, data.height);
  }

  /** Zeroes the network's gradients, then accumulates those of samples indices[from..to) scaled by gradScale. */
  compute(indices: Int32Array, from: number, to: number, epoch: number, gradScale: number): { lossSum: number; correct: number } {
    const n = to - from;
    this.network.gradData.fill(0);
    if (n <= 0) return { lossSum: 0, correct: 0 };
    const { width: w, height: h } = this.data;
    for (let k = 0; k < n; k++) {
      const i = indices[from + k];
      imageAsFloats(this.data, i, this.img);
      let src = this.img;
      if (this.augment) {
        augmentInto(this.img, w, h, this.augment, new Rng(this.seed, epoch * 0x10000 + 7 + i * 0x3b), this.warped, this.scratch);
        src = this.warped;
      }
      imageToNetworkInput(this.network.spec, src, w, h, this.inputs, k * this.network.inputSize);
      this.labels[k] = this.data.labels[i];
    }
    return this.network.accumulateGradients(this.inputs, this.labels, 0, n, gradScale);
  }
}
