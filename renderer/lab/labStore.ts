import { create } from 'zustand';
import type { LabConvolveResponse, LabPresets } from '../transport/index.ts';

/** The lab's activation choices (the contract's names). */
export const LAB_FUNCTIONS = ['identity', 'relu', 'leaky-relu', 'sigmoid', 'tanh', 'lecun-tanh'] as const;
export type LabFunction = (typeof LAB_FUNCTIONS)[number];

/** Editable maps, row-major: [channel][row][col] flattened. */
export interface Matrix {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly data: readonly number[];
}

/** [outMap][inChannel][row][col] flattened. */
export interface KernelSet {
  readonly outMaps: number;
  readonly height: number;
  readonly width: number;
  readonly data: readonly number[];
}

export interface Unit {
  readonly map: number;
  readonly row: number;
  readonly col: number;
}

export interface PoolSetting {
  readonly kind: 'max' | 'avg';
  readonly size: readonly [number, number];
  readonly stride: readonly [number, number];
}

/** Where the lab's input comes from: one of the core's textbook presets, the drawing, or the person's edits. */
export type Source = string;
export const DRAWING: Source = 'drawing';

export interface LabState {
  readonly presets: LabPresets | null;
  readonly source: Source;
  readonly input: Matrix;
  readonly kernels: KernelSet;
  /** Which preset kernel is shown (id, or `C1:<model>:<map>`); null once edited. */
  readonly kernelChoice: string | null;
  readonly bias: readonly number[];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
  readonly fn: LabFunction;
  readonly slope: number;
  readonly pool: PoolSetting | null;
  readonly unit: Unit;
  readonly poolUnit: Unit;
  readonly playing: boolean;
  readonly result: LabConvolveResponse | null;
  readonly error: string | null;
}

const empty: Matrix = { channels: 1, height: 3, width: 3, data: [1, 2, 3, 4, 5, 6, 7, 8, 9] };

const initial: LabState = {
  presets: null,
  source: 'cross-correlation',
  input: empty,
  kernels: { outMaps: 1, height: 2, width: 2, data: [0, 1, 2, 3] },
  kernelChoice: 'textbook-2x2',
  bias: [0],
  stride: [1, 1],
  padding: [0, 0],
  fn: 'identity',
  slope: 0.1,
  pool: null,
  unit: { map: 0, row: 0, col: 0 },
  poolUnit: { map: 0, row: 0, col: 0 },
  playing: false,
  result: null,
  error: null,
};

export const useLab = create<LabState>()(() => initial);
const set = useLab.setState;
const get = useLab.getState;

const resize = <T>(values: readonly T[], n: number, fill: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => (i < values.length ? values[i] : fill(i)));

/** The kernel of output map 0 and input channel 0 copied to every (output, input) pair of the new shape. */
function spread(kernel: readonly number[], outMaps: number, inChannels: number, height: number, width: number): KernelSet {
  const data: number[] = [];
  for (let i = 0; i < outMaps * inChannels; i++) data.push(...kernel);
  return { outMaps, height, width, data };
}

