import type { InkPoint } from './coords.ts';
import { strokesTouchedBy } from './eraser.ts';
import type { InkSample, PointerKind, Stroke } from './ink.ts';

/**
 * The drawing's state and the named actions on it, each a pure function from state to next state. The
 * history keeps whole stroke lists: a digit has a handful of strokes, so snapshots are cheap and simple.
 */
export interface DrawingState {
  readonly strokes: readonly Stroke[];
  /** The stroke being drawn, not yet part of `strokes` or of the history. */
  readonly active: Stroke | null;
  /** While an eraser is down: the strokes before it touched anything, committed to history when it lifts. */
  readonly eraseStart: readonly Stroke[] | null;
  readonly past: readonly (readonly Stroke[])[];
  readonly future: readonly (readonly Stroke[])[];
  readonly nextId: number;
}

/** Undo steps kept; older ones are forgotten. */
export const HISTORY_LIMIT = 100;

/** How far from its centre line an eraser still takes a stroke (ink units; the field is 1000 wide). */
export const ERASER_RADIUS = 28;

export const emptyDrawing: DrawingState = { strokes: [], active: null, eraseStart: null, past: [], future: [], nextId: 1 };

function remember(state: DrawingState, before: readonly Stroke[]): Pick<DrawingState, 'past' | 'future'> {
  return { past: [...state.past, before].slice(-HISTORY_LIMIT), future: [] };
}

export function beginStroke(state: DrawingState, pointer: PointerKind, first: InkSample): DrawingState {
  return { ...state, active: { id: state.nextId, pointer, samples: [first] }, nextId: state.nextId + 1 };
}

export function extendStroke(state: DrawingState, samples: readonly InkSample[]): DrawingState {
  if (!state.active || samples.length === 0) return state;
  return { ...state, active: { ...state.active, samples: [...state.active.samples, ...samples] } };
}

export function endStroke(state: DrawingState): DrawingState {
  if (!state.active) return state;
  return { ...state, ...remember(state, state.strokes), strokes: [...state.strokes, state.active], active: null };
}

export function cancelStroke(state: DrawingState): DrawingState {
  return state.active ? { ...state, active: null } : state;
}

export function beginErase(state: DrawingState): DrawingState {
  return { ...endStroke(state), eraseStart: null };
}

/** Removes every stroke the eraser path touches. */
export function eraseAlong(state: DrawingState, path: readonly InkPoint[]): DrawingState {
  const touched = strokesTouchedBy(state.strokes, path, ERASER_RADIUS);
  if (touched.size === 0) return state;
  return {
    ...state,
    eraseStart: state.eraseStart ?? state.strokes,
    strokes: state.strokes.filter((s) => !touched.has(s.id)),
  };
}

export function endErase(state: DrawingState): DrawingState {
  if (!state.eraseStart) return state;
  return { ...state, ...remember(state, state.eraseStart), eraseStart: null };
}

export function clearDrawing(state: DrawingState): DrawingState {
  if (state.strokes.length === 0 && !state.active) return state;
  return { ...state, ...remember(state, state.strokes), strokes: [], active: null, eraseStart: null };
}

export function undo(state: DrawingState): DrawingState {
  const settled = endErase(endStroke(state));
  const previous = settled.past.at(-1);
  if (!previous) return settled;
  return { ...settled, strokes: previous, past: settled.past.slice(0, -1), future: [...settled.future, settled.strokes] };
}

export function redo(state: DrawingState): DrawingState {
  const next = state.future.at(-1);
  if (!next || state.active) return state;
  return { ...state, strokes: next, future: state.future.slice(0, -1), past: [...state.past, state.strokes].slice(-HISTORY_LIMIT) };
}

/** What the core should see: the finished strokes plus the one being drawn. */
export function visibleStrokes(state: DrawingState): readonly Stroke[] {
  return state.active ? [...state.strokes, state.active] : state.strokes;
}
