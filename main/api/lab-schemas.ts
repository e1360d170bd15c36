import './zod-setup.ts';
import { z } from 'zod';
import { CALC_PRESETS } from '../lab/calculator.ts';
import { LAB_ACTIVATIONS } from '../lab/activation.ts';
import { Float32ArraySchema, InkSchema, LayerNameSchema, ModelIdSchema } from './schemas.ts';

/**
 * The convolution lab's requests and responses: small matrices through the engine's ops, worked sums of
 * single units (also of a real layer), the layer calculator. The limits keep every request within a
 * frame's work: a drawing's 28x28 (or 32x32) input is the largest input the lab convolves.
 */
export const LAB_LIMITS = {
  maxChannels: 8,
  maxSide: 64,
  maxOutMaps: 8,
  maxKernel: 11,
  maxStride: 8,
  maxPadding: 10,
  maxPool: 8,
  /** Entries of a lab matrix, in absolute value (a drawing's are at most 1.175). */
  maxMagnitude: 1e6,
  /** The calculator's layers and sizes: any real network's first layers, not only LeNet's. */
  maxCalcLayers: 32,
  maxCalcSide: 4096,
  maxCalcChannels: 8192,
  maxCalcKernel: 64,
  maxCalcUnits: 100_000,
} as const;

const finiteArray = (max: number) =>
  Float32ArraySchema.refine((a) => a.every((v) => Number.isFinite(v) && Math.abs(v) <= max), { message: `every entry must be a finite number within ±${max}` });

const int = (min: number, max: number) => z.int().min(min).max(max);
const pairOf = (min: number, max: number) => z.tuple([int(min, max), int(min, max)]);

/** C x H x W maps, row-major. */
export const LabMapsSchema = z
  .strictObject({
    channels: int(1, LAB_LIMITS.maxChannels),
    height: int(1, LAB_LIMITS.maxSide),
    width: int(1, LAB_LIMITS.maxSide),
    data: finiteArray(LAB_LIMITS.maxMagnitude),
  })
  .refine((m) => m.data.length === m.channels * m.height * m.width, { message: 'data must hold channels * height * width values', path: ['data'] });

export const LabKernelsSchema = z.strictObject({
  outMaps: int(1, LAB_LIMITS.maxOutMaps),
  height: int(1, LAB_LIMITS.maxKernel),
  width: int(1, LAB_LIMITS.maxKernel),
  /** [outMaps, input channels, height, width]. */
  data: finiteArray(LAB_LIMITS.maxMagnitude),
});

export const LabActivationSchema = z.strictObject({ fn: z.enum(LAB_ACTIVATIONS), slope: z.number().min(0).max(1).optional() });

const unitRef = z.strictObject({ map: int(0, 64), row: int(0, 4096), col: int(0, 4096) });

export const LabConvolveRequestSchema = z
  .strictObject({
    input: LabMapsSchema,
    kernels: LabKernelsSchema,
    /** One per output map. */
    bias: z.array(z.number().min(-LAB_LIMITS.maxMagnitude).max(LAB_LIMITS.maxMagnitude)).max(LAB_LIMITS.maxOutMaps),
    stride: pairOf(1, LAB_LIMITS.maxStride),
    padding: pairOf(0, LAB_LIMITS.maxPadding),
    activation: LabActivationSchema,
    pool: z.strictObject({ kind: z.enum(['max', 'avg']), size: pairOf(1, LAB_LIMITS.maxPool), stride: pairOf(1, LAB_LIMITS.maxPool) }).nullable().optional(),
    /** A unit of the convolution's output to work out term by term. */
    unit: unitRef.nullable().optional(),
    /** A unit of the pooled output to work out. */
    poolUnit: unitRef.nullable().optional(),
  })
  .refine((r) => r.kernels.data.length === r.kernels.outMaps * r.input.channels * r.kernels.height * r.kernels.width, {
    message: 'kernels.data must hold outMaps * input channels * height * width values',
    path: ['kernels', 'data'],
  })
  .refine((r) => r.bias.length === r.kernels.outMaps, { message: 'one bias per output map', path: ['bias'] });

const axis = z.strictObject({ n: z.int(), k: z.int(), p: z.int(), s: z.int(), numerator: z.int(), quotient: z.int(), out: z.int() });
const axes = z.strictObject({ height: axis, width: axis });

const maps = z.strictObject({ channels: z.int().min(1), height: z.int().min(1), width: z.int().min(1), data: Float32ArraySchema });

/** One output unit's arithmetic, term by term (main/lab/unit-sum.ts). */
export const WorkedSumSchema = z.strictObject({
  op: z.enum(['conv', 'maxpool', 'avgpool', 'subsample', 'dense', 'rbf']),
  map: z.int().min(0),
  row: z.int().min(0),
  col: z.int().min(0),
  inputShape: z.array(z.int().min(0)),
  /** Where the window lies on the input (may reach into the padding, past the border). */
  window: z.strictObject({ top: z.int(), left: z.int(), height: z.int().min(1), width: z.int().min(1) }).nullable(),
  groups: z.array(z.strictObject({ channel: z.int().min(0), inputs: Float32ArraySchema, weights: Float32ArraySchema.nullable(), products: Float32ArraySchema.nullable(), partial: z.number() })),
  chosen: z.int().min(0).nullable(),
  sum: z.number(),
  coef: z.number().nullable(),
  bias: z.number().nullable(),
  preActivation: z.number(),
  activation: z.enum(LAB_ACTIVATIONS).nullable(),
  slope: z.number().nullable(),
  value: z.number(),
  derivative: z.number().nullable(),
});

