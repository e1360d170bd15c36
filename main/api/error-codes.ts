/**
 * Why a request failed, as a code with parameters the page translates (renderer/i18n: `errors.<code>`,
 * with the same placeholders), written once like the method table. `kind` is the wire's coarse error
 * code (ERROR_CODES in schemas.ts); `en` is the English message kept for logs and for callers without a
 * translation table (the CLI, tests): `{{name}}` is replaced by the parameter of that name.
 */
type Kind = 'bad-request' | 'not-found' | 'forbidden' | 'too-large' | 'unavailable' | 'internal';

const reason = <const P extends readonly string[]>(kind: Kind, params: P, en: string) => ({ kind, params, en });

export const ERROR_REASONS = {
  // ---- any request
  'request.invalid': reason('bad-request', ['method', 'detail'], '{{method}}: invalid request: {{detail}}'),
  'request.failed': reason('internal', ['method', 'detail'], '{{method}} failed: {{detail}}'),
  'request.unknownChannel': reason('bad-request', ['channel'], 'unknown channel {{channel}}'),
  'connection.unreachable': reason('unavailable', [], 'cannot reach the LeNet Studio server: is `npm run web` still running, and was this page opened from the link it printed?'),
  'connection.closed': reason('unavailable', [], 'the connection to the LeNet Studio server closed'),
  'dataFolder.missing': reason('unavailable', [], 'samples and fine-tuning need a data folder (the desktop app uses its own; browser mode takes --data-dir)'),

  // ---- models
  'model.notFound': reason('not-found', ['id', 'known'], 'no model called {{id}} (models: {{known}})'),
  'model.noneFound': reason('unavailable', ['dirs'], 'no model found in {{dirs}}: train one with `npm run train`'),
  'model.cannotLoad': reason('unavailable', ['id', 'detail'], 'model {{id}} cannot be loaded: {{detail}}'),
  'model.notActivated': reason('unavailable', ['id', 'detail'], 'model {{id}} was not activated: {{detail}}'),
  'model.bundledRemove': reason('bad-request', ['id'], '{{id}} is a bundled model and cannot be removed'),
  'model.activeRemove': reason('bad-request', ['id'], '{{id}} is the active model; activate another one first'),
  'model.exists': reason('bad-request', ['id'], 'a model called {{id}} already exists'),
  'model.noEarlier': reason('not-found', [], 'there is no earlier model to go back to'),
  'model.noLayer': reason('not-found', ['id', 'layer'], 'model {{id}} has no layer {{layer}}'),
  'model.layerNoWeights': reason('not-found', ['id', 'layer', 'kind'], 'layer {{layer}} of model {{id}} is a {{kind}} layer and has no trainable weights'),
  'model.undoGone': reason('not-found', ['id'], 'the deleted model {{id}} can no longer be restored'),

  // ---- why a bundled model stands in for the one the person activated (the model list's notice)
  'fallback.missing': reason('unavailable', ['id', 'fallback'], 'The active model {{id}} is missing; using the bundled {{fallback}} model.'),
  'fallback.cannotLoad': reason('unavailable', ['id', 'fallback', 'detail'], 'The active model {{id}} cannot be loaded ({{detail}}); using the bundled {{fallback}} model.'),
  'fallback.pointerDamaged': reason('unavailable', ['fallback', 'detail'], 'The setting that names the active model is damaged ({{detail}}); using the bundled {{fallback}} model.'),
  'fallback.undetermined': reason('unavailable', ['fallback', 'detail'], 'The active model cannot be determined ({{detail}}); using the {{fallback}} model.'),
  'fallback.bundledDamaged': reason('unavailable', ['ids', 'detail'], 'The bundled model {{ids}} cannot be loaded either ({{detail}}).'),
  'fallback.allDamaged': reason('unavailable', ['detail'], 'Every bundled model is damaged ({{detail}}); reinstall the app.'),

  // ---- the convolution lab and worked sums
  'lab.doesNotFit': reason('bad-request', ['method', 'detail'], '{{method}}: {{detail}}'),

  // ---- ONNX model import
  'onnxImport.tooLarge': reason('too-large', ['file', 'bytes', 'max'], '{{file}}: {{bytes}} bytes; a model file holds at most {{max}}'),
  'onnxImport.notOnnx': reason('bad-request', ['file', 'detail'], '{{file}}: not an ONNX model ({{detail}})'),
  'onnxImport.cannotRun': reason('bad-request', ['file', 'detail'], '{{file}}: ONNX Runtime cannot run it ({{detail}})'),
  'onnxImport.wrongInput': reason('bad-request', ['file', 'expected', 'got'], '{{file}}: its input is {{got}}; a LeNet-5 of the app reads {{expected}}'),
  'onnxImport.missingOutput': reason('bad-request', ['file', 'output'], '{{file}}: it has no output {{output}}'),
  'onnxImport.wrongOutput': reason('bad-request', ['file', 'output', 'expected', 'got'], '{{file}}: output {{output}} has shape {{got}}; {{expected}} expected'),
  'onnxImport.notFinite': reason('bad-request', ['file', 'output'], '{{file}}: output {{output}} holds values that are not finite numbers'),
  'onnxImport.notDeterministic': reason('bad-request', ['file'], '{{file}}: two runs on the same input gave different answers'),
  'onnxImport.notProbabilities': reason('bad-request', ['file', 'detail'], '{{file}}: its probabilities are not probabilities ({{detail}})'),
  'onnxImport.noWeights': reason('bad-request', ['file', 'detail'], '{{file}}: {{detail}}'),
  'onnxImport.badCard': reason('bad-request', ['file', 'detail'], '{{file}}: not a model card ({{detail}})'),
  'onnxImport.inconsistent': reason('bad-request', ['file', 'detail'], '{{file}}: its outputs contradict each other ({{detail}})'),

  // ---- samples
  'samples.noneToExport': reason('not-found', [], 'there are no samples to export yet'),
  'samples.notFound': reason('not-found', ['id'], 'no sample with id {{id}}'),
  'samples.undoGone': reason('not-found', ['token'], 'nothing to restore for {{token}} (already restored, or emptied from the trash)'),
  'import.empty': reason('bad-request', ['file'], '{{file}}: the file is empty'),
  'import.tooLarge': reason('too-large', ['file', 'bytes', 'max'], '{{file}}: the file holds {{bytes}} bytes; at most {{max}} are imported at once'),
  'import.inflatesTooLarge': reason('too-large', ['file', 'mb'], '{{file}}: its JSON Lines unpack to more than {{mb}} MB; at most {{mb}} MB are imported at once'),
  'import.notZipOrText': reason('bad-request', ['file'], '{{file}}: neither a zip nor UTF-8 text'),
  'import.zipCutShort': reason('bad-request', ['file'], '{{file}}: not a readable zip (it has no end of central directory: cut short?)'),
  'import.zipUnreadable': reason('bad-request', ['file', 'detail'], '{{file}}: not a readable zip ({{detail}})'),
  'import.nothingToRead': reason('bad-request', ['file'], '{{file}}: the zip holds neither samples.jsonl (nor any .jsonl file) nor MNIST IDX files'),
  'import.idxWithoutInks': reason('bad-request', ['file', 'names'], '{{file}}: holds MNIST IDX images ({{names}}) but not their inks (samples.jsonl): a sample is a drawing, and an image cannot be turned back into strokes'),

  // ---- fine-tuning
  'training.busy': reason('unavailable', ['job'], 'a fine-tune is already running (job {{job}})'),
  'training.starting': reason('unavailable', [], 'a fine-tune is being started'),
  'training.tooFewSamples': reason('bad-request', ['min', 'n'], 'fine-tuning needs at least {{min}} samples; there are {{n}}'),
  'training.allHeldOut': reason('bad-request', [], 'every sample would be held out: lower the held-out fraction or collect more samples'),
  'training.notRunning': reason('not-found', ['job'], 'no running fine-tune {{job}}'),
  'training.noDecision': reason('not-found', ['job'], 'no finished fine-tune {{job}} is waiting for a decision'),
  'scratch.busy': reason('unavailable', ['job'], 'a training is already running (job {{job}})'),
  'scratch.notRunning': reason('not-found', ['job'], 'no training {{job}} is running'),
  'scratch.noDecision': reason('not-found', ['job'], 'no finished training {{job}} is waiting for a decision'),
  'training.cannotStart': reason('unavailable', ['detail'], 'fine-tuning cannot start: {{detail}}'),
  'training.failed': reason('internal', ['detail'], 'the fine-tune stopped with an error: {{detail}}'),
  'training.resultUnreadable': reason('internal', ['id'], 'the fine-tune finished but its result card cannot be read (model {{id}})'),
} as const;

