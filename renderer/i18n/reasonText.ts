import i18next from 'i18next';

/** Number parameters (bytes, counts) in the interface's digit grouping; the rest as they are. */
function localParams(params: Readonly<Record<string, string | number>>): Record<string, string> {
  const format = new Intl.NumberFormat(i18next.language);
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'number' ? format.format(v) : v]));
}

/** `errors.<code>` (and `skip.<code>`) name nested keys: i18next reads the dots of a code as levels. */
export function translate(key: string, params: Readonly<Record<string, string | number>>): string | null {
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