/** Every change to the lab goes through one of these. */
export const labActions = {
  presetsLoaded(presets: LabPresets): void {
    set({ presets });
    labActions.choosePreset(get().source === DRAWING ? 'cross-correlation' : get().source);
  },
  choosePreset(id: string): void {
    const preset = get().presets?.inputs.find((p) => p.id === id);
    if (!preset) return;
    set({
      source: id,
      input: { channels: preset.input.channels, height: preset.input.height, width: preset.input.width, data: Array.from(preset.input.data) },
      kernels: { outMaps: preset.kernels.outMaps, height: preset.kernels.height, width: preset.kernels.width, data: Array.from(preset.kernels.data) },
      kernelChoice: null,
      bias: Array.from(preset.bias),
      padding: [...preset.padding],
      stride: [...preset.stride],
      unit: { map: 0, row: 0, col: 0 },
      poolUnit: { map: 0, row: 0, col: 0 },
    });
  },
  /** The drawing's network input, one channel (it follows the drawing while this source is chosen). */
  useDrawing(image: { width: number; height: number; data: ArrayLike<number> } | null): void {
    const s = get();
    const input: Matrix = image ? { channels: 1, height: image.height, width: image.width, data: Array.from(image.data) } : { channels: 1, height: 28, width: 28, data: new Array<number>(784).fill(0) };
    if (s.source === DRAWING) {
      set({ input });
      return;
    }
    const k = s.kernels;
    // the drawing is one channel: keep the first kernel, padded so the output keeps the picture's size
    set({ source: DRAWING, input, kernels: spread(k.data.slice(0, k.height * k.width), 1, 1, k.height, k.width), bias: [s.bias[0] ?? 0], padding: [(k.height - 1) >> 1, (k.width - 1) >> 1], unit: { map: 0, row: 14, col: 14 } });
  },
  setCell(index: number, value: number): void {
    const { input } = get();
    const data = input.data.slice();
    data[index] = value;
    set({ input: { ...input, data }, source: get().source === DRAWING ? DRAWING : 'edited' });
  },
  setKernelCell(index: number, value: number): void {
    const { kernels } = get();
    const data = kernels.data.slice();
    data[index] = value;
    set({ kernels: { ...kernels, data }, kernelChoice: null });
  },
  /** A kernel of the presets or of a model, put in every (output, input) position. */
  chooseKernel(choice: string, height: number, width: number, values: ArrayLike<number>): void {
    const { input, kernels, source, padding } = get();
    // on the drawing, a kernel keeps the picture's size (padding (k-1)/2, as the modern C1 pads 5x5 by 2)
    const same: [number, number] = source === DRAWING ? [(height - 1) >> 1, (width - 1) >> 1] : [padding[0], padding[1]];
    set({ kernels: spread(Array.from(values), kernels.outMaps, input.channels, height, width), kernelChoice: choice, padding: same });
  },
  setBias(map: number, value: number): void {
    const bias = get().bias.slice();
    bias[map] = value;
    set({ bias });
  },
  setStride(axis: 0 | 1, value: number): void {
    const stride: [number, number] = [...get().stride];
    stride[axis] = value;
    set({ stride });
  },
  setPadding(axis: 0 | 1, value: number): void {
    const padding: [number, number] = [...get().padding];
    padding[axis] = value;
    set({ padding });
  },
  setFunction(fn: LabFunction): void {
    set({ fn });
  },
  setSlope(slope: number): void {
    set({ slope });
  },
  setPool(pool: PoolSetting | null): void {
    set({ pool });
  },
  setChannels(channels: number): void {
    const { input, kernels } = get();
    const size = input.height * input.width;
    const data = resize(input.data, channels * size, (i) => input.data[i % size]);
    const k = kernels.height * kernels.width;
    const kdata: number[] = [];
    for (let o = 0; o < kernels.outMaps; o++) {
      for (let c = 0; c < channels; c++) {
        const from = c < input.channels ? (o * input.channels + c) * k : o * input.channels * k;
        kdata.push(...kernels.data.slice(from, from + k));
      }
    }
    set({ input: { ...input, channels, data }, kernels: { ...kernels, data: kdata }, source: 'edited' });
  },
  setOutMaps(outMaps: number): void {
    const { input, kernels, bias } = get();
    const per = input.channels * kernels.height * kernels.width;
    set({ kernels: { ...kernels, outMaps, data: resize(kernels.data, outMaps * per, (i) => kernels.data[i % per]) }, bias: resize(bias, outMaps, () => 0), kernelChoice: null });
  },
  setUnit(unit: Unit): void {
    const u = get().unit;
    if (u.map !== unit.map || u.row !== unit.row || u.col !== unit.col) set({ unit });
  },
  setPoolUnit(poolUnit: Unit): void {
    set({ poolUnit });
  },
  /** The window's next position, row by row, back to the start after the last one. */
  step(): void {
    const { result, unit } = get();
    if (!result) return;
    const { height, width } = result.conv;
    const at = unit.row * width + unit.col + 1;
    const next = at >= height * width ? 0 : at;
    set({ unit: { map: unit.map, row: Math.floor(next / width), col: next % width } });
  },
  setPlaying(playing: boolean): void {
    set({ playing });
  },
  answered(result: LabConvolveResponse): void {
    const w = result.worked;
    const u = get().unit;
    const moved = w && (w.map !== u.map || w.row !== u.row || w.col !== u.col);
    set({ result, error: null, ...(moved ? { unit: { map: w.map, row: w.row, col: w.col } } : {}) });
  },
  failed(error: string): void {
    set({ error });
  },
};
