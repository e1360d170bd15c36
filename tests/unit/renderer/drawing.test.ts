import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inkPoint, inkToScreen, screenPoint, screenToInk, INK_FIELD_SIZE } from '../../../renderer/drawing/coords.ts';
import * as drawing from '../../../renderer/drawing/drawingActions.ts';
import { segmentDistance, strokesTouchedBy } from '../../../renderer/drawing/eraser.ts';
import { samplePressure, toWireInk, type InkSample, type Stroke } from '../../../renderer/drawing/ink.ts';

const sample = (x: number, y: number, t = 0, pressure = 0.5): InkSample => ({ at: inkPoint(x, y), t, pressure });

/** Draws a straight stroke from (x0, y0) to (x1, y1) through the named actions. */
function draw(state: drawing.DrawingState, x0: number, y0: number, x1: number, y1: number): drawing.DrawingState {
  let s = drawing.beginStroke(state, 'mouse', sample(x0, y0));
  s = drawing.extendStroke(s, [sample((x0 + x1) / 2, (y0 + y1) / 2, 8), sample(x1, y1, 16)]);
  return drawing.endStroke(s);
}

describe('coordinates', () => {
  it('maps the drawing field’s corners to the ink field’s corners', () => {
    const field = { left: 100, top: 50, width: 400, height: 400 };
    expect(screenToInk(screenPoint(100, 50), field)).toEqual({ x: 0, y: 0 });
    expect(screenToInk(screenPoint(500, 450), field)).toEqual({ x: INK_FIELD_SIZE, y: INK_FIELD_SIZE });
    expect(screenToInk(screenPoint(300, 150), field)).toEqual({ x: 500, y: 250 });
  });

  it('screenToInk and inkToScreen are inverse', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e4, max: 1e4, noNaN: true }), fc.double({ min: -1e4, max: 1e4, noNaN: true }), fc.double({ min: 1, max: 4000, noNaN: true }), (x, y, size) => {
        const field = { left: 13, top: -7, width: size, height: size };
        const back = inkToScreen(screenToInk(screenPoint(x, y), field), field);
        expect(back.x).toBeCloseTo(x, 6);
        expect(back.y).toBeCloseTo(y, 6);
      }),
    );
  });

  it('refuses a field with no size', () => {
    expect(() => screenToInk(screenPoint(1, 1), { left: 0, top: 0, width: 0, height: 10 })).toThrow(/no size/);
  });
});

describe('drawing actions', () => {
  it('undo and redo walk the history of strokes', () => {
    let s = draw(drawing.emptyDrawing, 0, 0, 100, 0);
    s = draw(s, 0, 100, 100, 100);
    expect(s.strokes).toHaveLength(2);
    s = drawing.undo(s);
    expect(s.strokes).toHaveLength(1);
    s = drawing.undo(s);
    expect(s.strokes).toHaveLength(0);
    s = drawing.undo(s); // nothing left: no change
    expect(s.strokes).toHaveLength(0);
    s = drawing.redo(drawing.redo(s));
    expect(s.strokes).toHaveLength(2);
  });

  it('a new stroke after an undo forgets the undone future', () => {
    let s = draw(drawing.emptyDrawing, 0, 0, 10, 10);
    s = drawing.undo(s);
    s = draw(s, 5, 5, 6, 6);
    expect(s.future).toHaveLength(0);
    expect(drawing.redo(s)).toBe(s);
  });

  it('clear is one undoable step', () => {
    let s = draw(draw(drawing.emptyDrawing, 0, 0, 10, 0), 0, 50, 10, 50);
    s = drawing.clearDrawing(s);
    expect(s.strokes).toHaveLength(0);
    expect(drawing.undo(s).strokes).toHaveLength(2);
    expect(drawing.clearDrawing(drawing.emptyDrawing)).toBe(drawing.emptyDrawing);
  });

  it('an eraser gesture removes the strokes it touches and undoes as one step', () => {
    let s = draw(draw(draw(drawing.emptyDrawing, 0, 0, 300, 0), 0, 500, 300, 500), 0, 900, 300, 900);
    s = drawing.beginErase(s);
    s = drawing.eraseAlong(s, [inkPoint(150, -100), inkPoint(150, 100)]); // across the first
    s = drawing.eraseAlong(s, [inkPoint(150, 480)]); // within reach of the second
    s = drawing.endErase(s);
    expect(s.strokes.map((st) => st.samples[0].at.y)).toEqual([900]);
    expect(drawing.undo(s).strokes).toHaveLength(3);
  });

  it('visibleStrokes includes the stroke being drawn', () => {
    const s = drawing.beginStroke(drawing.emptyDrawing, 'pen', sample(1, 2));
    expect(drawing.visibleStrokes(s)).toHaveLength(1);
    expect(s.strokes).toHaveLength(0);
  });
});

describe('eraser geometry', () => {
  it('measures segment distances by hand-worked cases', () => {
    const seg = (ax: number, ay: number, bx: number, by: number) => [inkPoint(ax, ay), inkPoint(bx, by)] as const;
    expect(segmentDistance(seg(0, 0, 10, 0), seg(5, -5, 5, 5))).toBe(0); // crossing
    expect(segmentDistance(seg(0, 0, 10, 0), seg(0, 3, 10, 3))).toBe(3); // parallel
    expect(segmentDistance(seg(0, 0, 10, 0), seg(13, 4, 20, 4))).toBe(5); // end to end: 3-4-5
  });

  it('a fast eraser that jumps over a stroke between samples still takes it', () => {
    const stroke: Stroke = { id: 1, pointer: 'mouse', samples: [sample(0, 500), sample(1000, 500)] };
    expect(strokesTouchedBy([stroke], [inkPoint(500, 0)], 28).size).toBe(0);
    expect(strokesTouchedBy([stroke], [inkPoint(500, 0), inkPoint(500, 1000)], 28)).toEqual(new Set([1]));
  });
});

describe('the ink sent to the core', () => {
  it('is strokes of [x, y, t, p], empty strokes left out', () => {
    const strokes: Stroke[] = [
      { id: 1, pointer: 'pen', samples: [sample(1.234, 5.678, 0, 0.25), sample(2, 3, 16.4, 0.75)] },
      { id: 2, pointer: 'mouse', samples: [] },
    ];
    expect(toWireInk(strokes)).toEqual({ strokes: [[[1.23, 5.68, 0, 0.25], [2, 3, 16, 0.75]]] });
  });

  it('uses a pen’s pressure, and a steady one for mice and unknown readings', () => {
    expect(samplePressure('pen', 0.8)).toBe(0.8);
    expect(samplePressure('pen', 0)).toBe(0.5);
    expect(samplePressure('pen', 1.5)).toBe(1);
    expect(samplePressure('mouse', 0.2)).toBe(0.5);
  });
});
