/**
 * The ink format of DESIGN.md: strokes of points `[x, y]` or `[x, y, t, p]` (t in milliseconds, p pressure
 * 0..1), in any unit, y growing downward.
 */
export type InkPoint = readonly [x: number, y: number] | readonly [x: number, y: number, t: number, p: number];
export type InkStroke = readonly InkPoint[];

export interface Ink {
  readonly strokes: readonly InkStroke[];
  readonly label?: number;
  readonly writer?: string;
}

/** A malformed ink: says what is wrong and where (`ink.strokes[2][5]`). */
export class InkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InkError';
  }
}

/**
 * Limits of a valid ink. A digit drawn by a person has 1 to 4 strokes and tens to a few hundred points
 * (the largest in the UNIPEN sets has about a thousand); the caps sit far above that and exist so that a
 * runaway input (a stuck pointer stream, a corrupted file, a hostile page) is refused with a clear
 * message instead of holding up the core: an ink of the maximum size (about 0.5 MB of JSON) is
 * preprocessed in about 10 ms.
 */
export const MAX_INK_POINTS = 10_000;
/**
 * Most points a sample *read from a file* may have: earlier versions stored inks of up to a million
 * points, and an imported file may hold dense ones. Such inks are read (the file budgets bound the
 * memory) and simplified to MAX_STORED_INK_POINTS before they are kept, never set aside for their size.
 */
export const MAX_FILE_INK_POINTS = 1_000_000;
export const MAX_INK_STROKES = 1_000;
/**
 * Most points a stored sample keeps. A digit drawn with a pen has tens to a few hundred points (a fast
 * tablet, a couple of thousand); an ink above this is sampled far more densely than the 28x28 image can
 * show, and is simplified on its way into the store so that no sample costs more than about 100 KB on
 * disk and in memory.
 */
export const MAX_STORED_INK_POINTS = 4_000;
/**
 * No device reports coordinates this large; beyond it the difference of two coordinates loses the
 * precision needed to draw a digit.
 */
export const MAX_INK_COORDINATE = 1e9;
