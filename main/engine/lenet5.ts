import type { NetworkSpec } from './spec.ts';

/** The modern LeNet-5 of LENET5.md: ReLU, max pooling, softmax output. Input 1@28x28 in [0, 1]. */
export const MODERN_LENET5: NetworkSpec = {
  arch: 'modern',
  input: { channels: 1, height: 28, width: 28 },
  head: 'softmax',
  layers: [
    { kind: 'conv', name: 'C1', filters: 6, kernel: 5, padding: 2, activation: 'relu' },
    { kind: 'maxpool', name: 'S2', size: 2, stride: 2 },
    { kind: 'conv', name: 'C3', filters: 16, kernel: 5, activation: 'relu' },
    { kind: 'maxpool', name: 'S4', size: 2, stride: 2 },
    { kind: 'conv', name: 'C5', filters: 120, kernel: 5, activation: 'relu' },
    { kind: 'dense', name: 'F6', units: 84, activation: 'relu' },
    { kind: 'dense', name: 'OUTPUT', units: 10 },
  ],
};

/** C3's connection table from LeCun et al. 1998, table I: which S2 maps each C3 map reads. */
export const C3_CONNECTIONS: readonly (readonly number[])[] = [
  ...[0, 1, 2, 3, 4, 5].map((k) => [k, (k + 1) % 6, (k + 2) % 6].sort((a, b) => a - b)),
  ...[0, 1, 2, 3, 4, 5].map((k) => [k, (k + 1) % 6, (k + 2) % 6, (k + 3) % 6].sort((a, b) => a - b)),
  [0, 1, 3, 4],
  [1, 2, 4, 5],
  [0, 2, 3, 5],
  [0, 1, 2, 3, 4, 5],
];

/**
 * Stylized 7x12 bitmaps of the ten digits, the RBF centres of the classic output layer
 * ('#' = black = +1, '.' = white = -1), in the spirit of the paper's figure 3.
 */
const DIGIT_BITMAPS: readonly string[][] = [
  ['.......', '..###..', '.#...#.', '#.....#', '#.....#', '#.....#', '#.....#', '#.....#', '#.....#', '.#...#.', '..###..', '.......'],
  ['.......', '...#...', '..##...', '.#.#...', '...#...', '...#...', '...#...', '...#...', '...#...', '...#...', '.#####.', '.......'],
  ['.......', '..###..', '.#...#.', '#.....#', '......#', '.....#.', '....#..', '...#...', '..#....', '.#.....', '#######', '.......'],
  ['.......', '.#####.', '#.....#', '......#', '......#', '..####.', '......#', '......#', '......#', '#.....#', '.#####.', '.......'],
  ['.......', '....##.', '...#.#.', '..#..#.', '.#...#.', '#....#.', '#######', '.....#.', '.....#.', '.....#.', '.....#.', '.......'],
  ['.......', '#######', '#......', '#......', '######.', '......#', '......#', '......#', '......#', '#.....#', '.#####.', '.......'],
  ['.......', '..####.', '.#.....', '#......', '#......', '######.', '#.....#', '#.....#', '#.....#', '#.....#', '.#####.', '.......'],
  ['.......', '#######', '......#', '.....#.', '....#..', '...#...', '...#...', '..#....', '..#....', '..#....', '..#....', '.......'],
  ['.......', '.#####.', '#.....#', '#.....#', '#.....#', '.#####.', '#.....#', '#.....#', '#.....#', '#.....#', '.#####.', '.......'],
  ['.......', '.#####.', '#.....#', '#.....#', '#.....#', '#.....#', '.######', '......#', '......#', '.....#.', '.####..', '.......'],
];

export const RBF_BITMAP_WIDTH = 7;
export const RBF_BITMAP_HEIGHT = 12;

/** RBF centres: 10 rows of 84 values (row-major 12 rows x 7 columns) in {-1, +1}. */
export const RBF_CENTRES: readonly (readonly number[])[] = DIGIT_BITMAPS.map((rows) =>
  rows.flatMap((row) => [...row].map((ch) => (ch === '#' ? 1 : -1))),
);

/** Classic input: the digit in a 32x32 field, white background -0.1, black ink 1.175. */
export const CLASSIC_BACKGROUND = -0.1;
export const CLASSIC_INK = 1.175;

/** LeNet-5 as LeCun, Bottou, Bengio and Haffner published it in 1998. Input 1@32x32. */
export const CLASSIC_LENET5: NetworkSpec = {
  arch: 'classic',
  input: { channels: 1, height: 32, width: 32 },
  head: 'rbf',
  layers: [
    { kind: 'conv', name: 'C1', filters: 6, kernel: 5 },
    { kind: 'subsample', name: 'S2', size: 2, activation: 'lecun-tanh' },
    { kind: 'conv', name: 'C3', filters: 16, kernel: 5, connections: C3_CONNECTIONS, activation: 'lecun-tanh' },
    { kind: 'subsample', name: 'S4', size: 2, activation: 'lecun-tanh' },
    { kind: 'conv', name: 'C5', filters: 120, kernel: 5, activation: 'lecun-tanh' },
    { kind: 'dense', name: 'F6', units: 84, activation: 'lecun-tanh' },
    { kind: 'rbf', name: 'OUTPUT', centres: RBF_CENTRES },
  ],
};

export const ARCHITECTURES = { modern: MODERN_LENET5, classic: CLASSIC_LENET5 } as const;
export type ArchName = keyof typeof ARCHITECTURES;
