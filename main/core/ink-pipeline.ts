import type { NetworkSpec } from '../engine/spec.ts';
import { toModelInput } from '../ink/model-input.ts';
import { preprocessInk } from '../ink/preprocess.ts';
import type { InkImage } from '../ink/raster.ts';
import type { Ink } from '../ink/types.ts';
import { archOf } from './model-info.ts';

/** What the core needs from the ink pipeline (main/ink): the 28x28 image and the steps that made it. */
export interface PreparedInk {
  readonly empty: boolean;
  /** 28x28, row-major, ink 1, background 0. */
  readonly image28: Float32Array;
  readonly steps: { readonly cropped: InkImage; readonly fitted: InkImage; readonly centred: InkImage };
}

export interface InkPipeline {
  prepare(ink: Ink): PreparedInk;
  /** The tensor a network of `spec` reads for the 28x28 image (C x H x W values). */
  toNetworkInput(image28: Float32Array, spec: NetworkSpec): Float32Array;
}

/** The same two functions the eval CLI runs, so what the app predicts is what was measured. */
export const defaultInkPipeline: InkPipeline = {
  prepare: (ink) => preprocessInk(ink),
  toNetworkInput: (image28, spec) => toModelInput(image28, archOf(spec)),
};