/**
 * Why one record of an import was not taken (the import report's `skipped`, per file and line). The
 * same shape as a failure's reason; `en` is the English report line.
 */
export const SKIP_REASONS = {
  'skip.notJson': reason('bad-request', [], 'not valid JSON'),
  /** `field`: the first field at fault (`label`, `strokes.0.3`), or `-` for the record as a whole. */
  'skip.invalid': reason('bad-request', ['field', 'detail'], '{{detail}}'),
  'skip.lineTooLong': reason('too-large', ['mb'], 'the line is longer than {{mb}} MB'),
  'skip.pastRecordCap': reason('too-large', ['max'], 'past the {{max}} records one import reads'),
  'skip.entryNotUtf8': reason('bad-request', [], 'not UTF-8 text: the entry is skipped'),
  'skip.duplicate': reason('bad-request', ['id'], 'the same drawing with the same label is already in the store (sample {{id}})'),
  'skip.notRead': reason('bad-request', ['file'], '{{file}} is not a file an import reads'),
  'skip.derived': reason('bad-request', ['file'], '{{file}}: made from the inks (samples.jsonl), which were read instead'),
} as const;

export type ReasonCode = keyof typeof ERROR_REASONS;
export type SkipCode = keyof typeof SKIP_REASONS;
type Table = typeof ERROR_REASONS & typeof SKIP_REASONS;
export type AnyReasonCode = keyof Table;
export const REASON_CODES = Object.keys(ERROR_REASONS) as [ReasonCode, ...ReasonCode[]];
export const SKIP_CODES = Object.keys(SKIP_REASONS) as [SkipCode, ...SkipCode[]];

