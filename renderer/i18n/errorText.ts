import i18next from 'i18next';
import { ApiError } from '../transport/index.ts';

/** Number parameters (bytes, counts) in the interface's digit grouping; the rest as they are. */
function localParams(params: Readonly<Record<string, string | number>>): Record<string, string> {
  const format = new Intl.NumberFormat(i18next.language);
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'number' ? format.format(v) : v]));
}

/** `errors.<code>` (and `skip.<code>`) name nested keys: i18next reads the dots of a code as levels. */
function translate(key: string, params: Readonly<Record<string, string | number>>): string | null {
  if (!i18next.exists(key)) return null;
  return (i18next.t as unknown as (key: string, options: Record<string, unknown>) => string)(key, localParams(params));
}

type Reason = { readonly code: string; readonly params: Readonly<Record<string, string | number>> };

/** A reason of the core's table in the interface's language, or null if it has no text; in English the technical detail it carries is added in brackets. */
export function reasonText(reason: Reason): string | null {
  const text = translate(`errors.${reason.code}`, reason.params);
  if (text === null) return null;
  const detail = reason.params.detail;
  return i18next.language === 'en' && typeof detail === 'string' && detail ? `${text} (${detail})` : text;
}

/**
 * Reasons the core sent beside a result (the model notice's), one after another in the interface's
 * language; the core's English text when one of them has no translation.
 */
export function reasonsText(reasons: readonly Reason[], english: string): string {
  const texts = reasons.map(reasonText);
  return texts.length > 0 && texts.every((t) => t !== null) ? texts.join(' ') : english;
}

/**
 * A failure in the interface's language: the core's reason code with its parameters when it sent one
 * (main/api/error-codes.ts), else what kind of failure it was. The core's English message goes to the
 * console for the record; in English the technical detail a code carries is added in brackets.
 */
export function errorText(error: unknown): string {
  const api = error instanceof ApiError ? error : null;
  const english = error instanceof Error ? error.message : String(error);
  const text = api?.reason ? reasonText(api.reason) : null;
  if (text !== null) return text;
  console.warn(english);
  const kind = translate(`errors.kind.${api?.code ?? 'internal'}`, {}) ?? english;
  return i18next.language === 'en' ? `${kind} (${english})` : kind;
}

/** Why an import skipped a record, in the interface's language (the English reason when the code is unknown). */
export function skipText(skip: { reason: string; code?: string; params?: Readonly<Record<string, string | number>> }): string {
  return (skip.code && translate(`errors.${skip.code}`, skip.params ?? {})) || skip.reason;
}
