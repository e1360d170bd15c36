// The ink pipeline on real pen data (UNIPEN, ../shared/data/unipen-dev), compared with MNIST's statistics:
// the pen width and box fit are right when pen digits carry as much ink, as large, as centred as MNIST's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnist, mnistInput, type MnistSet } from '../../main/data/mnist.ts';
import { inkImageStats, parseInk, preprocessInk, toModelInput, type Ink, type InkImageStats } from '../../main/ink/index.ts';

const DATA_DIR = join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'unipen-dev');
const INSTITUTIONS = ['syn', 'ced', 'gmd', 'tos', 'uqb', 'imp', 'pri', 'ceb'];
const SIDE = 28;

const readInks = (name: string): Ink[] =>
  readFileSync(join(DATA_DIR, `${name}.jsonl`), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => parseInk(JSON.parse(l)));
const statsOf = (data: Float32Array) => inkImageStats({ width: SIDE, height: SIDE, data });
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const quantile = (values: readonly number[], q: number) => [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))];

let mnist: MnistSet;
let mnistStats: InkImageStats[];
beforeAll(async () => {
  mnist = await loadMnist('train');
  mnistStats = Array.from({ length: mnist.count }, (_, i) => statsOf(mnistInput(mnist, 'modern', i, 1)));
});

describe('real pen digits through the pipeline', () => {
  it('the first 40 digits of syn.jsonl each carry a plausible ink mass, sit centred, fill the box', () => {
    const masses = mnistStats.map((s) => s.mass);
    const [low, high] = [quantile(masses, 0.01), quantile(masses, 0.99)];
    for (const ink of readInks('syn').slice(0, 40)) {
      const stats = statsOf(preprocessInk(ink).image28);
      expect(stats.mass).toBeGreaterThan(low); // MNIST's 1st percentile, about 39
      expect(stats.mass).toBeLessThan(high); // its 99th, about 193
      expect(Math.abs(stats.centreOfMass!.x - 14)).toBeLessThan(0.1);
      expect(Math.abs(stats.centreOfMass!.y - 14)).toBeLessThan(0.1);
      expect(Math.max(stats.boxHeight, stats.boxWidth)).toBeGreaterThanOrEqual(20);
      expect(Math.max(stats.boxHeight, stats.boxWidth)).toBeLessThanOrEqual(21);
    }
  });

  it('every 20th digit of every institution matches MNIST within 15% in mean ink mass and box height', () => {
    const sample = INSTITUTIONS.flatMap((name) => readInks(name).filter((_, i) => i % 20 === 0));
    const pen = sample.map((ink) => statsOf(preprocessInk(ink).image28));
    const numbers = {
      digits: pen.length,
      massPen: mean(pen.map((s) => s.mass)),
      massMnist: mean(mnistStats.map((s) => s.mass)),
      boxHeightPen: mean(pen.map((s) => s.boxHeight)),
      boxHeightMnist: mean(mnistStats.map((s) => s.boxHeight)),
      boxWidthPen: mean(pen.map((s) => s.boxWidth)),
      boxWidthMnist: mean(mnistStats.map((s) => s.boxWidth)),
    };
    console.log('unipen vs MNIST train:', JSON.stringify(numbers, (_, v) => (typeof v === 'number' ? Number(v.toFixed(2)) : v)));
    expect(Math.abs(numbers.massPen / numbers.massMnist - 1)).toBeLessThan(0.15);
    expect(Math.abs(numbers.boxHeightPen / numbers.boxHeightMnist - 1)).toBeLessThan(0.15);
    for (const s of pen) expect(Math.hypot(s.centreOfMass!.x - 14, s.centreOfMass!.y - 14)).toBeLessThan(0.5);
    // MNIST's own centre of mass, the target the pipeline aims at.
    expect(mean(mnistStats.map((s) => s.centreOfMass!.x))).toBeCloseTo(14, 1);
    expect(mean(mnistStats.map((s) => s.centreOfMass!.y))).toBeCloseTo(14, 1);
  });
});

describe('toModelInput feeds a 28x28 image exactly as MNIST is fed to each model', () => {
  it('matches main/data/mnist.ts on MNIST digits, for both architectures', () => {
    for (const index of [0, 1, 59_999]) {
      const image28 = mnistInput(mnist, 'modern', index, 1);
      expect(Array.from(toModelInput(image28, 'modern'))).toEqual(Array.from(image28));
      const classic = toModelInput(image28, 'classic');
      const reference = mnistInput(mnist, 'classic', index, 1);
      expect(classic).toHaveLength(reference.length);
      classic.forEach((v, i) => expect(v).toBeCloseTo(reference[i], 6));
    }
  });
});
