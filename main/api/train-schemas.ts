import { z } from 'zod';
import { ActivationSchema, ArchSchema, Float32ArraySchema, ImageSchema, ModelIdSchema } from './schemas.ts';

/**
 * Training a network from scratch on MNIST in the app: the options, the controls, the live events and
 * the result. One training job runs at a time (fine-tune or from scratch).
 */

const fraction = z.number().min(0).max(1);
const JobIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a job id is 1-64 letters, digits, "_" or "-"');

/** The shipped MNIST training set holds 60,000 digits; fewer than 1,000 teach too little to be measured. */
export const SCRATCH_LIMITS = { minDigits: 1000, maxDigits: 60_000, maxEpochs: 50, maxBatch: 512 } as const;

/** The recipe of a training from scratch; every field has the app's default. */
export const ScratchOptionsSchema = z.strictObject({
  arch: ArchSchema.default('modern'),
  /** MNIST training digits drawn (seeded) from the 60,000; a tenth of them is held out for validation. */
  trainDigits: z.int().min(SCRATCH_LIMITS.minDigits).max(SCRATCH_LIMITS.maxDigits).default(10_000),
  /** Add the person's own samples to the training digits (never to the validation split). */
  withSamples: z.boolean().default(false),
  epochs: z.int().min(1).max(SCRATCH_LIMITS.maxEpochs).default(3),
  learningRate: z.number().positive().max(1).default(2e-3),
  batchSize: z.int().min(1).max(SCRATCH_LIMITS.maxBatch).default(64),
  augment: z.boolean().default(true),
  seed: z.int().min(0).max(2 ** 31 - 1).default(1),
});
export type ScratchOptions = z.output<typeof ScratchOptionsSchema>;
export type ScratchOptionsInput = z.input<typeof ScratchOptionsSchema>;

export const StartScratchRequestSchema = z.strictObject({ options: ScratchOptionsSchema.partial().optional() });
export const ScratchStartedSchema = z.strictObject({
  jobId: z.string(),
  options: ScratchOptionsSchema,
  /** Digits it trains on (MNIST plus the person's samples), digits held out for validation. */
  trainCount: z.int().min(0),
  validationCount: z.int().min(0),
  personalSamples: z.int().min(0),
  stepsPerEpoch: z.int().min(1),
});

export const ScratchActionSchema = z.enum(['pause', 'resume', 'step', 'cancel']);
export const ControlScratchRequestSchema = z.strictObject({ jobId: JobIdSchema, action: ScratchActionSchema });
export const ScratchControlResultSchema = z.strictObject({ jobId: z.string(), state: z.enum(['running', 'paused', 'stopping']) });

/** One point of a curve: x in epochs (fractional while an epoch runs). */
export const ScratchPointSchema = z.strictObject({ x: z.number().min(0), loss: z.number(), accuracy: fraction });

/** C1's kernels as they are now: [maps, 1, k, k] row-major. */
export const ScratchKernelsSchema = z.strictObject({ shape: z.array(z.int().min(1)).length(4), data: Float32ArraySchema });

/** Sent at most about ten times a second while it trains, and after every step while paused. */
export const ScratchProgressSchema = z.strictObject({
  jobId: z.string(),
  state: z.enum(['running', 'paused']),
  /** 0-based epoch, 1-based step within it. */
  epoch: z.int().min(0),
  epochs: z.int().min(1),
  step: z.int().min(0),
  stepsPerEpoch: z.int().min(1),
  /** Batches done in all. */
  done: z.int().min(0),
  total: z.int().min(1),
  /** Mean over the batches since the last report (null when none ran since). */
  batch: ScratchPointSchema.nullable(),
  /** The validation split measured since the last report, if it was. */
  validation: ScratchPointSchema.nullable(),
  kernels: ScratchKernelsSchema,
  samplesPerSec: z.number().min(0),
  /** Seconds of training left at the current pace (pauses not counted); null before there is a pace. */
  etaSec: z.number().min(0).nullable(),
  elapsedSec: z.number().min(0),
  learningRate: z.number().min(0),
});

/** At the end of each epoch. */
export const ScratchEpochSchema = z.strictObject({
  epoch: z.int().min(0),
  trainLoss: z.number(),
  trainAccuracy: fraction,
  validationLoss: z.number(),
  validationAccuracy: fraction,
  /** On the shipped MNIST test digits (the fixed subset named by testDigits). */
  testAccuracy: fraction,
  testDigits: z.int().min(1),
  seconds: z.number().min(0),
});
export const ScratchEpochEventSchema = z.strictObject({ jobId: z.string(), epoch: ScratchEpochSchema });

/** The card of a model trained from scratch, as the page shows it. */
export const ScratchResultSchema = z.strictObject({
  modelId: ModelIdSchema,
  options: ScratchOptionsSchema,
  trainCount: z.int().min(0),
  validationCount: z.int().min(0),
  personalSamples: z.int().min(0),
  /** On all 10,000 MNIST test digits, with the weights saved. */
  testAccuracy: fraction,
  testCount: z.int().min(1),
  seconds: z.number().min(0),
  samplesPerSec: z.number().min(0),
  /** ONNX Runtime against the engine on the check inputs: largest probability difference. */
  parityMaxDiff: z.number().min(0),
  machine: z.strictObject({ cpu: z.string(), cores: z.int().min(1), threads: z.int().min(1) }),
  history: z.array(ScratchEpochSchema),
});

export const ScratchOutcomeSchema = z.discriminatedUnion('status', [
  z.strictObject({ jobId: z.string(), status: z.literal('done'), result: ScratchResultSchema }),
  z.strictObject({ jobId: z.string(), status: z.literal('cancelled') }),
  z.strictObject({ jobId: z.string(), status: z.literal('failed'), message: z.string() }),
]);

export const ScratchStatusSchema = z.strictObject({
  running: z
    .strictObject({
      started: ScratchStartedSchema,
      progress: ScratchProgressSchema.nullable(),
      history: z.array(ScratchEpochSchema),
    })
    .nullable(),
  /** The last training's outcome, until the person decides what to do with its model. */
  last: ScratchOutcomeSchema.nullable(),
  defaults: ScratchOptionsSchema,
});

/** The current drawing (the core's 28x28 image of it) through the network with the weights of the moment. */
export const ProbeScratchRequestSchema = z.strictObject({ jobId: JobIdSchema, image: ImageSchema });
export const ScratchProbeSchema = z.strictObject({
  jobId: z.string(),
  /** Batches done when the weights were read. */
  done: z.int().min(0),
  probabilities: z.array(fraction).length(10),
  top: z.int().min(0).max(9),
  /** The convolution and pooling layers' feature maps (C1, S2, C3, S4). */
  activations: z.array(ActivationSchema),
});

export const FinishScratchRequestSchema = z.strictObject({ jobId: JobIdSchema, decision: z.enum(['activate', 'keep', 'discard']) });
