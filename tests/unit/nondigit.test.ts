import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { degenerateInk, inkShape, rejectHeadFromFile, REJECT_FORMAT, REJECT_VERSION, thresholdForRate, trainRejectHead, DEFAULT_DEGENERATE_LIMITS } from '../../main/nondigit/index.ts';
import { REJECT_FILE } from '../../main/model-folder/folder.ts';
import { ModelRuntime } from '../../main/runtime/index.ts';

const NATIVE = join(import.meta.dirname, '../../native-models');

describe('reject head', () => {
  it('learns a toy separable set, and the stored file scores exactly as the trained network', () => {
    const n = 400, dims = 3;
    const x = new Float32Array(n * dims);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 2;
      x[i * dims] = y[i] ? 2 + (i % 7) / 7 : -2 - (i % 5) / 5;
      x[i * dims + 1] = (i % 11) / 11;
      x[i * dims + 2] = 5;
    }
    const head = trainRejectHead(x, y, { epochs: 20, batch: 32 });
    let correct = 0;
    for (let i = 0; i < n; i++) if ((head.score(x.subarray(i * dims, (i + 1) * dims)) >= 0.5 ? 1 : 0) === y[i]) correct++;
    expect(correct).toBe(n);
    const stored = rejectHeadFromFile(JSON.parse(JSON.stringify({
      format: REJECT_FORMAT, version: REJECT_VERSION, mean: head.mean, std: head.std, network: head.network, threshold: 0.5,
      degenerate: DEFAULT_DEGENERATE_LIMITS, baselines: {}, card: {},
    })));
    for (let i = 0; i < n; i += 37) {
      const f = x.slice(i * dims, (i + 1) * dims);
      expect(stored.score(f)).toBe(head.score(f));
    }
  });

  it('sets a threshold that flags at most the asked share of digits', () => {
    const scores = Array.from({ length: 1000 }, (_, i) => i / 1000);
    const t = thresholdForRate(scores, 0.01);
    expect(scores.filter((s) => s >= t).length).toBeLessThanOrEqual(10);
    expect(scores.filter((s) => s >= t).length).toBeGreaterThanOrEqual(9);
  });

  it('the shipped models carry a head that loads, sealed in their cards', async () => {
    for (const arch of ['modern', 'classic']) {
      const runtime = await ModelRuntime.load(join(NATIVE, arch));
      expect(runtime.reject).not.toBeNull();
      expect(runtime.reject!.file.threshold).toBeGreaterThan(0);
      expect((runtime.info.card.integrity as unknown as Record<string, string>)[REJECT_FILE]).toMatch(/^[0-9a-f]{64}$/);
      await runtime.release();
      JSON.parse(await readFile(join(NATIVE, arch, REJECT_FILE), 'utf8'));
    }
  });
});

describe('degenerate-ink checks', () => {
  const check = (strokes: number[][][]) => degenerateInk(inkShape({ strokes: strokes as [number, number][][] }))?.reason ?? null;
  it('calls a dot, a slanted straight line and a scribble not-a-digit', () => {
    expect(check([[[5, 5]]])).toBe('dot');
    expect(check([[[5, 5], [5, 5], [5, 5]]])).toBe('dot');
    expect(check([[[0, 0], [50, 10], [100, 20]]])).toBe('line');
    expect(check([Array.from({ length: 60 }, (_, i) => [(i % 2) * 100, i * 2])])).toBe('scribble');
    expect(check(Array.from({ length: 9 }, (_, i) => [[i, 0], [i, 10]]))).toBe('scribble');
  });
  it('leaves a vertical 1, a slanted 1 and a 7 alone', () => {
    expect(check([[[0, 0], [0, 100]]])).toBeNull();
    expect(check([[[20, 0], [0, 100]]])).toBeNull();
    expect(check([[[0, 0], [60, 0], [20, 100]]])).toBeNull();
    expect(check([])).toBeNull();
  });
});
