import type { Summary } from './stats.ts';

/** One line of the table. `summary` is null when the figure was skipped or failed (`note` says why). */
export interface FigureRow {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly summary: Summary | null;
  /** How the spread column reads the summary: min–max over a few runs, or the quartiles and p95 of many. */
  readonly spread: 'range' | 'quartiles' | 'none';
  readonly note?: string;
}

/** Three significant digits, at most three decimals: 1234, 123, 12.3, 1.23, 0.123. */
export function formatNumber(v: number): string {
  const a = Math.abs(v);
  const decimals = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return v.toFixed(decimals);
}

export function spreadText(row: FigureRow): string {
  const s = row.summary;
  if (!s) return '';
  if (row.spread === 'range') return `${formatNumber(s.min)}–${formatNumber(s.max)} (min–max of ${s.n})`;
  if (row.spread === 'quartiles') return `IQR ${formatNumber(s.p25)}–${formatNumber(s.p75)}, p95 ${formatNumber(s.p95)} (n ${s.n})`;
  return '';
}

export function formatTable(rows: readonly FigureRow[]): string {
  const cells = rows.map((r) => [r.label, r.summary ? formatNumber(r.summary.median) : '—', r.summary ? spreadText(r) : (r.note ?? ''), r.summary ? r.unit : '']);
  const header = ['figure', 'median', 'spread', 'unit'];
  const widths = header.map((h, c) => Math.max(h.length, ...cells.filter((row) => row[1] !== '—').map((row) => row[c].length)));
  const line = (row: string[]) => row.map((cell, c) => (c === 1 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** a / b when both are measured, else null (a ratio of a missing figure is not zero, it is unknown). */
export function ratio(a: Summary | null, b: Summary | null): number | null {
  return a && b && b.median > 0 ? a.median / b.median : null;
}
