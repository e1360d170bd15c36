import { describe, expect, it } from 'vitest';
import { rbfCriterionInto } from '../../main/engine/index.ts';

/** E = y_c + log(e^-j + sum_i e^-y_i), computed in float64 straight from the definition. */
function criterion(y: readonly number[], label: number, j: number): number {
  return y[label] + Math.log(Math.exp(-j) + y.reduce((s, v) => s + Math.exp(-v), 0));
}

describe("LeCun's RBF criterion", () => {
  it('matches the definition on a hand-worked case', () => {
    // y = [1, 2], label 0, j = 1: E = 1 + log(e^-1 + e^-1 + e^-2) = 1 + log(2e^-1 + e^-2)
    const d = new Float32Array(2);
    const r = rbfCriterionInto(1, 2, Float32Array.from([1, 2]), 1, [0], 0, d, 1);
    expect(r.lossSum).toBeCloseTo(1 + Math.log(2 * Math.exp(-1) + Math.exp(-2)), 6);
    expect(r.correct).toBe(1);
    // dE/dy_0 = 1 - e^-1/Z, dE/dy_1 = -e^-2/Z
    const z = 2 * Math.exp(-1) + Math.exp(-2);
    expect(d[0]).toBeCloseTo(1 - Math.exp(-1) / z, 6);
    expect(d[1]).toBeCloseTo(-Math.exp(-2) / z, 6);
  });

  it('its gradient agrees with central differences, also for large distances', () => {
    for (const scale of [1, 50, 300]) {
      const y = Array.from({ length: 10 }, (_, i) => scale * (0.3 + ((i * 37) % 11) / 11));
      const label = 4, j = 10;
      const d = new Float32Array(10);
      rbfCriterionInto(1, 10, Float32Array.from(y), j, [label], 0, d, 1);
      for (let k = 0; k < 10; k++) {
        const eps = 1e-4 * Math.max(1, scale);
        const up = [...y], down = [...y];
        up[k] += eps;
        down[k] -= eps;
        const fd = (criterion(up, label, j) - criterion(down, label, j)) / (2 * eps);
        expect(Math.abs(fd - d[k])).toBeLessThan(1e-4);
      }
    }
  });

  it('keeps pulling the correct distance down while it is above j, unlike softmax cross-entropy', () => {
    // the sample is already classified (y_c smallest by far) but y_c = 40 > j = 10: the pull stays ~1
    const d = new Float32Array(3);
    rbfCriterionInto(1, 3, Float32Array.from([40, 200, 210]), 10, [0], 0, d, 1);
    expect(d[0]).toBeGreaterThan(0.99);
  });
});
