/**
 * English grammar the strings need around numbers: "an 8" but "a 7", "1 sample" but "2 samples".
 * Registered as i18next formatters (index.ts): `{{digit, article}}`, `{{n, noun(one: sample; other: samples)}}`.
 */

/** The number a parameter holds, also when the caller passed it formatted ("1,234"). */
function numberOf(value: unknown): number {
  if (typeof value === 'number') return value;
  return Number(String(value).replace(/[^\d.-]/g, ''));
}

/**
 * "a" or "an" before a number as it is read aloud: an 8, an 11, an 18, an 80, an 800, an 11,000;
 * a 1, a 7, a 100, a 1,800. The first group of up to three digits decides (how the number is read).
 */
export function articleFor(value: unknown): 'a' | 'an' {
  const n = Math.floor(Math.abs(numberOf(value)));
  if (!Number.isFinite(n)) return 'a';
  const digits = String(n);
  const lead = digits.slice(0, ((digits.length - 1) % 3) + 1);
  return lead.startsWith('8') || lead === '11' || lead === '18' ? 'an' : 'a';
}

/** `value` with "a" or "an" before it. */
export function withArticle(value: unknown): string {
  return `${articleFor(value)} ${String(value)}`;
}

/** `value` with the noun in the singular for exactly 1, else the plural. */
export function withNoun(value: unknown, one: string, other: string): string {
  return `${String(value)} ${numberOf(value) === 1 ? one : other}`;
}
