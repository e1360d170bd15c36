import type { Maps } from './unit-sum.ts';

/**
 * The lessons' small matrices: the textbook examples a CNN course works through (cross-correlation,
 * padding, stride, an edge, several channels, the 1x1 convolution) and the classic image kernels.
 */

export interface KernelPreset {
  readonly id: string;
  readonly height: number;
  readonly width: number;
  readonly data: Float32Array;
  /** The kernel is (1/denominator) times whole numbers (blurs); null when its entries are written as they are. */
  readonly denominator: number | null;
}

export interface InputPreset {
  readonly id: string;
  readonly input: Maps;
  readonly kernels: { readonly outMaps: number; readonly height: number; readonly width: number; readonly data: Float32Array };
  readonly bias: Float32Array;
  readonly padding: [number, number];
  readonly stride: [number, number];
}

const f32 = (rows: readonly (readonly number[])[], scale = 1) => Float32Array.from(rows.flat(), (v) => v * scale);

function kernel(id: string, rows: number[][], denominator: number | null = null): KernelPreset {
  return { id, height: rows.length, width: rows[0].length, data: f32(rows, denominator ? 1 / denominator : 1), denominator };
}

export const KERNEL_PRESETS: readonly KernelPreset[] = [
  kernel('identity', [[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
  kernel('box-blur', [[1, 1, 1], [1, 1, 1], [1, 1, 1]], 9),
  kernel('gaussian', [[1, 2, 1], [2, 4, 2], [1, 2, 1]], 16),
  kernel('sharpen', [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
  kernel('outline', [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]),
  kernel('sobel-horizontal', [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]),
  kernel('sobel-vertical', [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]),
  kernel('edge-horizontal', [[1, -1]]),
  kernel('edge-vertical', [[1], [-1]]),
  kernel('vertical-edge-3', [[1, 0, -1], [1, 0, -1], [1, 0, -1]]),
  kernel('textbook-2x2', [[0, 1], [2, 3]]),
];

const range = (h: number, w: number, from: number) => Array.from({ length: h }, (_, i) => Array.from({ length: w }, (_, j) => from + i * w + j));

function oneChannel(rows: number[][]): Maps {
  return { channels: 1, height: rows.length, width: rows[0].length, data: f32(rows) };
}

function stack(channels: number[][][]): Maps {
  return { channels: channels.length, height: channels[0].length, width: channels[0][0].length, data: f32(channels.flat()) };
}

function kernels(perOutput: number[][][][]): InputPreset['kernels'] {
  return { outMaps: perOutput.length, height: perOutput[0][0].length, width: perOutput[0][0][0].length, data: f32(perOutput.flat(2)) };
}

const textbook = oneChannel(range(3, 3, 1));
const textbookKernel = kernels([[[[0, 1], [2, 3]]]]);
// a 6x8 image, bright at both sides with a dark band in the middle
const band = oneChannel(Array.from({ length: 6 }, () => [1, 1, 0, 0, 0, 0, 1, 1]));
const tens = oneChannel(Array.from({ length: 5 }, () => [10, 10, 10, 0, 0]));
const twoChannels = stack([range(3, 3, 0), range(3, 3, 1)]);
const twoKernels = [[[0, 1], [2, 3]], [[1, 2], [3, 4]]];
const plus = (k: number[][][], d: number) => k.map((m) => m.map((r) => r.map((v) => v + d)));
const threeChannels = stack([range(3, 3, 1), [[1, 0, 1], [0, 1, 0], [1, 0, 1]], [[2, 2, 2], [0, 0, 0], [1, 1, 1]]]);

const preset = (id: string, input: Maps, k: InputPreset['kernels'], padding: [number, number] = [0, 0], stride: [number, number] = [1, 1]): InputPreset => ({
  id, input, kernels: k, bias: new Float32Array(k.outMaps), padding, stride,
});

export const INPUT_PRESETS: readonly InputPreset[] = [
  preset('cross-correlation', textbook, textbookKernel),
  preset('padding', textbook, textbookKernel, [1, 1]),
  preset('stride', textbook, textbookKernel, [1, 1], [2, 2]),
  preset('edge-band', band, kernels([[[[1, -1]]]])),
  preset('vertical-edge', tens, kernels([[[[1, 0, -1], [1, 0, -1], [1, 0, -1]]]])),
  preset('two-channels', twoChannels, kernels([twoKernels])),
  preset('three-outputs', twoChannels, kernels([twoKernels, plus(twoKernels, 1), plus(twoKernels, 2)])),
  preset('one-by-one', threeChannels, kernels([[[[1]], [[0.5]], [[-1]]], [[[0]], [[1]], [[1]]]])),
];
