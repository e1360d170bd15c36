import './zod-setup.ts';
import { z } from 'zod';
import { inkSchema } from '../ink/parse.ts';
import { MAX_INK_COORDINATE, MAX_INK_POINTS, MAX_INK_STROKES, MAX_STORED_INK_POINTS } from '../ink/types.ts';
import { LAYER_ROLES, WEIGHT_LAYOUTS } from '../engine/arithmetic.ts';
import { LAYER_KINDS } from '../engine/spec.ts';
import { REASON_CODES, SKIP_CODES } from './error-codes.ts';

/**
 * Zod schemas for every request, response and event. Both transports validate incoming payloads with
 * these before the core sees them, so the limits below are the app's only line against hostile input.
 */
export const LIMITS = {
  maxStrokes: MAX_INK_STROKES,
  maxInkPoints: MAX_INK_POINTS,
  maxCoordinate: MAX_INK_COORDINATE,
  /** An imported file (a zip exported by the app, or JSON Lines): about 6,000 samples. */
  maxImportBytes: 8 * 1024 * 1024,
  /**
   * The JSON of one WebSocket message (a text frame, or the JSON part of a binary one). A drawn digit is
   * a few kilobytes; an ink of maxInkPoints points of four long numbers each is under 1 MB.
   */
  maxJsonBytes: 4 * 1024 * 1024,
  /**
   * One WebSocket message. The largest legitimate one is an import of samples: maxImportBytes of raw
   * bytes in a binary frame, plus its small JSON part.
   */
  maxMessageBytes: 8 * 1024 * 1024 + 64 * 1024,
  /** Calls one browser page may have unanswered at once (a page makes a handful: a prediction, a layer's kernels each). */
  maxInFlightPerConnection: 16,
  /** Calls unanswered at once across all pages (browser mode) or from the window (Electron). */
  maxInFlightTotal: 48,
  /** Bytes of request frames being processed at once across all pages: two imports and small calls beside them. */
  maxBytesInFlight: 20 * 1024 * 1024,
  /** Samples deleted in one call (a whole digit of a large collection). */
  maxDeleteIds: 10_000,
  /** Skipped records listed in an import report (the count says how many there were in all); no more are kept while importing. */
  maxReportedSkips: 200,
  /**
   * What the JSON Lines of one import may inflate to, counted on the bytes the inflater actually puts out
   * (a zip's header is not trusted): past it the inflating stops and the file is refused ('too-large').
   * An export of the 20,000 samples below is about 30 MB of JSON Lines.
   */
  maxImportInflatedBytes: 64 * 1024 * 1024,
  /** Records (non-blank lines) one import reads; the ones past it are counted as skipped, not parsed. */
  maxImportRecords: 20_000,
  /** One line of an imported JSON Lines file: about 250,000 points; a drawn digit is a few kilobytes. */
  maxImportLineBytes: 4 * 1024 * 1024,
  /** Points of a stored sample: a denser ink is simplified on its way into the store (main/ink/bound.ts). */
  maxStoredInkPoints: MAX_STORED_INK_POINTS,
} as const;

// ---------------------------------------------------------------- shared pieces

/** The parameters of an error's or a skipped record's reason (error-codes.ts). */
const reasonParams = z.record(z.string().max(32), z.union([z.string().max(2000), z.number()]));

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

/**
 * Numbers in bulk travel as typed arrays: structured clone over Electron IPC, binary frames over the
 * browser-mode WebSocket (wire-codec.ts), never JSON arrays of numbers.
 */
export const Float32ArraySchema = z.custom<Float32Array>((v) => v instanceof Float32Array, { message: 'expected a Float32Array' });
export const BytesSchema = z.custom<Uint8Array>((v) => v instanceof Uint8Array, { message: 'expected a Uint8Array' });

/** A single-channel image, row-major. */
export const ImageSchema = z
  .strictObject({ width: z.int().min(1).max(4096), height: z.int().min(1).max(4096), data: Float32ArraySchema })
  .refine((img) => img.data.length === img.width * img.height, { message: 'image data length must be width * height' });

