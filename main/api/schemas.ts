import './zod-setup.ts';
import { z } from 'zod';
import type { EventName, MethodName } from './channels.ts';
import { inkSchema } from '../ink/parse.ts';
import { MAX_INK_COORDINATE, MAX_INK_POINTS, MAX_INK_STROKES } from '../ink/types.ts';

/**
 * Zod schemas for every request, response and event. Both transports validate incoming payloads with
 * these before the core sees them, so the limits below are the app's only line against hostile input.
 */
export const LIMITS = {
  maxStrokes: MAX_INK_STROKES,
  maxInkPoints: MAX_INK_POINTS,
  maxCoordinate: MAX_INK_COORDINATE,
  /**
   * One WebSocket message. A drawn digit is a few kilobytes; 4 MB carries an ink of about 250,000 points,
   * far beyond any drawing, and bounds what one hostile frame can make the server parse.
   */
  maxMessageBytes: 4 * 1024 * 1024,
} as const;

// ---------------------------------------------------------------- shared pieces

/** Model ids name folders on disk, so they are plain names: no separators, no dots at the start. */
export const ModelIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a model id is 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit');

export const LayerNameSchema = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'a layer name is 1-32 letters, digits, "_" or "-"');

export const ArchSchema = z.enum(['modern', 'classic']);

/**
 * An ink in DESIGN.md's format, checked by the ink pipeline's own parser (one definition of a valid ink,
 * with messages that point at the exact point).
 */
export const InkSchema = inkSchema;

/** A single-channel image, row-major. */
export const ImageSchema = z
  .strictObject({ width: z.int().min(1).max(4096), height: z.int().min(1).max(4096), data: z.array(z.number()) })
  .refine((img) => img.data.length === img.width * img.height, { message: 'image data length must be width * height' });

const shape = z.array(z.int().min(0)).max(8);

/** One layer's output for one image, after its activation. */
export const ActivationSchema = z.strictObject({ name: z.string(), shape, data: z.array(z.number()) });

/** A model card is the model folder's meta.json, passed on as it is (a JSON object). */
export const ModelCardSchema = z.record(z.string(), z.unknown());

/** The facts the UI shows on a model's card, read out of meta.json where present. */
export const CardFactsSchema = z.strictObject({
  title: z.string(),
  description: z.string().optional(),
  params: z.number().optional(),
  testAccuracy: z.number().optional(),
  validationAccuracy: z.number().optional(),
  penAccuracy: z.number().optional(),
  epochs: z.number().optional(),
  trainingSeconds: z.number().optional(),
  createdAt: z.string().optional(),
  parent: z.string().optional(),
  trainedOn: z.string().optional(),
  recipe: z.string().optional(),
});

export const ModelSummarySchema = z.strictObject({
  id: ModelIdSchema,
  arch: ArchSchema,
  title: z.string(),
  bundled: z.boolean(),
  facts: CardFactsSchema,
  card: ModelCardSchema,
});

const empty = z.strictObject({});

// ---------------------------------------------------------------- requests and responses

export const PredictRequestSchema = z.strictObject({
  ink: InkSchema,
  modelId: ModelIdSchema.optional(),
  /** Also return the ink pipeline's intermediate images. */
  withSteps: z.boolean().optional(),
});

/** How the drawing became the network's input (the ink pipeline's intermediate images). */
export const PreprocessStepsSchema = z.strictObject({
  /** The digit's bounding box, rasterized at its own aspect ratio. */
  cropped: ImageSchema,
  /** Fitted into 20x20 keeping the aspect ratio. */
  fitted: ImageSchema,
  /** Placed in 28x28 with its centre of mass at the centre (the same image as `input`). */
  centred: ImageSchema,
});

export const PredictResponseSchema = z.strictObject({
  modelId: ModelIdSchema,
  arch: ArchSchema,
  /** No ink (or nothing drawable): the probabilities are those of a blank input and mean nothing. */
  empty: z.boolean(),
  probabilities: z.array(z.number().min(0).max(1)).length(10),
  top: z.int().min(0).max(9),
  /** The 28x28 image in [0, 1] the ink pipeline produced (ink = 1). */
  input: ImageSchema,
  /** The exact tensor the network read: 28x28 in [0,1] (modern) or 32x32 in -0.1..1.175 (classic). */
  networkInput: ImageSchema,
  steps: PreprocessStepsSchema.optional(),
  activations: z.array(ActivationSchema),
  timing: z.strictObject({ preprocessMs: z.number().min(0), inferenceMs: z.number().min(0) }),
});

export const ListModelsRequestSchema = empty;
export const ModelListSchema = z.strictObject({ activeId: ModelIdSchema, models: z.array(ModelSummarySchema) });

