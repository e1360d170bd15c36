import { z } from 'zod';
import { networkInfo, type NetworkSpec } from '../engine/index.ts';

/**
 * The fine-tuning recipe and its options. The defaults are the app's recipe (METHODS[DEFAULT_METHOD]):
 * all layers, Adam at 1.5e-3 with a cosine decay, 4 epochs over each sample 8 times (distorted), 8 MNIST
 * replay digits per sample learnt toward the base model's outputs at temperature 2 (distill.ts, weight 2),
 * 85% of the change kept (a weight-space blend with the base), then the person's F6 prototypes folded into
 * the output layer at strength 0.3.
 *
 * Chosen with `npm run eval -- personalize ... --methods ...` on held-out writers (README, "How much it
 * helps"): on the eval base model's 12 writers, three seeds, it removed 72.6% of the errors at K = 10 and
 * 67.7% at K = 5 for 0.03 and 0.07 MNIST points, where hard-label replay (replay-blend+prototype) removed
 * 74.7% and 68.3% for 0.18 and 0.20 points, EWC 72.9% / 66.4% for 0.19 / 0.22, and the methods that cost
 * less MNIST (classifier, adapter) removed 52-66%. Every other method stays selectable by its options.
 */
export const LAYER_PRESETS = {
  /** Every layer. */
  all: null,
  /** The classifier on top of the feature extractor: C5 and every trainable layer above it. */
  top: 'C5',
  /** Only the fully connected layers. */
  classifier: 'dense',
  /**
   * Only the last trainable layer (F6 -> logits for the modern network): a residual linear adapter on
   * F6, A f + c added to the logits, trained from zero, is exactly this layer's change, so it is merged
   * into the layer and the model keeps its graph.
   */
  output: 'last',
} as const satisfies Record<string, 'C5' | 'dense' | 'last' | null>;
export type LayerPreset = keyof typeof LAYER_PRESETS;

export const fineTuneOptionsSchema = z.object({
  /** Passes over the mix of personal samples and replay digits. */
  epochs: z.number().int().min(0).max(200).default(4),
  learningRate: z.number().positive().max(1).default(1.5e-3),
  batchSize: z.number().int().min(1).max(1024).default(32),
  /** A preset name, or the names of the layers to train (the others keep their weights). */
  layers: z.union([z.enum(['all', 'top', 'classifier', 'output']), z.array(z.string().min(1)).min(1)]).default('all'),
  /** Copies of each personal sample per epoch (each copy distorted differently). */
  personalRepeat: z.number().int().min(1).max(50).default(8),
  /** Replay digits per personal sample (before repeats) in each epoch's mix. */
  replayPerSample: z.number().min(0).max(100).default(0),
  /**
   * Weight of the distillation term (distill.ts): MNIST replay digits learnt toward the base model's own
   * softened outputs rather than their labels, weight * the mean distillation loss added to each batch's; 0 = none.
   */
  distill: z.number().min(0).max(100).default(2),
  /** Distilled replay digits per personal sample (before repeats), each seen once an epoch. */
  distillPerSample: z.number().min(0).max(100).default(8),
  /** Temperature of the distillation's softmax: above 1 it keeps more of the base model's second choices. */
  distillTemperature: z.number().min(0.1).max(20).default(2),
  augment: z.boolean().default(true),
  /**
   * Share of the fine-tuned change kept: the result is base + blend * (tuned - base), a weight-space
   * interpolation (WiSE-FT, Wortsman et al. 2022) that gives back most of what fine-tuning cost on
   * MNIST while keeping most of what it gained on the person's writing.
   */
  blend: z.number().min(0).max(1).default(0.85),
  /**
   * A pull toward the base weights added to every batch's gradient (anchor.ts): l2-sp holds every trained
   * parameter alike, ewc weighs each by its Fisher information on MNIST replay digits.
   */
  anchor: z.enum(['none', 'l2-sp', 'ewc']).default('none'),
  /** lambda of the anchor: penalty lambda * sum f (w - w0)^2 next to the mean cross-entropy of a batch. */
  anchorStrength: z.number().min(0).max(1e4).default(0),
  /** Replay digits the EWC Fisher information is measured on. */
  fisherDigits: z.number().int().min(10).max(5000).default(300),
  /** Weight of the prototype correction folded into the output layer after training (prototypes.ts); 0 = none. */
  prototypes: z.number().min(0).max(20).default(0.3),
  /** Part of each digit's samples held out to measure the result (0 = train on all of them). */
  heldOutFraction: z.number().min(0).max(0.9).default(0.2),
  seed: z.number().int().min(0).default(1),
  /** Gradient threads inside the training worker (the UI thread is never one of them). */
  threads: z.number().int().min(1).max(16).default(1),
});
export type FineTuneOptions = z.output<typeof fineTuneOptionsSchema>;
export type FineTuneOptionsInput = z.input<typeof fineTuneOptionsSchema>;