export const LabConvolveResponseSchema = z.strictObject({
  conv: maps,
  activated: maps,
  pooled: maps.nullable(),
  formula: axes,
  poolFormula: axes.nullable(),
  params: z.int().min(0),
  macs: z.int().min(0),
  worked: WorkedSumSchema.nullable(),
  poolWorked: WorkedSumSchema.nullable(),
  curve: z.strictObject({ x: Float32ArraySchema, y: Float32ArraySchema, dy: Float32ArraySchema }),
});

const presetKernels = z.strictObject({ outMaps: z.int().min(1), height: z.int().min(1), width: z.int().min(1), data: Float32ArraySchema });
export const LabPresetsSchema = z.strictObject({
  inputs: z.array(z.strictObject({ id: z.string(), input: maps, kernels: presetKernels, bias: Float32ArraySchema, padding: z.tuple([z.int(), z.int()]), stride: z.tuple([z.int(), z.int()]) })),
  kernels: z.array(z.strictObject({ id: z.string(), height: z.int().min(1), width: z.int().min(1), data: Float32ArraySchema, denominator: z.int().nullable() })),
});

const calcName = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'a layer name is 1-32 letters, digits, "_" or "-"');
const calcPair = (min: number, max: number) => pairOf(min, max);
export const CalcLayerSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('conv'),
    name: calcName,
    filters: int(1, LAB_LIMITS.maxCalcChannels),
    kernel: calcPair(1, LAB_LIMITS.maxCalcKernel),
    stride: calcPair(1, LAB_LIMITS.maxCalcKernel),
    padding: calcPair(0, LAB_LIMITS.maxCalcKernel),
    connections: z.array(z.array(int(0, LAB_LIMITS.maxCalcChannels)).max(LAB_LIMITS.maxCalcChannels)).max(LAB_LIMITS.maxCalcChannels).optional(),
  }),
  z.strictObject({ kind: z.enum(['maxpool', 'avgpool', 'subsample']), name: calcName, size: calcPair(1, LAB_LIMITS.maxCalcKernel), stride: calcPair(1, LAB_LIMITS.maxCalcKernel) }),
  z.strictObject({ kind: z.enum(['dense', 'rbf']), name: calcName, units: int(1, LAB_LIMITS.maxCalcUnits) }),
]);

export const CalcChainSchema = z.strictObject({
  input: z.tuple([int(1, LAB_LIMITS.maxCalcChannels), int(1, LAB_LIMITS.maxCalcSide), int(1, LAB_LIMITS.maxCalcSide)]),
  layers: z.array(CalcLayerSchema).min(1).max(LAB_LIMITS.maxCalcLayers),
});

export const LabLayersRequestSchema = z
  .strictObject({ preset: z.enum(CALC_PRESETS).optional(), chain: CalcChainSchema.optional() })
  .refine((r) => (r.preset === undefined) !== (r.chain === undefined), { message: 'give a preset or a chain, not both' });

export const LabLayersResponseSchema = z.strictObject({
  chain: CalcChainSchema,
  rows: z.array(z.strictObject({
    name: z.string(),
    kind: z.enum(['conv', 'maxpool', 'avgpool', 'subsample', 'dense', 'rbf']),
    inputShape: z.array(z.int().min(0)),
    outputShape: z.array(z.int().min(0)),
    neurons: z.number().min(0),
    params: z.number().min(0),
    macs: z.number().min(0),
    formula: axes.nullable(),
  })),
  totalParams: z.number().min(0),
  totalMacs: z.number().min(0),
  totalNeurons: z.number().min(0),
});

export const UnitWorkedSumRequestSchema = z.strictObject({
  ink: InkSchema,
  modelId: ModelIdSchema.optional(),
  layer: LayerNameSchema,
  map: int(0, 4096),
  row: int(0, 4096),
  col: int(0, 4096),
});

export const UnitWorkedSumSchema = z.strictObject({
  modelId: ModelIdSchema,
  layer: z.string(),
  /** The layer the unit reads; null = the network input. */
  from: z.string().nullable(),
  worked: WorkedSumSchema,
  /** A unit of the output layer: its class probability, softmax(logitScale × scores) over every unit. */
  probability: z.strictObject({ logitScale: z.number(), scores: Float32ArraySchema, value: z.number().min(0).max(1) }).nullable(),
});

export type LabMaps = z.infer<typeof LabMapsSchema>;
export type LabConvolveRequest = z.infer<typeof LabConvolveRequestSchema>;
export type LabConvolveResponse = z.infer<typeof LabConvolveResponseSchema>;
export type WorkedSum = z.infer<typeof WorkedSumSchema>;
export type LabPresets = z.infer<typeof LabPresetsSchema>;
export type CalcLayer = z.infer<typeof CalcLayerSchema>;
export type CalcChain = z.infer<typeof CalcChainSchema>;
export type LabLayersResponse = z.infer<typeof LabLayersResponseSchema>;
export type UnitWorkedSum = z.infer<typeof UnitWorkedSumSchema>;