export const ModelInfoRequestSchema = z.strictObject({ id: ModelIdSchema });

const hw = z.tuple([z.number(), z.number()]);

/**
 * Where a unit of a layer looks in the network input: unit (i, j) covers rows
 * start[0] + i*jump[0] .. + size[0]-1 and columns start[1] + j*jump[1] .. + size[1]-1 (may reach past the
 * border when the layer pads). Dense and RBF layers see the whole input.
 */
export const ReceptiveFieldSchema = z.strictObject({ size: hw, jump: hw, start: hw });

export const LayerInfoSchema = z.strictObject({
  name: LayerNameSchema,
  kind: z.enum(['conv', 'maxpool', 'avgpool', 'subsample', 'dense', 'activation', 'flatten', 'rbf']),
  inputShape: shape,
  outputShape: shape,
  params: z.int().min(0),
  macs: z.int().min(0),
  activation: z.string().nullable(),
  /** Window size for conv and pooling layers, [kh, kw]. */
  kernel: hw.optional(),
  stride: hw.optional(),
  padding: hw.optional(),
  /** connections[o] = the input maps output map o reads (the classic C3's table). */
  connections: z.array(z.array(z.int().min(0))).optional(),
  receptiveField: ReceptiveFieldSchema,
  /** Whether layerKernels can answer for this layer. */
  hasWeights: z.boolean(),
});

export const ModelInfoSchema = z.strictObject({
  id: ModelIdSchema,
  arch: ArchSchema,
  title: z.string(),
  head: z.enum(['softmax', 'rbf']),
  inputShape: shape,
  layers: z.array(LayerInfoSchema),
  totalParams: z.int().min(0),
  totalMacs: z.int().min(0),
  facts: CardFactsSchema,
  card: ModelCardSchema,
  /** The classic RBF output's fixed centres as 7x12 bitmaps (+1 ink, -1 paper), one per digit. */
  rbfBitmaps: z.strictObject({ width: z.int(), height: z.int(), data: z.array(z.array(z.number())) }).optional(),
});

export const ActivateModelRequestSchema = z.strictObject({ id: ModelIdSchema });

export const LayerKernelsRequestSchema = z.strictObject({ modelId: ModelIdSchema.optional(), layer: LayerNameSchema });

export const LayerKernelsSchema = z.strictObject({
  modelId: ModelIdSchema,
  layer: LayerNameSchema,
  kind: z.enum(['conv', 'subsample', 'dense']),
  /** conv [filters, inChannels, kh, kw]; subsample [C] (one coefficient per map); dense [units, inFeatures]. */
  shape,
  data: z.array(z.number()),
  bias: z.array(z.number()),
  connections: z.array(z.array(z.int().min(0))).optional(),
});

export const AppInfoRequestSchema = empty;
export const AppInfoSchema = z.strictObject({
  name: z.string(),
  version: z.string(),
  transport: z.enum(['electron', 'web']),
  versions: z.record(z.string(), z.string()),
});

// ---------------------------------------------------------------- events

export const MenuCommandSchema = z.strictObject({
  command: z.enum(['undo', 'redo', 'clear', 'toggle-steps', 'show-about', 'language-en', 'language-zh-CN']),
});

// ---------------------------------------------------------------- the tables

export const REQUEST_SCHEMAS = {
  predict: PredictRequestSchema,
  listModels: ListModelsRequestSchema,
  modelInfo: ModelInfoRequestSchema,
  activateModel: ActivateModelRequestSchema,
  layerKernels: LayerKernelsRequestSchema,
  appInfo: AppInfoRequestSchema,
} as const satisfies Record<MethodName, z.ZodType>;

export const RESPONSE_SCHEMAS = {
  predict: PredictResponseSchema,
  listModels: ModelListSchema,
  modelInfo: ModelInfoSchema,
  activateModel: ModelListSchema,
  layerKernels: LayerKernelsSchema,
  appInfo: AppInfoSchema,
} as const satisfies Record<MethodName, z.ZodType>;

export const EVENT_SCHEMAS = {
  modelChanged: ModelListSchema,
  menuCommand: MenuCommandSchema,
} as const satisfies Record<EventName, z.ZodType>;

// ---------------------------------------------------------------- results on the wire

export const ERROR_CODES = ['bad-request', 'unknown-channel', 'not-found', 'forbidden', 'too-large', 'unavailable', 'internal'] as const;
export const ApiErrorBodySchema = z.strictObject({ code: z.enum(ERROR_CODES), message: z.string() });

/** What a handler call produces on either transport: a value, or an error with a code and a message. */
export const ResultSchema = z.union([
  z.strictObject({ ok: z.literal(true), value: z.unknown() }),
  z.strictObject({ ok: z.literal(false), error: ApiErrorBodySchema }),
]);
