import i18next from 'i18next';
import { ApiError } from '../transport/index.ts';
import { reasonText, translate } from './reasonText.ts';

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
