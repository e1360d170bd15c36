import { describe, expect, it } from 'vitest';
import { Rng } from '../../main/engine/rng.ts';
import { parseInk } from '../../main/ink/index.ts';
import { inkShape } from '../../main/nondigit/index.ts';
import { writerFolds } from '../../scripts/reject/folds.ts';
import { distortInk, SYNTHETIC_KINDS, syntheticInks } from '../../scripts/reject/synthetic.ts';

describe('writer groups for the threshold', () => {
  it('keeps every writer in one group and spreads each institution over the groups', () => {
    const writers = ['a/1', 'a/2', 'a/3', 'a/4', 'a/5', 'b/1', 'b/2', 'b/3', 'b/4', 'b/5', 'c/1'];
    const rows = writers.flatMap((w, i) => Array.from({ length: 1 + (i % 3) }, () => w));
    const fold = writerFolds(rows, 5, 1);
    const of = new Map<string, Set<number>>();
    rows.forEach((w, i) => of.set(w, (of.get(w) ?? new Set()).add(fold[i])));
    for (const groups of of.values()) expect(groups.size).toBe(1);
    for (const inst of ['a', 'b']) expect(new Set(writers.filter((w) => w.startsWith(inst)).map((w) => [...of.get(w)!][0])).size).toBe(5);
    expect(Array.from(writerFolds(rows, 5, 1))).toEqual(Array.from(fold)); // seeded
    expect(Array.from(writerFolds(rows, 5, 2))).not.toEqual(Array.from(fold));
  });
});

describe('synthetic non-digits', () => {
  it('are valid inks of every kind, seeded, with extent in both directions', () => {
    const inks = syntheticInks(SYNTHETIC_KINDS.length * 3, 1);
    expect(new Set(inks.map((s) => s.kind))).toEqual(new Set(SYNTHETIC_KINDS));
    for (const s of inks) {
      expect(() => parseInk({ strokes: s.ink.strokes })).not.toThrow();
      const shape = inkShape(s.ink);
      expect(shape.size).toBeGreaterThan(10);
      expect(Number.isFinite(shape.aspect) && shape.aspect > 0).toBe(true);
    }
    expect(JSON.stringify(syntheticInks(7, 1))).toBe(JSON.stringify(syntheticInks(7, 1)));
  });

  it('a distortion keeps the strokes and their points, and moves them', () => {
    const ink = { strokes: [[[0, 0], [10, 0], [10, 10]], [[5, 5], [6, 9]]] as [number, number][][] };
    const d = distortInk(ink, new Rng(3, 1));
    expect(d.strokes.map((s) => s.length)).toEqual([3, 2]);
    expect(d.strokes[0][0]).toEqual([0, 0]); // linear: the origin stays
    expect(d.strokes[0][1]).not.toEqual([10, 0]);
  });
});
