import { z } from 'zod';
import { ArchSchema, DigitSchema, Float32ArraySchema, ImageSchema, InkSchema, LayerNameSchema, ModelIdSchema } from './schemas.ts';

/** Zod schemas of the explanation requests (attribution for the drawing), beside the rest of the contract. */

const probabilities = z.array(z.number().min(0).max(1)).length(10);

export const ExplainDrawingRequestSchema = z.strictObject({
  ink: InkSchema,
  modelId: ModelIdSchema.optional(),
  /** The class to explain; absent = the one the network reads. */
  target: DigitSchema.optional(),
  /** Explain target against this class ("why 7 and not 1?"); must differ from the target. */
  versus: DigitSchema.optional(),
  /** Points on the path of integrated gradients; absent or 0 = none (they cost a batch of backward passes). */
  integratedSteps: z.int().min(0).max(64).optional(),
});

/** A signed 28x28 attribution over the image the ink pipeline made. */
const attribution = ImageSchema;

export const ExplainDrawingResponseSchema = z.strictObject({
  modelId: ModelIdSchema,
  arch: ArchSchema,
  empty: z.boolean(),
  target: DigitSchema,
  versus: DigitSchema.nullable(),
  /** The drawing's own ten probabilities (the same as predict's). */
  probabilities,
  top: DigitSchema,
  /** The 28x28 image in [0, 1] the explanation is about. */
  input: ImageSchema,
  /** The explained softmax logit, or logit difference with versus, at this image. */
  score: z.number(),
  saliency: attribution,
  gradientTimesInput: attribution,
  integratedGradients: z
    .strictObject({ map: attribution, steps: z.int().min(1), sum: z.number(), expected: z.number() })
    .nullable(),
  occlusion: z.strictObject({
    patch: z.int().min(1),
    stride: z.int().min(1),
    /** The watched probability (p_target, or p_target - p_versus) of the drawing as it is. */
    base: z.number(),
    /** Per pixel: the mean drop of that probability over the patches covering it. */
    map: attribution,
  }),
  /** Each stroke left out; when nothing is left to read there are no probabilities (a blank field means nothing). */
  strokes: z.array(
    z.discriminatedUnion('empty', [
      z.strictObject({
        probabilities,
        top: DigitSchema,
        empty: z.literal(false),
        /** The watched probability without this stroke minus with it. */
        change: z.number(),
      }),
      z.strictObject({ probabilities: z.null(), top: z.null(), empty: z.literal(true), change: z.null() }),
    ]),
  ),
  deciding: z.int().min(0).nullable(),
  /** The ink has more strokes than stroke what-if takes (then `strokes` is empty). */
  strokesOmitted: z.boolean(),
  timing: z.strictObject({ gradientMs: z.number().min(0), occlusionMs: z.number().min(0), strokesMs: z.number().min(0) }),
});

// ---------------------------------------------------------------- top-activating examples

export const TopActivationsRequestSchema = z.strictObject({
  modelId: ModelIdSchema.optional(),
  layer: LayerNameSchema,
  /** The channel (conv and pool layers) or unit (dense and RBF layers). */
  unit: z.int().min(0).max(4095),
});

const fieldRect = z.strictObject({ top: z.int().min(0), left: z.int().min(0), bottom: z.int().min(0), right: z.int().min(0) });

export const TopActivationsResponseSchema = z.discriminatedUnion('state', [
  z.strictObject({
    state: z.literal('ready'),
    modelId: ModelIdSchema,
    layer: LayerNameSchema,
    unit: z.int().min(0),
    /** The ranking is by the smallest value (RBF distances). */
    lowIsStrong: z.boolean(),
    /** MNIST test digits searched. */
    searched: z.int().min(0),
    examples: z.array(z.strictObject({
      /** Index in the MNIST test set. */
      index: z.int().min(0),
      label: DigitSchema,
      /** The unit's value at its strongest position. */
      value: z.number(),
      /** The receptive field of that position in the 28x28 digit (inclusive, clipped). */
      field: fieldRect,
    })),
    /** The examples' 28x28 digits in [0, 1], one after another. */
    images: Float32ArraySchema,
  }),
  z.strictObject({ state: z.literal('building'), modelId: ModelIdSchema, done: z.int().min(0), total: z.int().min(0) }),
  z.strictObject({ state: z.literal('failed'), modelId: ModelIdSchema, message: z.string() }),
]);

export const TopActivationsProgressSchema = z.strictObject({
  modelId: ModelIdSchema,
  state: z.enum(['building', 'ready', 'failed']),
  done: z.int().min(0),
  total: z.int().min(0),
});

/** The person's own samples that excite a unit most (the MNIST list's companion); searched 0 = no samples yet. */
export const TopOwnSamplesRequestSchema = TopActivationsRequestSchema;

export const TopOwnSamplesResponseSchema = z.strictObject({
  modelId: ModelIdSchema,
  layer: LayerNameSchema,
  unit: z.int().min(0),
  lowIsStrong: z.boolean(),
  /** The samples searched (all of the person's samples). */
  searched: z.int().min(0),
  examples: z.array(z.strictObject({
    sampleId: z.string(),
    label: DigitSchema,
    /** The unit's value at its strongest position. */
    value: z.number(),
    /** The receptive field of that position in the 28x28 image (inclusive, clipped). */
    field: fieldRect,
  })),
  /** The examples' 28x28 images in [0, 1], one after another. */
  images: Float32ArraySchema,
});

// ---------------------------------------------------------------- feature visualization

export const FeatureVisualizationRequestSchema = TopActivationsRequestSchema;

export const FeatureVisualizationResponseSchema = z.discriminatedUnion('state', [
  z.strictObject({
    state: z.literal('done'),
    modelId: ModelIdSchema,
    layer: LayerNameSchema,
    unit: z.int().min(0),
    /** The synthesized 28x28 input in [0, 1]. */
    image: ImageSchema,
    /** The unit's response to it (its strongest position; a distance for RBF units). */
    value: z.number(),
    /** The best response among the 10,000 MNIST test digits, when the top activations are built. */
    bestTestValue: z.number().nullable(),
    lowIsStrong: z.boolean(),
    steps: z.int().min(1),
    ms: z.number().min(0),
  }),
  /** A newer request or cancelFeatureVisualization stopped it. */
  z.strictObject({ state: z.literal('cancelled'), modelId: ModelIdSchema }),
]);

export const CancelFeatureVisualizationSchema = z.strictObject({ cancelled: z.boolean() });
