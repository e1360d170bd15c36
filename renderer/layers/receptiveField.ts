import type { ReceptiveField } from '../../main/api/contract.ts';

/** Inclusive pixel ranges in the network input (may reach past its edges where a layer pads). */
export interface PixelRect {
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
}

/**
 * The input pixels unit (row, col) of a layer sees, from the receptive-field arithmetic the core reports
 * for the layer (start + index * jump, size pixels long). Display geometry only.
 */
export function unitField(field: ReceptiveField, row: number, col: number): PixelRect {
  const top = field.start[0] + row * field.jump[0];
  const left = field.start[1] + col * field.jump[1];
  return { top, left, bottom: top + field.size[0] - 1, right: left + field.size[1] - 1 };
}

/** The part of a rectangle inside an image of height x width. */
export function clipRect(rect: PixelRect, height: number, width: number): PixelRect {
  return {
    top: Math.max(0, rect.top),
    left: Math.max(0, rect.left),
    bottom: Math.min(height - 1, rect.bottom),
    right: Math.min(width - 1, rect.right),
  };
}