const shape = z.array(z.int().min(0)).max(8);

/** One layer's output for one image, after its activation. */
export const ActivationSchema = z
  .strictObject({ name: z.string(), shape, data: Float32ArraySchema })
  .refine((a) => a.data.length === a.shape.reduce((n, d) => n * d, 1), { message: 'activation data length must be the product of its shape' });

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
  /**
   * The card's texts per language (meta.json's `i18n`: `{"zh-CN": {"title": ..., ...}}`), for the page
   * to show in its own; the fields above are the English ones.
   */
  texts: z.record(z.string().max(16), z.strictObject({
    title: z.string().optional(), description: z.string().optional(), trainedOn: z.string().optional(), recipe: z.string().optional(),
  })).optional(),
  /** For a model imported from an ONNX file: the file's name and when it was imported. */
  imported: z.strictObject({ file: z.string(), at: z.string() }).optional(),
});

// ---------------------------------------------------------------- fine-tuning pieces (used by model summaries)

/** Which layers a fine-tune trains: every layer, C5 + F6 + OUTPUT, or only F6 + OUTPUT. */
export const LayerChoiceSchema = z.enum(['all', 'top', 'classifier']);

const fraction = z.number().min(0).max(1);

/** One finished epoch of a fine-tune. */
export const TrainingEpochSchema = z.strictObject({
  /** 0-based. */
  epoch: z.int().min(0),
  loss: z.number(),
  accuracy: fraction,
  /** Accuracy on the person's held-out samples after this epoch, when there are any. */
  heldOutAccuracy: fraction.nullable(),
  seconds: z.number().min(0),
});

/** Where a running fine-tune is (sent a few times a second while it trains). */
export const TrainingProgressSchema = z.strictObject({
  phase: z.enum(['measuring-before', 'training', 'measuring-after']),
  /** 0-based epoch, 1-based step within it. */
  epoch: z.int().min(0),
  epochs: z.int().min(1),
  step: z.int().min(0),
  stepsPerEpoch: z.int().min(0),
  /** Running means over the epoch so far while training, else null. */
  loss: z.number().nullable(),
  accuracy: fraction.nullable(),
  /** 0..1 of the whole job. */
  fraction,
  elapsedSec: z.number().min(0),
  /** Seconds left, once there is a basis for an estimate. */
  etaSec: z.number().min(0).nullable(),
});

const measure = z.strictObject({ n: z.int().min(0), before: fraction.nullable(), after: fraction.nullable() });

/** One digit of the person's held-out samples: how many, how many read right before and after, and those as fractions (null when n = 0). */
export const HeldOutDigitSchema = z.strictObject({
  digit: z.int().min(0).max(9),
  n: z.int().min(0),
  correctBefore: z.int().min(0),
  correctAfter: z.int().min(0),
  before: fraction.nullable(),
  after: fraction.nullable(),
});

/** The result card of a fine-tune: before and after, on the person's held-out samples and on MNIST. */
export const TrainingResultSchema = z.strictObject({
  /** The personal model it produced. */
  modelId: ModelIdSchema,
  baseModelId: z.string(),
  seconds: z.number().min(0),
  samples: z.strictObject({ train: z.int().min(0), heldOut: z.int().min(0) }),
  /** perDigit: index = digit; absent on the cards of older versions (and when nothing was held out). */
  heldOut: measure.extend({ perDigit: z.array(HeldOutDigitSchema).length(10).optional() }),
  mnist: measure.extend({ source: z.string() }),
  epochs: z.int().min(0),
  /** The layers it trained, or 'all'. */
  layers: z.union([z.literal('all'), z.array(z.string())]),
  history: z.array(TrainingEpochSchema),
});

export const ModelSummarySchema = z.strictObject({
  id: ModelIdSchema,
  arch: ArchSchema,
  title: z.string(),
  bundled: z.boolean(),
  facts: CardFactsSchema,
  card: ModelCardSchema,
  /** For a personal model: the fine-tune that made it. */
  result: TrainingResultSchema.optional(),
});

