import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { pairedRatio, percentile, summarize } from '../../scripts/bench/stats.ts';
import { formatNumber, ratio } from '../../scripts/bench/report.ts';
import { runExtension, type Extension } from '../../scripts/bench/extensions.ts';

describe('bench statistics', () => {
  it('summarizes an even-length list with interpolated quartiles (worked by hand)', () => {
    // sorted 1 2 3 4: rank = p/100 * 3; p25 -> 0.75 -> 1.75, p50 -> 1.5 -> 2.5, p75 -> 2.25 -> 3.25, p95 -> 2.85 -> 3.85
    const s = summarize([4, 1, 3, 2]);
    expect(s).toMatchObject({ n: 4, min: 1, max: 4, mean: 2.5, median: 2.5 });
    expect(s.p25).toBeCloseTo(1.75, 12);
    expect(s.p75).toBeCloseTo(3.25, 12);
    expect(s.p95).toBeCloseTo(3.85, 12);
  });

  it('takes the middle value of an odd-length list and lands on exact ranks', () => {
    expect(summarize([9, 1, 5]).median).toBe(5);
    const hundredAndOne = Array.from({ length: 101 }, (_, i) => 100 - i); // 100..0, unsorted
    expect(percentile(hundredAndOne, 95)).toBe(95);
    expect(percentile(hundredAndOne, 0)).toBe(0);
    expect(percentile(hundredAndOne, 100)).toBe(100);
  });

  it('gives a single measurement as every statistic', () => {
    expect(summarize([7])).toEqual({ n: 1, median: 7, mean: 7, min: 7, max: 7, p25: 7, p75: 7, p95: 7 });
  });

  it('pairs ratios by round and takes their median', () => {
    // rounds: 100/50 = 2, 300/100 = 3, 40/40 = 1, 70/0 skipped, 999 has no partner -> median of [2, 3, 1] = 2
    expect(pairedRatio([100, 300, 40, 70, 999], [50, 100, 40, 0])).toBe(2);
    expect(pairedRatio([1], [])).toBeNull();
  });

  it('refuses no measurements, non-finite ones and percentiles outside 0..100', () => {
    expect(() => summarize([])).toThrow(/no measurements/);
    expect(() => summarize([1, Number.NaN])).toThrow(/not a finite number/);
    expect(() => percentile([1, 2], 101)).toThrow(/0\.\.100/);
  });
});

describe('bench report helpers', () => {
  it('prints three significant digits', () => {
    expect(formatNumber(1234.5)).toBe('1235');
    expect(formatNumber(12.345)).toBe('12.3');
    expect(formatNumber(4.567)).toBe('4.57');
    expect(formatNumber(0.08931)).toBe('0.089');
  });

  it('gives no ratio when either figure is missing', () => {
    const s = summarize([10]);
    expect(ratio(summarize([30]), s)).toBe(3);
    expect(ratio(null, s)).toBeNull();
    expect(ratio(s, null)).toBeNull();
  });
});

describe('bench extensions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-ext-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const options = { quick: true, modelDir: dir, log: () => undefined };
  const extension = (body: string): Extension => {
    const file = join(dir, `ext-${Math.random().toString(36).slice(2)}.mjs`);
    writeFileSync(file, body);
    return { module: pathToFileURL(file).href, figures: [{ key: 'fooMs', label: 'foo', unit: 'ms' }] };
  };

  it('skips a module that is not there yet', async () => {
    const r = await runExtension({ module: './no-such-bench-module.ts', figures: [] }, options);
    expect(r).toEqual({ status: 'skipped', reason: 'scripts/bench/no-such-bench-module.ts is not written yet' });
  });

  it('keeps the figures of a module that measured them', async () => {
    const r = await runExtension(extension('export async function measure(o) { return { fooMs: o.quick ? 1.5 : 0, note: "x" }; }'), options);
    expect(r).toEqual({ status: 'ok', values: { fooMs: 1.5 } });
  });

  it('passes on the reason a module gives for skipping', async () => {
    const r = await runExtension(extension('export default async () => ({ skipped: "no Chromium here" });'), options);
    expect(r).toEqual({ status: 'skipped', reason: 'no Chromium here' });
  });

  it('turns a throw, a missing figure or a missing function into a skip that says so', async () => {
    const threw = await runExtension(extension('export async function run() { throw new Error("boom"); }'), options);
    expect(threw.status === 'skipped' && threw.reason).toMatch(/failed: boom$/);
    const partial = await runExtension(extension('export async function measure() { return { barMs: 2 }; }'), options);
    expect(partial.status === 'skipped' && partial.reason).toMatch(/no number for fooMs$/);
    const none = await runExtension(extension('export const x = 1;'), options);
    expect(none.status === 'skipped' && none.reason).toMatch(/exports no measure\(\) function$/);
  });
});
