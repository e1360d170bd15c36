import { describe, expect, it } from 'vitest';
import { curvePoint, epochPoint, withPoint } from '../../../renderer/training/curves.ts';
import type { TrainingProgress } from '../../../main/api/contract.ts';

const progress = (over: Partial<TrainingProgress>): TrainingProgress => ({
  phase: 'training', epoch: 0, epochs: 4, step: 1, stepsPerEpoch: 8, loss: 0.5, accuracy: 0.9, fraction: 0.1, elapsedSec: 1, etaSec: 3, ...over,
});

describe('the live curves of a fine-tune', () => {
  it('places a report at epoch + step / steps, and an epoch end at epoch + 1 with its held-out accuracy', () => {
    expect(curvePoint(progress({ epoch: 2, step: 6 }))).toEqual({ x: 2.75, loss: 0.5, accuracy: 0.9, heldOut: null });
    expect(epochPoint({ epoch: 2, loss: 0.25, accuracy: 0.95, heldOutAccuracy: 0.8, seconds: 1 })).toEqual({ x: 3, loss: 0.25, accuracy: 0.95, heldOut: 0.8 });
  });

  it('draws nothing for the measuring phases or a step-0 report', () => {
    expect(curvePoint(progress({ phase: 'measuring-before', step: 0, loss: null, accuracy: null }))).toBeNull();
    expect(curvePoint(progress({ phase: 'measuring-after' }))).toBeNull();
    expect(curvePoint(progress({ step: 0 }))).toBeNull();
  });

  it('keeps x in order when a report arrives after the epoch end it precedes', () => {
    let points = withPoint([], curvePoint(progress({ epoch: 0, step: 4 }))!);
    points = withPoint(points, epochPoint({ epoch: 0, loss: 0.3, accuracy: 0.9, heldOutAccuracy: 0.7, seconds: 1 }));
    points = withPoint(points, curvePoint(progress({ epoch: 0, step: 7 }))!);
    points = withPoint(points, curvePoint(progress({ epoch: 1, step: 2 }))!);
    expect(points.map((p) => p.x)).toEqual([0.5, 0.875, 1, 1.25]);
  });
});