/** The parameters a code takes, by name (numbers are formatted by the page). */
export type ReasonParams<C extends AnyReasonCode> = { readonly [K in Table[C]['params'][number]]: string | number };

/** A code with its parameters, as it travels. */
export type Reason<C extends AnyReasonCode = ReasonCode> = { [K in C]: { readonly code: K; readonly params: ReasonParams<K> } }[C];

const TABLE: Readonly<Record<string, { kind: Kind; params: readonly string[]; en: string }>> = { ...ERROR_REASONS, ...SKIP_REASONS };

export function reasonOf<C extends AnyReasonCode>(code: C, params: ReasonParams<C>): Reason<C> {
  return { code, params } as Reason<C>;
}

/** The wire's coarse error code for a reason. */
export function kindOf(reason: { code: string }): Kind {
  return TABLE[reason.code]?.kind ?? 'internal';
}

/** The parameter names a code takes (for the page's tests: its translations use exactly these). */
export function paramsOf(code: AnyReasonCode): readonly string[] {
  return TABLE[code].params;
}

/** The English message of a reason (logs, the CLI): `{{name}}` replaced by its parameter. */
export function reasonMessage(reason: { code: string; params: Readonly<Record<string, string | number>> }): string {
  const entry = TABLE[reason.code];
  if (!entry) return reason.code;
  return entry.en.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(reason.params[name] ?? ''));
}

/**
 * An error that carries its reason: lower layers (samples, versions, fine-tuning) throw these or
 * subclasses, and the handler table sends the reason with the English message.
 */
export class ReasonedError extends Error {
  readonly reason: Reason<AnyReasonCode>;
  constructor(reason: Reason<AnyReasonCode>, options?: { cause?: unknown }) {
    super(reasonMessage(reason), options);
    this.name = 'ReasonedError';
    this.reason = reason;
  }
}