/** The request of a method that takes no argument. */
export const EmptySchema = z.strictObject({});

/** The request of a method about one model. */
export const ModelIdRequestSchema = z.strictObject({ id: ModelIdSchema });

// ---------------------------------------------------------------- requests and responses

export const PredictRequestSchema = z.strictObject({
  ink: InkSchema,
  modelId: ModelIdSchema.optional(),
  /** Also return the ink pipeline's intermediate images. */
  withSteps: z.boolean().optional(),
  /** Also return every layer's values before its activation function (the Layers tab's toggle). */
  withPreActivations: z.boolean().optional(),
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

/**
 * Is the ink a digit at all? Computed by the core (main/nondigit) from the same predict pass; the ten
 * probabilities are unchanged by it. `signal` says which check decided, `reason` is a code the page
 * translates, `score` and `threshold` are that signal's value and limit (higher = less like a digit).
 */
export const NonDigitVerdictSchema = z.strictObject({
  flagged: z.boolean(),
  signal: z.enum(['reject-head', 'degenerate-ink', 'max-softmax', 'energy', 'rbf-distance']).nullable(),
  reason: z.enum(['dot', 'line', 'scribble', 'unlike-digits', 'low-confidence']).nullable(),
  score: z.number(),
  threshold: z.number(),
});

export const PredictResponseSchema = z.strictObject({
  modelId: ModelIdSchema,
  arch: ArchSchema,
  /** No ink (or nothing drawable): the probabilities are those of a blank input and mean nothing. */
  empty: z.boolean(),
  probabilities: z.array(z.number().min(0).max(1)).length(10),
  top: z.int().min(0).max(9),
  nonDigit: NonDigitVerdictSchema,
  /** The 28x28 image in [0, 1] the ink pipeline produced (ink = 1). */
  input: ImageSchema,
  /** The exact tensor the network read: 28x28 in [0,1] (modern) or 32x32 in -0.1..1.175 (classic). */
  networkInput: ImageSchema,
  steps: PreprocessStepsSchema.optional(),
  activations: z.array(ActivationSchema),
  /**
   * When asked for: every layer's value before its activation function (weighted sum plus bias), from
   * the engine on the same input and weights; a layer without an activation repeats its output.
   */
  preActivations: z.array(ActivationSchema).optional(),
  timing: z.strictObject({ preprocessMs: z.number().min(0), inferenceMs: z.number().min(0) }),
});

export const ModelListSchema = z.strictObject({
  activeId: ModelIdSchema,
  models: z.array(ModelSummarySchema),
  /** Set when the model that should be active is missing or damaged and a bundled one stands in: say so. */
  notice: z.string().nullable().optional(),
  /** The notice as reasons the page translates (error-codes.ts `fallback.*`), in order. */
  noticeReasons: z.array(z.lazy(() => ReasonSchema)).optional(),
});


const hw = z.tuple([z.number(), z.number()]);

/**
 * Where a unit of a layer looks in the network input: unit (i, j) covers rows
 * start[0] + i*jump[0] .. + size[0]-1 and columns start[1] + j*jump[1] .. + size[1]-1 (may reach past the
 * border when the layer pads). Dense and RBF layers see the whole input.
 */
export const ReceptiveFieldSchema = z.strictObject({ size: hw, jump: hw, start: hw });

export const LayerKindSchema = z.enum(LAYER_KINDS);

/** One parameter tensor as the weights file names it (conv and dense ones are ONNX initializers of that name). */
export const ParamTensorSchema = z.strictObject({
  name: z.string(),
  shape,
  /** Entries that train (fewer than the shape holds where a connection table keeps kernels at zero). */
  trainable: z.int().min(0),
});

/** The engine's layer description (main/engine/arithmetic.ts), as the views get it. */
export const LayerInfoSchema = z.strictObject({
  name: LayerNameSchema,
  kind: LayerKindSchema,
  /** What the layer does, coarsely, so views decide by property rather than by kind. */
  role: z.enum(LAYER_ROLES),
  inputShape: shape,
  outputShape: shape,
  params: z.int().min(0),
  tensors: z.array(ParamTensorSchema),
  macs: z.int().min(0),
  activation: z.string().nullable(),
  /** Resolved window of a windowed layer, [h, w] each (a pool's stride defaults to its size); null otherwise. */
  kernel: hw.nullable(),
  stride: hw.nullable(),
  padding: hw.nullable(),
  /** connections[o] = the input maps output map o reads (the classic C3's table); null = all of them. */
  connections: z.array(z.array(z.int().min(0))).nullable(),
  receptiveField: ReceptiveFieldSchema,
  /** Whether layerKernels can answer for this layer. */
  hasWeights: z.boolean(),
  /** The tensors layerKernels returns and how to read the main one; null when hasWeights is false. */
  weights: z.strictObject({ main: z.string(), bias: z.string(), layout: z.enum(WEIGHT_LAYOUTS) }).nullable(),
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


export const LayerKernelsRequestSchema = z.strictObject({ modelId: ModelIdSchema.optional(), layer: LayerNameSchema });

export const LayerKernelsSchema = z.strictObject({
  modelId: ModelIdSchema,
  layer: LayerNameSchema,
  kind: LayerKindSchema,
  /** How to read `data`: 'kernels' [filters, inChannels, kh, kw]; 'per-map' [C]; 'matrix' [units, inFeatures]. */
  layout: z.enum(WEIGHT_LAYOUTS),
  shape,
  data: Float32ArraySchema,
  bias: Float32ArraySchema,
  connections: z.array(z.array(z.int().min(0))).optional(),
});

export const AppInfoSchema = z.strictObject({
  name: z.string(),
  version: z.string(),
  transport: z.enum(['electron', 'web']),
  versions: z.record(z.string(), z.string()),
});


// ---------------------------------------------------------------- samples

export const DigitSchema = z.int().min(0).max(9);
/** Sample ids name files in the store, so they are plain names. */
export const SampleIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'a sample id is 1-64 letters, digits, "_" or "-"');
export const SampleHowSchema = z.enum(['saved', 'corrected', 'imported']);
const counts = z.array(z.int().min(0)).length(10);

/** The 28x28 input image the core made from a sample's ink, one byte per pixel (0 paper, 255 ink). */
export const ThumbnailSchema = z
  .strictObject({ width: z.int().min(1).max(64), height: z.int().min(1).max(64), data: BytesSchema })
  .refine((t) => t.data.length === t.width * t.height, { message: 'thumbnail data length must be width * height' });

export const SampleSummarySchema = z.strictObject({
  id: SampleIdSchema,
  label: DigitSchema,
  how: SampleHowSchema,
  collectedAt: z.string(),
  /** For a corrected sample: what the model had read, and which model it was. */
  predicted: DigitSchema.optional(),
  modelId: z.string().optional(),
  thumbnail: ThumbnailSchema,
});

export const AddSampleRequestSchema = z.strictObject({
  ink: InkSchema,
  label: DigitSchema,
  /** saved: labelled on purpose; corrected: "wrong? it is a ..." (then `predicted` says what the model read). */
  how: z.enum(['saved', 'corrected']),
  predicted: DigitSchema.optional(),
  modelId: ModelIdSchema.optional(),
});

/** The store's counts after a change, per digit (index = digit). */
export const SampleCountsSchema = z.strictObject({ counts, total: z.int().min(0) });

export const SampleChangeSchema = z.strictObject({ sample: SampleSummarySchema, counts, total: z.int().min(0) });

export const ListSamplesRequestSchema = z.strictObject({ label: DigitSchema.optional() });

const setAside = z.strictObject({ file: z.string(), reason: z.string() });

export const SampleListSchema = z.strictObject({
  /** Oldest first. */
  samples: z.array(SampleSummarySchema),
  counts,
  total: z.int().min(0),
  /** Samples per digit that make a useful fine-tune (the gallery's hint). */
  enoughPerDigit: z.int().min(1),
  /** Fewest samples fine-tuning starts with. */
  minToTrain: z.int().min(1),
  /** Files in the store that were not valid samples and were set aside (never deleted). */
  setAside: z.array(setAside),
});

export const RelabelSampleRequestSchema = z.strictObject({ id: SampleIdSchema, label: DigitSchema });

export const DeleteSamplesRequestSchema = z.strictObject({ ids: z.array(SampleIdSchema).min(1).max(LIMITS.maxDeleteIds) });
export const DeleteSamplesResultSchema = z.strictObject({ undoToken: SampleIdSchema, deleted: z.int().min(0), counts, total: z.int().min(0) });

export const UndoDeleteRequestSchema = z.strictObject({ undoToken: SampleIdSchema });
export const UndoDeleteResultSchema = z.strictObject({ restored: z.int().min(0), setAside: z.array(setAside), counts, total: z.int().min(0) });

export const ExportSamplesRequestSchema = z.strictObject({
  /** zip: the inks as JSON Lines plus a PNG of each input image; idx: MNIST's IDX files (images and labels) in a zip. */
  format: z.enum(['zip', 'idx']),
});
export const ExportedFileSchema = z.strictObject({ fileName: z.string(), mimeType: z.string(), bytes: BytesSchema, count: z.int().min(0) });

export const ImportSamplesRequestSchema = z.strictObject({
  /** The name the person's file had (for the report only; nothing is read from or written to that path). */
  fileName: z.string().min(1).max(255),
  bytes: BytesSchema.refine((b) => b.length > 0, { message: 'the file is empty' }).refine((b) => b.length <= LIMITS.maxImportBytes, {
    message: `an import holds at most ${LIMITS.maxImportBytes} bytes`,
  }),
});
export const ImportReportSchema = z.strictObject({
  imported: z.int().min(0),
  /** The records not imported and why (the first maxReportedSkips of them). */
  skipped: z.array(z.strictObject({
    where: z.string(),
    /** In English; `code` and `params` say the same for the page to translate (SKIP_REASONS in error-codes.ts). */
    reason: z.string(),
    code: z.enum(SKIP_CODES).optional(),
    params: reasonParams.optional(),
  })),
  skippedTotal: z.int().min(0),
  /** Per file of the import (a zip's entries each): records imported and skipped, or why it was not read. */
  files: z.array(z.strictObject({
    file: z.string(),
    imported: z.int().min(0),
    skipped: z.int().min(0),
    read: z.boolean(),
    code: z.enum(SKIP_CODES).optional(),
    params: reasonParams.optional(),
  })).max(64).optional(),
  counts,
  total: z.int().min(0),
});

// ---------------------------------------------------------------- model files

/** A model as files for the person to keep or share: its model.onnx as it is and its card (meta.json) beside it. */
export const ModelExportSchema = z.strictObject({ onnx: ExportedFileSchema, card: ExportedFileSchema });

export const ImportModelRequestSchema = z.strictObject({
  /** The ONNX file the person chose (its name is for the card and the messages only). */
  fileName: z.string().min(1).max(255),
  bytes: BytesSchema.refine((b) => b.length > 0, { message: 'the file is empty' }).refine((b) => b.length <= LIMITS.maxImportBytes, {
    message: `a model file holds at most ${LIMITS.maxImportBytes} bytes`,
  }),
  /** Its card as JSON, when the person chose one with it. */
  card: z.strictObject({
    fileName: z.string().min(1).max(255),
    bytes: BytesSchema.refine((b) => b.length <= 1024 * 1024, { message: 'a card holds at most 1 MB' }),
  }).optional(),
});
export const ModelImportResultSchema = z.strictObject({
  id: ModelIdSchema,
  list: ModelListSchema,
  /** The card's fields that were taken, and the ones left out (integrity, lineage: the app writes those itself). */
  cardTaken: z.array(z.string().max(64)).max(64),
  cardIgnored: z.array(z.string().max(64)).max(64),
});

export const SampleConfusionRequestSchema = z.strictObject({ modelId: ModelIdSchema.optional() });
export const SampleConfusionSchema = z.strictObject({
  modelId: ModelIdSchema,
  total: z.int().min(0),
  correct: z.int().min(0),
  /** matrix[label][predicted] = how many of the person's samples. */
  matrix: z.array(z.array(z.int().min(0)).length(10)).length(10),
  /** cells[label][predicted] = the ids of those samples. */
  cells: z.array(z.array(z.array(SampleIdSchema)).length(10)).length(10),
});

// ---------------------------------------------------------------- fine-tuning

export const StartTrainingRequestSchema = z.strictObject({
  layers: LayerChoiceSchema.optional(),
  epochs: z.int().min(1).max(50).optional(),
  /** Start from this model instead of the active one. */
  baseModelId: ModelIdSchema.optional(),
});
export const TrainingStartedSchema = z.strictObject({ jobId: z.string(), baseModelId: ModelIdSchema });

const JobIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a job id is 1-64 letters, digits, "_" or "-"');

export const CancelTrainingRequestSchema = z.strictObject({ jobId: JobIdSchema.optional() });
export const CancelTrainingResultSchema = z.strictObject({ cancelled: z.boolean() });

/** How a fine-tune ended. A cancelled or failed one saved nothing. */
export const TrainingOutcomeSchema = z.discriminatedUnion('status', [
  z.strictObject({ jobId: z.string(), status: z.literal('done'), result: TrainingResultSchema }),
  z.strictObject({ jobId: z.string(), status: z.literal('cancelled') }),
  z.strictObject({ jobId: z.string(), status: z.literal('failed'), message: z.string(), reason: z.lazy(() => ReasonSchema).optional() }),
]);

export const TrainingStatusSchema = z.strictObject({
  running: z
    .strictObject({
      jobId: z.string(),
      baseModelId: ModelIdSchema,
      epochs: z.int().min(1),
      layers: LayerChoiceSchema,
      progress: TrainingProgressSchema.nullable(),
      history: z.array(TrainingEpochSchema),
    })
    .nullable(),
  /** The last fine-tune's outcome, until the person decides what to do with it. */
  last: TrainingOutcomeSchema.nullable(),
  minSamples: z.int().min(1),
  enoughPerDigit: z.int().min(1),
  defaultEpochs: z.int().min(1),
  defaultLayers: LayerChoiceSchema,
});

export const FinishTrainingRequestSchema = z.strictObject({
  jobId: JobIdSchema,
  /** activate: check and make it the active model; keep: leave it among the versions; discard: delete it. */
  decision: z.enum(['activate', 'keep', 'discard']),
});

// ---------------------------------------------------------------- events

export const MenuCommandSchema = z.strictObject({
  command: z.enum(['undo', 'redo', 'clear', 'toggle-steps', 'toggle-presentation', 'show-about', 'language-en', 'language-zh-CN']),
});

/** The page's view choices that the desktop menu shows as checked items. */
export const ViewStateSchema = z.strictObject({ presenting: z.boolean() });

export const TrainingProgressEventSchema = z.strictObject({ jobId: z.string(), progress: TrainingProgressSchema });
export const TrainingEpochEventSchema = z.strictObject({ jobId: z.string(), epoch: TrainingEpochSchema });

// ---------------------------------------------------------------- results on the wire

export const ERROR_CODES = ['bad-request', 'unknown-channel', 'not-found', 'forbidden', 'too-large', 'unavailable', 'internal'] as const;
/** Why a request failed, as a code the page translates with its parameters (error-codes.ts). */
export const ReasonSchema = z.strictObject({ code: z.enum(REASON_CODES), params: reasonParams });
export const ApiErrorBodySchema = z.strictObject({ code: z.enum(ERROR_CODES), message: z.string(), reason: ReasonSchema.optional() });

/** What a handler call produces on either transport: a value, or an error with a code and a message. */
export const ResultSchema = z.union([
  z.strictObject({ ok: z.literal(true), value: z.unknown() }),
  z.strictObject({ ok: z.literal(false), error: ApiErrorBodySchema }),
]);
