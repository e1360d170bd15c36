import type { InkPoint } from './coords.ts';

/** One sampled pen position: where (ink units), when (ms since the ink began) and how hard (0..1). */
export interface InkSample {
  readonly at: InkPoint;
  readonly t: number;
  readonly pressure: number;
}

export type PointerKind = 'mouse' | 'pen' | 'touch';

export interface Stroke {
  readonly id: number;
  readonly pointer: PointerKind;
  readonly samples: readonly InkSample[];
}

/** The ink as the core receives it: strokes of [x, y, t, p] (DESIGN.md, "Ink format"). */
export type WirePoint = [x: number, y: number, t: number, p: number];
export interface WireInk {
  strokes: WirePoint[][];
}

const round2 = (v: number): number => Math.round(v * 100) / 100;

export function toWireInk(strokes: readonly Stroke[]): WireInk {
  return {
    strokes: strokes
      .filter((s) => s.samples.length > 0)
      .map((s) => s.samples.map((p): WirePoint => [round2(p.at.x), round2(p.at.y), Math.round(p.t), round2(p.pressure)])),
  };
}

export function pointerKind(pointerType: string): PointerKind {
  return pointerType === 'pen' || pointerType === 'touch' ? pointerType : 'mouse';
}

/**
 * Pressure as the stroke should use it. Mice report 0.5 while a button is down and some pens report 0 on
 * their first sample; both would otherwise draw a hairline.
 */
export function samplePressure(pointer: PointerKind, reported: number): number {
  if (pointer !== 'pen') return 0.5;
  if (!Number.isFinite(reported) || reported <= 0) return 0.5;
  return Math.min(1, reported);
}
