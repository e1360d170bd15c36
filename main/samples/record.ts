import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { InkError, MAX_FILE_INK_POINTS, parseInk, type Ink, type InkStroke } from '../ink/index.ts';

/**
 * One labelled sample of the person's handwriting, as stored on disk (one JSON file per sample):
 *
 * ```json
 * {"format": "lenet-studio/sample", "version": 1, "id": "m3x9k2a1-5f0c2e9b7d", "label": 7,
 *  "collectedAt": "2025-11-23T18:40:00.000Z", "how": "saved", "ink": {"strokes": [[[x, y], ...], ...]},
 *  "predicted": 1, "modelId": "modern"}
 * ```
 * `how` says where it came from: saved from the canvas with a label, corrected ("wrong? it is a 4":
 * `predicted` and `modelId` then say what the model had answered), or imported from a file.
 */
export const SAMPLE_FORMAT = 'lenet-studio/sample';
export const SAMPLE_VERSION = 1;
/** The JSON Lines file inside an export zip. */
export const SAMPLES_JSONL = 'samples.jsonl';
export const SAMPLE_HOWS = ['saved', 'corrected', 'imported'] as const;
export type SampleHow = (typeof SAMPLE_HOWS)[number];

export interface Sample {
  readonly id: string;
  readonly label: number;
  /** ISO 8601 date and time, UTC. */
  readonly collectedAt: string;
  readonly how: SampleHow;
  readonly ink: Ink;
  /** For a corrected sample: the digit the model had predicted, and which model it was. */
  readonly predicted?: number;
  readonly modelId?: string;
}

/** Doubles as a file name, so only characters every file system takes. */
export const SAMPLE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export const digitSchema = z.number().int().min(0, 'a label is a digit 0-9').max(9, 'a label is a digit 0-9');
const isoDate = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && Number.isFinite(Date.parse(s)), 'must be an ISO 8601 date and time');
/** The ink check of main/ink (limits, finite coordinates...), plus: a sample must hold at least one point. */
const sampleInkSchema = z.unknown().transform((value, ctx): Ink => {
  try {
    const ink = parseInk(value, { maxPoints: MAX_FILE_INK_POINTS });
    if (!ink.strokes.some((s) => s.length > 0)) {
      ctx.addIssue({ code: 'custom', message: 'the ink has no point: an empty drawing is not a sample' });
      return z.NEVER;
    }
    return { strokes: ink.strokes };
  } catch (err) {
    if (!(err instanceof InkError)) throw err;
    ctx.addIssue({ code: 'custom', message: err.message });
    return z.NEVER;
  }
});

export const sampleRecordSchema = z.object({
  format: z.literal(SAMPLE_FORMAT),
  version: z.literal(SAMPLE_VERSION),
  id: z.string().regex(SAMPLE_ID_PATTERN, 'an id is 1-64 letters, digits, "_" or "-"'),
  label: digitSchema,
  collectedAt: isoDate,
  how: z.enum(SAMPLE_HOWS),
  ink: sampleInkSchema,
  predicted: digitSchema.optional(),
  modelId: z.string().max(64).optional(),
});

/** What a caller hands to the store to add a sample; the store assigns the id. */
export const newSampleSchema = z.object({
  label: digitSchema,
  ink: sampleInkSchema,
  how: z.enum(SAMPLE_HOWS).default('saved'),
  collectedAt: isoDate.optional(),
  predicted: digitSchema.optional(),
  modelId: z.string().max(64).optional(),
});
export type NewSample = z.input<typeof newSampleSchema>;

/** A line of an exported or imported JSON Lines file: DESIGN.md's ink format plus the sample's facts. */
export const sampleLineSchema = z.object({
  label: digitSchema,
  strokes: z.unknown(),
  collectedAt: isoDate.optional(),
  how: z.enum(SAMPLE_HOWS).optional(),
  id: z.string().optional(),
  predicted: digitSchema.optional(),
  modelId: z.string().max(64).optional(),
});

let lastIdTime = 0;

/**
 * Time-ordered (base-36 milliseconds, strictly increasing within a process so two samples saved in the
 * same millisecond keep their order) and unique (40 random bits).
 */
export function newSampleId(now = Date.now()): string {
  lastIdTime = Math.max(now, lastIdTime + 1);
  return `${lastIdTime.toString(36).padStart(9, '0')}-${randomBytes(5).toString('hex')}`;
}

export function toRecord(sample: Sample): Record<string, unknown> {
  const { id, label, collectedAt, how, ink, predicted, modelId } = sample;
  return {
    format: SAMPLE_FORMAT, version: SAMPLE_VERSION, id, label, collectedAt, how, ink: { strokes: ink.strokes },
    ...(predicted !== undefined ? { predicted } : {}), ...(modelId !== undefined ? { modelId } : {}),
  };
}

export function fromRecord(record: z.output<typeof sampleRecordSchema>): Sample {
  const { id, label, collectedAt, how, ink, predicted, modelId } = record;
  return { id, label, collectedAt, how, ink, ...(predicted !== undefined ? { predicted } : {}), ...(modelId !== undefined ? { modelId } : {}) };
}

/** The first problems of a failed parse, one line, with where they are (`ink: ...`, `label: ...`). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/** A skipped record's reason parameters: the first field at fault and the English description. */
export function issueParams(error: z.ZodError): { field: string; detail: string } {
  const path = error.issues[0]?.path ?? [];
  return { field: path.length > 0 ? path.join('.') : '-', detail: describeIssues(error) };
}

/** Same label and same points: the test for "already in the store" when importing. */
export function sampleFingerprint(label: number, strokes: readonly InkStroke[]): string {
  return createHash('sha256').update(`${label}:${JSON.stringify(strokes)}`).digest('base64url');
}
