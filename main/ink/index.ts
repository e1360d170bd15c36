/** Ink (vector strokes) -> the image the network reads. Pure functions; no I/O. */
export { InkError, MAX_FILE_INK_POINTS, MAX_INK_COORDINATE, MAX_INK_POINTS, MAX_INK_STROKES, MAX_STORED_INK_POINTS, type Ink, type InkPoint, type InkStroke } from './types.ts';
export { inkSchema, parseInk } from './parse.ts';
export {
  CENTRE_OF_MASS_TARGET,
  DEFAULT_INK_OPTIONS,
  IMAGE_SIZE,
  MAX_PATH_LENGTH,
  MAX_PATH_DEVIATION,
  MIN_POINT_SPACING,
  preprocessInk,
  type InkBox,
  type InkOptions,
  type InkPreprocess,
} from './preprocess.ts';
export { CLASSIC_FIELD_SIZE, toModelInput } from './model-input.ts';
export { centreOfMass, type InkImage } from './raster.ts';
export { inkImageStats, type InkImageStats } from './stats.ts';
export { boundInk, countPoints, type BoundedInk } from './bound.ts';
