import { z } from 'zod';
import { DigitSchema, ModelIdSchema } from './schemas.ts';

/**
 * Zod schemas of the personal insight: what the active model is least sure about for this person, from
 * their samples and from what they drew since the model became active.
 */

const fraction = z.number().min(0).max(1);
const count = z.int().min(0);

export const PersonalInsightRequestSchema = z.strictObject({});

/** A digit and how often something happened with it. */
const digitCount = z.strictObject({ digit: DigitSchema, count: count.min(1) });

export const DigitInsightSchema = z.strictObject({
  digit: DigitSchema,
  /** The person's samples of this digit, and how many of them the model reads as another digit. */
  samples: count,
  errors: count,
  /** Mean probability the model gives the right digit on those samples; null without samples. */
  meanTrue: fraction.nullable(),
  /** The digit the model most often reads instead (on the samples), with how many times. */
  readAs: digitCount.nullable(),
  /** Drawings since the model became active that it read as this digit: in all, not sure, flagged as not a digit. */
  drawn: z.strictObject({ read: count, unsure: count, flagged: count }),
  /** Drawings the person corrected to this digit ("wrong? it is a …") since the model became active. */
  corrected: count,
  /** Unsure drawings with this digit among the two likeliest: the other one most often, with how many. */
  mixedWith: digitCount.nullable(),
  /**
   * Expected error rate of the model on this person's way of writing the digit (0..1), with a prior for
   * digits with few samples: (doubt + PRIOR_ERRORS) / (evidence + PRIOR_STRENGTH), see personal-insight.ts.
   */
  need: fraction,
});

/** Why a digit is suggested: misread samples, right but unsure, too few samples, or doubtful drawings. */
export const SuggestionReasonSchema = z.enum(['misread', 'unsure', 'few', 'doubtful']);

export const SuggestionSchema = z.strictObject({
  digit: DigitSchema,
  /** How many more samples of it to write. */
  write: z.int().min(1),
  reason: SuggestionReasonSchema,
  need: fraction,
  /** The figures the reason cites: samples, errors among them, the digit read instead, mean probability, drawing counts. */
  samples: count,
  errors: count,
  readAs: DigitSchema.nullable(),
  meanTrue: fraction.nullable(),
  unsure: count,
  mixedWith: DigitSchema.nullable(),
});

export const PersonalInsightSchema = z.strictObject({
  modelId: ModelIdSchema,
  /** The person's samples, and drawings seen since this model became active. */
  samples: count,
  drawings: count,
  /** Per digit, index = digit. */
  digits: z.array(DigitInsightSchema).length(10),
  /** The neediest digits first. */
  suggestions: z.array(SuggestionSchema).max(10),
  /** The prior of the need score: its mean error rate and its weight in samples. */
  prior: z.strictObject({ errorRate: fraction, strength: z.number().min(0) }),
});