export function fineTuneOptions(input: FineTuneOptionsInput = {}): FineTuneOptions {
  const parsed = fineTuneOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`fine-tune options: ${i.path.join('.') || 'options'}: ${i.message}`);
  }
  return parsed.data;
}

/** The layers to train for a network, or null for all; unknown or parameterless layer names are an error. */
export function trainableLayers(spec: NetworkSpec, layers: FineTuneOptions['layers']): string[] | null {
  // The classic network's RBF output has fixed bitmaps, so the presets are resolved per network.
  const withParams = networkInfo(spec).filter((l) => l.params > 0);
  const names = withParams.map((l) => l.name);
  if (typeof layers === 'string') {
    const preset = LAYER_PRESETS[layers];
    if (preset === null) return null;
    if (preset === 'dense') return withParams.filter((l) => l.role === 'fully-connected').map((l) => l.name);
    if (preset === 'last') return names.slice(-1);
    const from = names.indexOf(preset);
    if (from < 0) throw new Error(`fine-tune options: the ${spec.arch} network has no layer ${preset} for the preset ${layers}`);
    return names.slice(from);
  }
  const unknown = layers.filter((n) => !names.includes(n));
  if (unknown.length > 0) throw new Error(`fine-tune options: the ${spec.arch} network has no trainable layer ${unknown.join(', ')} (it has ${names.join(', ')})`);
  return [...layers];
}

/**
 * The personalization methods compared by `npm run eval -- personalize --methods ...`, each a complete
 * set of the options that differ between them (the app's default is one of these; the others stay
 * selectable by passing their options).
 */
export const METHODS = {
  /** All layers on the person's samples plus MNIST replay, then 85% of the change kept. */
  'replay-blend': { layers: 'all', epochs: 4, learningRate: 1.5e-3, replayPerSample: 8, blend: 0.85, anchor: 'none', anchorStrength: 0, distill: 0, prototypes: 0 },
  /** As replay-blend, with an L2-SP pull toward the base weights instead of blending afterwards. */
  'l2-sp': { layers: 'all', epochs: 4, learningRate: 1.5e-3, replayPerSample: 8, blend: 1, anchor: 'l2-sp', anchorStrength: 0.05, distill: 0, prototypes: 0 },
  /** As l2-sp, the pull weighed by each parameter's Fisher information on MNIST. */
  ewc: { layers: 'all', epochs: 4, learningRate: 1.5e-3, replayPerSample: 8, blend: 1, anchor: 'ewc', anchorStrength: 0.05, distill: 0, prototypes: 0 },
  /** C5 and above, replay and blend as replay-blend. */
  top: { layers: 'top', epochs: 4, learningRate: 1.5e-3, replayPerSample: 8, blend: 0.85, anchor: 'none', anchorStrength: 0, distill: 0, prototypes: 0 },
  /** F6 and the output layer. */
  classifier: { layers: 'classifier', epochs: 4, learningRate: 1.5e-3, replayPerSample: 8, blend: 0.85, anchor: 'none', anchorStrength: 0, distill: 0, prototypes: 0 },
  /** A residual linear adapter F6 -> logits (the output layer's change), L2-anchored, merged into the output layer. */
  adapter: { layers: 'output', epochs: 4, learningRate: 3e-3, replayPerSample: 8, blend: 1, anchor: 'l2-sp', anchorStrength: 0.05, distill: 0, prototypes: 0 },
  /** No training: the person's F6 prototypes folded into the output layer of the base model. */
  prototype: { layers: 'all', epochs: 0, learningRate: 1.5e-3, replayPerSample: 8, blend: 1, anchor: 'none', anchorStrength: 0, distill: 0, prototypes: 0.3 },
  /** replay-blend, then the prototypes of the tuned network folded in. */
  'replay-blend+prototype': { layers: 'all', epochs: 4, learningRate: 1.5e-3, replayPerSample: 8, blend: 0.85, anchor: 'none', anchorStrength: 0, distill: 0, prototypes: 0.3 },
  /**
   * All layers on the person's samples, the MNIST replay distilled toward the base model's outputs in place
   * of hard-label replay, 85% of the change kept, then the prototypes folded in: the app's default.
   */
  'distill-blend+prototype': {
    layers: 'all', epochs: 4, learningRate: 1.5e-3, replayPerSample: 0, distill: 2, distillPerSample: 8, distillTemperature: 2, blend: 0.85,
    anchor: 'none', anchorStrength: 0, prototypes: 0.3,
  },
} as const satisfies Record<string, FineTuneOptionsInput>;
export type MethodName = keyof typeof METHODS;

/** The method the app's defaults are (fineTuneOptions() with no input gives its options). */
export const DEFAULT_METHOD: MethodName = 'distill-blend+prototype';
