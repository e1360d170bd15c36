import type { CurvePoint } from '../state/personalState.ts';
import type { TrainingEpoch, TrainingProgress } from '../../main/api/contract.ts';

/**
 * The live curves' points. x is in epochs: a progress report during epoch e at step s of S sits at
 * e + s/S (running means over the epoch so far); an epoch's end sits at e + 1 with its held-out accuracy.
 */
export function curvePoint(p: TrainingProgress): CurvePoint | null {
  if (p.phase !== 'training' || p.stepsPerEpoch === 0 || p.step === 0) return null;
  return { x: p.epoch + p.step / p.stepsPerEpoch, loss: p.loss, accuracy: p.accuracy, heldOut: null };
}

export function epochPoint(e: TrainingEpoch): CurvePoint {
  return { x: e.epoch + 1, loss: e.loss, accuracy: e.accuracy, heldOut: e.heldOutAccuracy };
}

/** Adds a point; the x values never go back (uPlot draws them in order), so a late report is put in its place. */
export function withPoint(points: readonly CurvePoint[], point: CurvePoint): CurvePoint[] {
  const next = [...points, point];
  if (points.length > 0 && points[points.length - 1].x > point.x) next.sort((a, b) => a.x - b.x);
  return next;
}
