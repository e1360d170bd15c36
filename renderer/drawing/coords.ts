/**
 * Two coordinate spaces that must never be mixed up:
 * - ScreenPoint: where the pointer is, in CSS pixels of the viewport (PointerEvent.clientX/Y);
 * - InkPoint: where the pen is on the drawing field, in ink units of a fixed square of INK_FIELD_SIZE.
 * Ink is kept in its own fixed space so resizing or zooming the window never changes a stroke; the stage
 * only scales ink to whatever size the canvas is shown at.
 */
declare const screenSpace: unique symbol;
declare const inkSpace: unique symbol;

export type ScreenPoint = { readonly x: number; readonly y: number; readonly [screenSpace]: true };
export type InkPoint = { readonly x: number; readonly y: number; readonly [inkSpace]: true };

/** The drawing field is INK_FIELD_SIZE x INK_FIELD_SIZE ink units, whatever its size on screen. */
export const INK_FIELD_SIZE = 1000;

export interface ScreenRect {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export function screenPoint(x: number, y: number): ScreenPoint {
  return { x, y } as ScreenPoint;
}

export function inkPoint(x: number, y: number): InkPoint {
  return { x, y } as InkPoint;
}

/** Maps a pointer position to ink units, given where the drawing field sits on screen. */
export function screenToInk(point: ScreenPoint, field: ScreenRect): InkPoint {
  if (field.width <= 0 || field.height <= 0) throw new Error(`the drawing field has no size (${field.width}x${field.height})`);
  return inkPoint(((point.x - field.left) / field.width) * INK_FIELD_SIZE, ((point.y - field.top) / field.height) * INK_FIELD_SIZE);
}

/** The inverse of screenToInk: where an ink point appears on screen. */
export function inkToScreen(point: InkPoint, field: ScreenRect): ScreenPoint {
  return screenPoint(field.left + (point.x / INK_FIELD_SIZE) * field.width, field.top + (point.y / INK_FIELD_SIZE) * field.height);
}
