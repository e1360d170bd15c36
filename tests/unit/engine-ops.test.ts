import { describe, expect, it } from 'vitest';
import {
  activation, activationBackward, avgPool, avgPoolBackward, buildNetwork, connectionMask, conv2d, conv2dBackward,
  conv2dGeometry, dense, denseBackward, flatten, maxPool, maxPoolBackward, rbf, rbfBackward, ShapeError, softmax,
  softmaxCrossEntropy, subsample, subsampleBackward, tensor, useRowLayout, type Conv2dOptions, type NetworkSpec,
  type Tensor,
} from '../../main/engine/index.ts';

/**
 * Hand-worked examples: every expected number below was computed by hand (the working is in the
 * comments), never by a second implementation.
 */

function expectValues(actual: Tensor | Float32Array, expected: readonly number[], digits = 5): void {
  const data = actual instanceof Float32Array ? actual : actual.data;
  expect(data.length).toBe(expected.length);
  expected.forEach((v, i) => expect(data[i], `element ${i}`).toBeCloseTo(v, digits));
}

/** A grid whose value at (i, j) is f(i, j), row-major. */
function grid(h: number, w: number, f: (i: number, j: number) => number): number[] {
  const out: number[] = [];
  for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) out.push(f(i, j));
  return out;
}

/** Which of conv2d's two code paths these shapes take. */
function layoutOf(x: Tensor, w: Tensor, options?: Conv2dOptions): 'row' | 'column' {
  return useRowLayout(conv2dGeometry(x.shape, w.shape, options)) ? 'row' : 'column';
}

function shapeErrorOf(fn: () => unknown): ShapeError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ShapeError);
    return err as ShapeError;
  }
  throw new Error('expected a ShapeError, nothing was thrown');
}

describe('conv2d, hand-worked', () => {
  // kernel [[1, 2], [3, 4]]: y[i][j] = x[i][j] + 2 x[i][j+1] + 3 x[i+1][j] + 4 x[i+1][j+1]
  const k1234 = tensor([1, 1, 2, 2], [1, 2, 3, 4]);

  it('no padding, 4x4 input (column layout)', () => {
    // x[i][j] = 4i + j + 1 (1..16). y = (4i+j+1) + 2(4i+j+2) + 3(4i+j+5) + 4(4i+j+6) = 40i + 10j + 44, plus bias 1.
    const x = tensor([1, 1, 4, 4], grid(4, 4, (i, j) => 4 * i + j + 1));
    expect(layoutOf(x, k1234)).toBe('column');
    const y = conv2d(x, k1234, tensor([1], [1]));
    expect(y.shape).toEqual([1, 1, 3, 3]);
    expect([...y.data]).toEqual([45, 55, 65, 85, 95, 105, 125, 135, 145]);
  });

  it('no padding, 3x3 input (row layout)', () => {
    // x[i][j] = 3i + j + 1 (1..9). y = (3i+j+1) + 2(3i+j+2) + 3(3i+j+4) + 4(3i+j+5) = 30i + 10j + 37.
    const x = tensor([1, 1, 3, 3], grid(3, 3, (i, j) => 3 * i + j + 1));
    expect(layoutOf(x, k1234)).toBe('row');
    const y = conv2d(x, k1234, null);
    expect(y.shape).toEqual([1, 1, 2, 2]);
    expect([...y.data]).toEqual([37, 47, 67, 77]);
  });

  it('padding 1 with a 3x3 box kernel sums each zero-padded neighbourhood', () => {
    // x = 1..9; y[i][j] = sum of x over the 3x3 block centred at (i, j), outside = 0:
    // corners 1+2+4+5=12, 2+3+5+6=16, 4+5+7+8=24, 5+6+8+9=28; edges 1+..+6=21, 1+2+4+5+7+8=27,
    // 2+3+5+6+8+9=33, 4+..+9=39; centre 45.
    const x = tensor([1, 1, 3, 3], grid(3, 3, (i, j) => 3 * i + j + 1));
    const box = tensor([1, 1, 3, 3], new Array(9).fill(1));
    const options: Conv2dOptions = { padding: [1, 1] };
    expect(layoutOf(x, box, options)).toBe('column');
    const y = conv2d(x, box, null, options);
    expect(y.shape).toEqual([1, 1, 3, 3]);
    expect([...y.data]).toEqual([12, 21, 16, 27, 45, 33, 24, 39, 28]);
  });

  it('stride 2 without padding (row layout)', () => {
    // x[i][j] = 5i + j (0..24), output floor((5-3)/2)+1 = 2 per side. The kernel has 1 at its top-left and
    // bottom-right corners: y[i][j] = x[2i][2j] + x[2i+2][2j+2] -> 0+12, 2+14, 10+22, 12+24.
    const x = tensor([1, 1, 5, 5], grid(5, 5, (i, j) => 5 * i + j));
    const w = tensor([1, 1, 3, 3], [1, 0, 0, 0, 0, 0, 0, 0, 1]);
    const options: Conv2dOptions = { stride: [2, 2] };
    expect(layoutOf(x, w, options)).toBe('row');
    const y = conv2d(x, w, null, options);
    expect(y.shape).toEqual([1, 1, 2, 2]);
    expect([...y.data]).toEqual([12, 16, 32, 36]);
  });

  it('stride 2 with padding 1 (column layout)', () => {
    // x[i][j] = 5i + j, output floor((5+2-3)/2)+1 = 3 per side; a box kernel sums the 3x3 block centred
    // at (2i, 2j), clipped to the image:
    // (0,0): 0+1+5+6=12  (0,2): 1+2+3+6+7+8=27   (0,4): 3+4+8+9=24
    // (2,0): 5+6+10+11+15+16=63  (2,2): 9*12=108  (2,4): 8+9+13+14+18+19=81
    // (4,0): 15+16+20+21=72  (4,2): 16+17+18+21+22+23=117  (4,4): 18+19+23+24=84
    const x = tensor([1, 1, 5, 5], grid(5, 5, (i, j) => 5 * i + j));
    const box = tensor([1, 1, 3, 3], new Array(9).fill(1));
    const options: Conv2dOptions = { stride: [2, 2], padding: [1, 1] };
    expect(layoutOf(x, box, options)).toBe('column');
    const y = conv2d(x, box, null, options);
    expect([...y.data]).toEqual([12, 27, 24, 63, 108, 81, 72, 117, 84]);
  });

  it('a rectangular 1x3 kernel', () => {
    // x[i][j] = 4i + j + 1 on 3x4; kernel [1, 2, 3]: y = x[i][j] + 2x[i][j+1] + 3x[i][j+2]
    // = 6(4i+j+1) + 2 + 6 = 24i + 6j + 14 on a 3x2 output.
    const x = tensor([1, 1, 3, 4], grid(3, 4, (i, j) => 4 * i + j + 1));
    const w = tensor([1, 1, 1, 3], [1, 2, 3]);
    const y = conv2d(x, w, null);
    expect(y.shape).toEqual([1, 1, 3, 2]);
    expect([...y.data]).toEqual([14, 20, 38, 44, 62, 68]);
  });

  it('a rectangular 3x1 kernel with rectangular stride [1, 2] and padding [0, 1]', () => {
    // x[i][j] = 4i + j + 1 on 3x4; kernel [1; 0; -1] (top minus bottom) gives x[0][j'] - x[2][j'] = -8
    // wherever the column j' = 2j - 1 is inside the image, 0 in the padded column.
    // Output: height (3-3)/1+1 = 1, width floor((4+2-1)/2)+1 = 3; columns read: -1 (pad), 1, 3.
    const x = tensor([1, 1, 3, 4], grid(3, 4, (i, j) => 4 * i + j + 1));
    const w = tensor([1, 1, 3, 1], [1, 0, -1]);
    const y = conv2d(x, w, tensor([1], [0.5]), { stride: [1, 2], padding: [0, 1] });
    expect(y.shape).toEqual([1, 1, 1, 3]);
    expect([...y.data]).toEqual([0.5, -7.5, -7.5]);
  });

  it('two input channels, two filters, a batch of two (row layout)', () => {
    // channel 0: x0[i][j] = 3i + j + 1; channel 1: the 3x3 identity I.
    // filter 0: x0[i][j] + 10 I[i+1][j+1], bias 0 -> 1+10, 2+0, 4+0, 5+10 = 11, 2, 4, 15
    // filter 1: window sum of x0 minus window sum of I, bias 100:
    //   x0 sums 12, 16, 24, 28; I sums 2, 1, 1, 2 -> 110, 115, 123, 126
    // the second image is twice the first: filter outputs become 2 (y - b) + b.
    const x0 = grid(3, 3, (i, j) => 3 * i + j + 1);
    const id = grid(3, 3, (i, j) => (i === j ? 1 : 0));
    const image = [...x0, ...id];
    const x = tensor([2, 2, 3, 3], [...image, ...image.map((v) => 2 * v)]);
    const w = tensor([2, 2, 2, 2], [1, 0, 0, 0, 0, 0, 0, 10, 1, 1, 1, 1, -1, -1, -1, -1]);
    const b = tensor([2], [0, 100]);
    expect(layoutOf(x, w)).toBe('row');
    const y = conv2d(x, w, b);
    expect(y.shape).toEqual([2, 2, 2, 2]);
    expect([...y.data]).toEqual([11, 2, 4, 15, 110, 115, 123, 126, 22, 4, 8, 30, 120, 130, 146, 152]);
  });

  it('two input channels, two filters, a batch of two (column layout)', () => {
    // The same kernels on a 4x4 image: x0[i][j] = 4i + j + 1, channel 1 = the 4x4 identity.
    // filter 0: x0[i][j] + 10 I[i+1][j+1] = 4i+j+1 + (i==j ? 10 : 0):
    //   row 0: 11, 2, 3; row 1: 5, 16, 7; row 2: 9, 10, 21
    // filter 1: window sums of x0 = 4(4i+j+1) + 10 = 16i + 4j + 14 -> 14, 18, 22 / 30, 34, 38 / 46, 50, 54;
    //   identity window sums: 2 on the diagonal, 1 next to it, 0 at (0,2) and (2,0);
    //   -> 14-2, 18-1, 22-0 / 30-1, 34-2, 38-1 / 46-0, 50-1, 54-2, plus 100.
    const x0 = grid(4, 4, (i, j) => 4 * i + j + 1);
    const id = grid(4, 4, (i, j) => (i === j ? 1 : 0));
    const image = [...x0, ...id];
    const x = tensor([2, 2, 4, 4], [...image, ...image.map((v) => 2 * v)]);
    const w = tensor([2, 2, 2, 2], [1, 0, 0, 0, 0, 0, 0, 10, 1, 1, 1, 1, -1, -1, -1, -1]);
    const b = tensor([2], [0, 100]);
    expect(layoutOf(x, w)).toBe('column');
    const y = conv2d(x, w, b);
    const f0 = [11, 2, 3, 5, 16, 7, 9, 10, 21];
    const f1 = [112, 117, 122, 129, 132, 137, 146, 149, 152];
    expect([...y.data]).toEqual([...f0, ...f1, ...f0.map((v) => 2 * v), ...f1.map((v) => 2 * (v - 100) + 100)]);
  });

  it('1x1 convolution mixes channels pixel by pixel', () => {
    // c0 = [[1,2,3],[4,5,6]], c1 = [[0,1,0],[1,0,1]], c2 = 2 everywhere.
    // filter 0 = [1, 10, 100]: c0 + 10 c1 + 200 -> 201, 212, 203, 214, 205, 216
    // filter 1 = [0, -1, 0.5], bias 3: -c1 + 1 + 3 -> 4, 3, 4, 3, 4, 3
    const x = tensor([1, 3, 2, 3], [1, 2, 3, 4, 5, 6, 0, 1, 0, 1, 0, 1, 2, 2, 2, 2, 2, 2]);
    const w = tensor([2, 3, 1, 1], [1, 10, 100, 0, -1, 0.5]);
    const y = conv2d(x, w, tensor([2], [0, 3]));
    expect(y.shape).toEqual([1, 2, 2, 3]);
    expect([...y.data]).toEqual([201, 212, 203, 214, 205, 216, 4, 3, 4, 3, 4, 3]);
  });

  it('1x1 convolution on a 2x2 image (row layout)', () => {
    // the first two columns of the example above, flipped to 2x2: c0 = [[1,2],[4,5]], c1 = [[0,1],[1,0]], c2 = 2
    const x = tensor([1, 3, 2, 2], [1, 2, 4, 5, 0, 1, 1, 0, 2, 2, 2, 2]);
    const w = tensor([2, 3, 1, 1], [1, 10, 100, 0, -1, 0.5]);
    expect(layoutOf(x, w)).toBe('row');
    expect([...conv2d(x, w, tensor([2], [0, 3])).data]).toEqual([201, 212, 214, 205, 4, 3, 3, 4]);
  });

  it('backward of the 2x2-kernel example: dx, dw and db by hand', () => {
    // x = [[1,2,3],[4,5,6],[7,8,9]], kernel [[1,2],[3,4]], dy = [[1,0],[0,-1]].
    // db = sum(dy) = 0.
    // dw[a][b] = sum_ij dy[i][j] x[i+a][j+b] = x[a][b] - x[a+1][b+1] = -4 for every a, b.
    // dx = dy (full-correlated) with the kernel: dx[p][q] = sum_ij dy[i][j] w[p-i][q-j]
    //   = w[p][q] (from dy[0][0] = 1) - w[p-1][q-1] (from dy[1][1] = -1):
    //   [[1, 2, 0], [3, 4-1, -2], [0, -3, -4]]
    const x = tensor([1, 1, 3, 3], grid(3, 3, (i, j) => 3 * i + j + 1));
    const dy = tensor([1, 1, 2, 2], [1, 0, 0, -1]);
    const { dx, dw, db } = conv2dBackward(x, k1234, dy);
    expect([...db.data]).toEqual([0]);
    expect([...dw.data]).toEqual([-4, -4, -4, -4]);
    expect([...dx.data]).toEqual([1, 2, 0, 3, 3, -2, 0, -3, -4]);
  });

  it('backward of the 4x4 example (column layout) with a single output gradient', () => {
    // dy is 1 at output (1, 1) only. db = 1; dw[a][b] = x[1+a][1+b] = [[6, 7], [10, 11]];
    // dx is the kernel placed at rows/cols 1..2.
    const x = tensor([1, 1, 4, 4], grid(4, 4, (i, j) => 4 * i + j + 1));
    const dy = tensor([1, 1, 3, 3], [0, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(layoutOf(x, k1234)).toBe('column');
    const { dx, dw, db } = conv2dBackward(x, k1234, dy);
    expect([...db.data]).toEqual([1]);
    expect([...dw.data]).toEqual([6, 7, 10, 11]);
    expect([...dx.data]).toEqual([0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0]);
  });

  it('backward with padding routes nothing into the padded border', () => {
    // 2x2 input, 3x3 box kernel, padding 1 -> 2x2 output where every output reads every input.
    // dy = [[1, 2], [3, 4]]: each input pixel receives sum(dy) = 10; db = 10;
    // dw[a][b] = sum_ij dy[i][j] xpad[i+a][j+b] with x = [[1,2],[3,4]] padded:
    //   centre (a=b=1): 1*1 + 2*2 + 3*3 + 4*4 = 30; corner (0,0): only dy[1][1]*x[0][0] = 4;
    //   (0,1): dy[1][0]x[0][0] + dy[1][1]x[0][1] = 3 + 8 = 11; (0,2): dy[1][0]x[0][1] = 6;
    //   (1,0): dy[0][1]x[0][0] + dy[1][1]x[1][0] = 2 + 12 = 14; (1,2): dy[0][0]x[0][1] + dy[1][0]x[1][1] = 2 + 12 = 14;
    //   (2,0): dy[0][1]x[1][0] = 6; (2,1): dy[0][0]x[1][0] + dy[0][1]x[1][1] = 3 + 8 = 11; (2,2): dy[0][0]x[1][1] = 4.
    const x = tensor([1, 1, 2, 2], [1, 2, 3, 4]);
    const box = tensor([1, 1, 3, 3], new Array(9).fill(1));
    const dy = tensor([1, 1, 2, 2], [1, 2, 3, 4]);
    const { dx, dw, db } = conv2dBackward(x, box, dy, { padding: [1, 1] });
    expect([...dx.data]).toEqual([10, 10, 10, 10]);
    expect([...db.data]).toEqual([10]);
    expect([...dw.data]).toEqual([4, 11, 6, 14, 30, 14, 6, 11, 4]);
  });
});

describe('conv2d connection tables', () => {
  it('connectionMask marks exactly the listed kernels', () => {
    // 2 filters over 3 channels, 1x2 kernels: filter 0 reads {0, 2}, filter 1 reads {1}.
    const mask = connectionMask([[0, 2], [1]], 3, 1, 2);
    expect([...mask]).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0]);
  });

  it('a masked kernel contributes nothing, however large its weights', () => {
    // channels: c0 = [1, 2], c1 = [3, 4], c2 = [5, 6] (1x2 images); 1x1 kernels.
    // filter 0 = [1, 1000, 10] reads {0, 2}: c0 + 10 c2 = 51, 62
    // filter 1 = [1000, 1, 1000] reads {1}: c1 = 3, 4
    const x = tensor([1, 3, 1, 2], [1, 2, 3, 4, 5, 6]);
    const raw = [1, 1000, 10, 1000, 1, 1000];
    const mask = connectionMask([[0, 2], [1]], 3, 1, 1);
    const w = tensor([2, 3, 1, 1], raw.map((v, i) => v * mask[i]));
    expect([...conv2d(x, w, null).data]).toEqual([51, 62, 3, 4]);
  });

  it('a network layer with a connection table zeroes the unconnected kernels and ignores those channels', () => {
    const spec: NetworkSpec = {
      arch: 'test',
      input: { channels: 3, height: 1, width: 2 },
      head: 'softmax',
      layers: [
        { kind: 'conv', name: 'C', filters: 2, kernel: 1, connections: [[0, 2], [1]] },
        { kind: 'flatten', name: 'F' },
      ],
    };
    const net = buildNetwork(spec, { seed: 1 });
    net.setWeights(new Map([
      ['C.weight', tensor([2, 3, 1, 1], [1, 1000, 10, 1000, 1, 1000])],
      ['C.bias', tensor([2], [0, 0.5])],
    ]));
    expect([...net.getWeights().get('C.weight')!.data]).toEqual([1, 0, 10, 0, 1, 0]);
    // same numbers as above, filter 1 plus its bias 0.5
    const out = net.forward(Float32Array.from([1, 2, 3, 4, 5, 6]), 1);
    expect([...out.activations[0].data]).toEqual([51, 62, 3.5, 4.5]);
  });
});

describe('pooling, hand-worked', () => {
  // 4x4 input with a negative block so that max pooling must not start from 0:
  //  1  3 | -2 -4
  //  4  2 | -1 -5
  //  -----+------
  //  0  1 |  7  2
  //  3  6 |  1  1
  const x = tensor([1, 1, 4, 4], [1, 3, -2, -4, 4, 2, -1, -5, 0, 1, 7, 2, 3, 6, 1, 1]);

  it('max pooling 2x2 stride 2 takes each block maximum and records where it was', () => {
    const { y, argmax } = maxPool(x, [2, 2], [2, 2]);
    expect(y.shape).toEqual([1, 1, 2, 2]);
    expect([...y.data]).toEqual([4, -1, 6, 7]);
    // flat input indices of 4 (row 1, col 0), -1 (row 1, col 2), 6 (row 3, col 1), 7 (row 2, col 2)
    expect([...argmax]).toEqual([4, 6, 13, 10]);
  });

  it('max pooling backward sends each gradient to its argmax only', () => {
    const { argmax } = maxPool(x, [2, 2], [2, 2]);
    const dx = maxPoolBackward(x.shape, tensor([1, 1, 2, 2], [10, 20, 30, 40]), argmax, [2, 2], [2, 2]);
    const expected = new Array(16).fill(0);
    expected[4] = 10;
    expected[6] = 20;
    expected[13] = 30;
    expected[10] = 40;
    expect([...dx.data]).toEqual(expected);
  });

  it('overlapping max pooling (2x2, stride 1) adds the gradients of every window an input wins', () => {
    // x = [[1,9,2],[3,4,8],[5,6,7]]: windows -> max(1,9,3,4)=9, max(9,2,4,8)=9, max(3,4,5,6)=6, max(4,8,6,7)=8
    const xo = tensor([1, 1, 3, 3], [1, 9, 2, 3, 4, 8, 5, 6, 7]);
    const { y, argmax } = maxPool(xo, [2, 2], [1, 1]);
    expect([...y.data]).toEqual([9, 9, 6, 8]);
    // dy = [1, 2, 3, 4]: the 9 (index 1) wins two windows -> 1 + 2; the 6 (index 7) gets 3; the 8 (index 5) gets 4
    const dx = maxPoolBackward(xo.shape, tensor([1, 1, 2, 2], [1, 2, 3, 4]), argmax, [2, 2], [1, 1]);
    expect([...dx.data]).toEqual([0, 3, 0, 0, 0, 4, 0, 3, 0]);
  });

  it('max pooling keeps channels and batch entries apart', () => {
    // two images of two channels, 2x2 each, one 2x2 window: the result is each map's maximum
    const xb = tensor([2, 2, 2, 2], [1, 2, 3, 4, -1, -2, -3, -4, 5, 0, 0, 0, 0, 0, 0, -7]);
    const { y, argmax } = maxPool(xb, [2, 2]);
    expect([...y.data]).toEqual([4, -1, 5, 0]);
    expect([...argmax]).toEqual([3, 4, 8, 12]);
  });

  it('average pooling 2x2 stride 2 averages each block', () => {
    // blocks: (1+3+4+2)/4 = 2.5, (-2-4-1-5)/4 = -3, (0+1+3+6)/4 = 2.5, (7+2+1+1)/4 = 2.75
    const y = avgPool(x, [2, 2], [2, 2]);
    expect([...y.data]).toEqual([2.5, -3, 2.5, 2.75]);
  });

  it('average pooling backward spreads dy / 4 over each block', () => {
    const dx = avgPoolBackward(x.shape, tensor([1, 1, 2, 2], [4, 8, 12, 16]), [2, 2], [2, 2]);
    expect([...dx.data]).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  });

  it('average pooling with a 3x1 window and stride [1, 2]', () => {
    // x 3x4 = 4i + j + 1: column means over all three rows: (1+5+9)/3 = 5, (3+7+11)/3 = 7 for columns 0, 2
    const xr = tensor([1, 1, 3, 4], grid(3, 4, (i, j) => 4 * i + j + 1));
    const y = avgPool(xr, [3, 1], [1, 2]);
    expect(y.shape).toEqual([1, 1, 1, 2]);
    expectValues(y, [5, 7]);
  });
});

describe('subsampling (LeNet 1998), hand-worked', () => {
  // channel 0 = [[1,2,3,4],[5,6,7,8]]: 2x2 sums 1+2+5+6 = 14, 3+4+7+8 = 22; coef 0.5, bias -1 -> 6, 10
  // channel 1 = [[1,1,1,1],[2,2,2,2]]: sums 6, 6; coef 2, bias 0.25 -> 12.25, 12.25
  const x = tensor([1, 2, 2, 4], [1, 2, 3, 4, 5, 6, 7, 8, 1, 1, 1, 1, 2, 2, 2, 2]);
  const coef = tensor([2], [0.5, 2]);
  const bias = tensor([2], [-1, 0.25]);

  it('forward: window sum times coefficient plus bias, per map', () => {
    const y = subsample(x, coef, bias, [2, 2]);
    expect(y.shape).toEqual([1, 2, 1, 2]);
    expect([...y.data]).toEqual([6, 10, 12.25, 12.25]);
  });

  it('backward: dcoef = sum dy * window sum, dbias = sum dy, dx = coef * dy over the window', () => {
    // dy: channel 0 = [1, 2], channel 1 = [3, -1]
    // dcoef0 = 1*14 + 2*22 = 58, dbias0 = 3; dcoef1 = 3*6 - 1*6 = 12, dbias1 = 2
    // dx: channel 0 windows get 0.5*1 = 0.5 and 0.5*2 = 1; channel 1 windows get 2*3 = 6 and 2*-1 = -2
    const dy = tensor([1, 2, 1, 2], [1, 2, 3, -1]);
    const { dx, dcoef, dbias } = subsampleBackward(x, coef, dy, [2, 2]);
    expect([...dcoef.data]).toEqual([58, 12]);
    expect([...dbias.data]).toEqual([3, 2]);
    expect([...dx.data]).toEqual([0.5, 0.5, 1, 1, 0.5, 0.5, 1, 1, 6, 6, -2, -2, 6, 6, -2, -2]);
  });
});

describe('activations, hand-worked', () => {
  const x = tensor([5], [-2, 0, 1, Math.log(3), 1.5]);

  it('identity and relu', () => {
    expectValues(activation('identity', x), [-2, 0, 1, Math.log(3), 1.5]);
    expectValues(activation('relu', x), [0, 0, 1, Math.log(3), 1.5]);
  });

  it('sigmoid: s(0) = 1/2, s(ln 3) = 1/(1 + 1/3) = 3/4', () => {
    const y = activation('sigmoid', x);
    expect(y.data[1]).toBeCloseTo(0.5, 6);
    expect(y.data[3]).toBeCloseTo(0.75, 6);
  });

  it('tanh: tanh(ln 2) = (2 - 1/2) / (2 + 1/2) = 0.6', () => {
    const y = activation('tanh', tensor([2], [0, Math.log(2)]));
    expectValues(y, [0, 0.6], 6);
  });

  it('lecun-tanh is 1.7159 tanh(2x/3): f(1) ~ 1, f(-1) ~ -1, f(0) = 0, f(1.5) = 1.7159 tanh(1)', () => {
    const y = activation('lecun-tanh', tensor([4], [1, -1, 0, 1.5]));
    // 1.7159 * tanh(2/3) = 1.7159 * 0.582784 = 0.99999
    expect(y.data[0]).toBeCloseTo(1, 4);
    expect(y.data[1]).toBeCloseTo(-1, 4);
    expect(y.data[2]).toBe(0);
    // tanh(1) = 0.7615942 -> 1.3068 (1.7159 * 0.7615942 = 1.306820)
    expect(y.data[3]).toBeCloseTo(1.30682, 4);
  });

  it('backward: relu passes dy where the output is positive', () => {
    const y = activation('relu', x);
    expectValues(activationBackward('relu', y, tensor([5], [10, 10, 10, 10, 10])), [0, 0, 10, 10, 10]);
  });

  it("backward: sigmoid' = y (1 - y), tanh' = 1 - y^2, lecun' = A S (1 - tanh^2(S x))", () => {
    // sigmoid at ln 3: 0.75 * 0.25 = 0.1875; tanh at ln 2: 1 - 0.36 = 0.64
    const ys = activation('sigmoid', tensor([1], [Math.log(3)]));
    expect(activationBackward('sigmoid', ys, tensor([1], [2])).data[0]).toBeCloseTo(2 * 0.1875, 6);
    const yt = activation('tanh', tensor([1], [Math.log(2)]));
    expect(activationBackward('tanh', yt, tensor([1], [-1])).data[0]).toBeCloseTo(-0.64, 6);
    // lecun at 0: A S = 1.7159 * 2/3 = 1.143933; at 1.5: A S (1 - tanh(1)^2) = 1.143933 * 0.419974 = 0.480422
    const yl = activation('lecun-tanh', tensor([2], [0, 1.5]));
    expectValues(activationBackward('lecun-tanh', yl, tensor([2], [1, 1])), [1.143933, 0.480422], 5);
  });

  it('backward: identity passes dy through', () => {
    expectValues(activationBackward('identity', x, tensor([5], [1, 2, 3, 4, 5])), [1, 2, 3, 4, 5]);
  });
});

describe('dense and flatten, hand-worked', () => {
  // x = [[1,2,3],[0,-1,1]], W = [[1,0,-1],[2,1,0]], b = [0.5,-1]
  // y row 0 = [1 - 3 + 0.5, 2 + 2 - 1] = [-1.5, 3]; row 1 = [0 - 1 + 0.5, 0 - 1 - 1] = [-0.5, -2]
  const x = tensor([2, 3], [1, 2, 3, 0, -1, 1]);
  const w = tensor([2, 3], [1, 0, -1, 2, 1, 0]);
  const b = tensor([2], [0.5, -1]);

  it('forward', () => {
    const y = dense(x, w, b);
    expect(y.shape).toEqual([2, 2]);
    expect([...y.data]).toEqual([-1.5, 3, -0.5, -2]);
  });

  it('backward', () => {
    // dy = [[1,0],[0,2]]: dx = dy W = [[1,0,-1],[4,2,0]]; dW = dy^T x = [[1,2,3],[0,-2,2]]; db = [1, 2]
    const { dx, dw, db } = denseBackward(x, w, tensor([2, 2], [1, 0, 0, 2]));
    expect([...dx.data]).toEqual([1, 0, -1, 4, 2, 0]);
    expect([...dw.data]).toEqual([1, 2, 3, 0, -2, 2]);
    expect([...db.data]).toEqual([1, 2]);
  });

  it('reads a C x H x W input flattened in C, H, W order', () => {
    // x[0] = [[[1, 2]], [[3, 4]]] (2 channels of 1x2) flattens to [1, 2, 3, 4]; W = [1, 10, 100, 1000] -> 4321
    const x4 = tensor([1, 2, 1, 2], [1, 2, 3, 4]);
    expect([...dense(x4, tensor([1, 4], [1, 10, 100, 1000]), tensor([1], [0])).data]).toEqual([4321]);
    const f = flatten(x4);
    expect(f.shape).toEqual([1, 4]);
    expect([...f.data]).toEqual([1, 2, 3, 4]);
  });
});

describe('RBF output layer, hand-worked', () => {
  // x = [1, 0, -1]; centres [1,1,1] and [0,0,0]: y0 = 0 + 1 + 4 = 5, y1 = 1 + 0 + 1 = 2
  const x = tensor([1, 3], [1, 0, -1]);
  const centres = tensor([2, 3], [1, 1, 1, 0, 0, 0]);

  it('forward: squared Euclidean distance to each centre', () => {
    expect([...rbf(x, centres).data]).toEqual([5, 2]);
  });

  it('backward: dx_j = 2 sum_i dy_i (x_j - c_ij)', () => {
    // dy = [1, 0.5]: dx = 2 [0 + 0.5*1, -1 + 0, -2 + 0.5*(-1)] = [1, -2, -5]
    expect([...rbfBackward(x, centres, tensor([1, 2], [1, 0.5])).data]).toEqual([1, -2, -5]);
  });
});

describe('softmax and cross-entropy, hand-worked', () => {
  it('softmax of [0, ln 3] is [1/4, 3/4]; of equal scores is uniform; sign -1 negates the scores', () => {
    expectValues(softmax(tensor([2, 2], [0, Math.log(3), 5, 5])), [0.25, 0.75, 0.5, 0.5], 6);
    expectValues(softmax(tensor([1, 2], [0, Math.log(3)]), -1), [0.75, 0.25], 6);
  });

  it('softmax does not overflow on large scores', () => {
    // [1000, 1000 + ln 3] is [0, ln 3] shifted by 1000
    expectValues(softmax(tensor([1, 2], [1000, 1000 + Math.log(3)])), [0.25, 0.75], 4);
  });

  it('mean cross-entropy and its gradient (p - onehot) / N', () => {
    // row 0: [0, ln 3] -> p = [0.25, 0.75], label 0 -> loss ln 4 = 1.386294
    // row 1: [ln 4, 0] -> p = [0.8, 0.2], label 0 -> loss -ln 0.8 = 0.223144
    // mean (1.386294 + 0.223144) / 2 = 0.804719
    // dScores = [[0.25 - 1, 0.75], [0.8 - 1, 0.2]] / 2 = [[-0.375, 0.375], [-0.1, 0.1]]
    const r = softmaxCrossEntropy(tensor([2, 2], [0, Math.log(3), Math.log(4), 0]), [0, 0]);
    expect(r.loss).toBeCloseTo(0.804719, 5);
    expectValues(r.dScores, [-0.375, 0.375, -0.1, 0.1], 6);
    expectValues(r.probabilities, [0.25, 0.75, 0.8, 0.2], 6);
  });

  it('with sign -1 (RBF distances): p = softmax(-d) and the gradient flips sign', () => {
    // distances [0, ln 3] -> p = [0.75, 0.25]; label 0 -> loss -ln 0.75 = 0.287682
    // d loss / d distances = -(p - onehot) = -[-0.25, 0.25] = [0.25, -0.25]
    const r = softmaxCrossEntropy(tensor([1, 2], [0, Math.log(3)]), [0], -1);
    expect(r.loss).toBeCloseTo(0.287682, 5);
    expectValues(r.dScores, [0.25, -0.25], 6);
  });

  it('rejects a label outside the classes', () => {
    const err = shapeErrorOf(() => softmaxCrossEntropy(tensor([1, 3], [0, 0, 0]), [3]));
    expect(err.message).toContain('softmax cross-entropy');
    expect(err.message).toContain('label 3');
  });
});

describe('shape errors name the op and the shapes', () => {
  it('conv2d: channel mismatch between input and weight', () => {
    const err = shapeErrorOf(() => conv2d(tensor([1, 2, 5, 5]), tensor([3, 1, 3, 3]), null));
    expect(err.message).toContain('conv2d');
    expect(err.message).toContain('[3, 1, 3, 3]');
    expect(err.message).toContain('[?, 2, ?, ?]');
  });

  it('conv2d: a kernel larger than the padded input', () => {
    const err = shapeErrorOf(() => conv2d(tensor([1, 1, 2, 2]), tensor([1, 1, 3, 3]), null));
    expect(err.message).toContain('conv2d');
    expect(err.message).toContain('[1, 1, 3, 3]');
    expect(err.message).toContain('[1, 1, 2, 2]');
  });

  it('conv2d: input that is not 4-D, wrong bias, wrong dy', () => {
    const e1 = shapeErrorOf(() => conv2d(tensor([2, 5, 5]), tensor([1, 2, 3, 3]), null));
    expect(e1.message).toContain('conv2d');
    expect(e1.message).toContain('[2, 5, 5]');
    const e2 = shapeErrorOf(() => conv2d(tensor([1, 1, 5, 5]), tensor([4, 1, 3, 3]), tensor([3])));
    expect(e2.message).toContain('conv2d');
    expect(e2.message).toContain('[3]');
    const e3 = shapeErrorOf(() => conv2dBackward(tensor([1, 1, 5, 5]), tensor([4, 1, 3, 3]), tensor([1, 4, 2, 2])));
    expect(e3.message).toContain('conv2d backward');
    expect(e3.message).toContain('[1, 4, 2, 2]');
    expect(e3.message).toContain('[1, 4, 3, 3]');
  });

  it('pooling: a window larger than the input', () => {
    const e1 = shapeErrorOf(() => maxPool(tensor([1, 1, 2, 2]), [3, 3]));
    expect(e1.message).toContain('maxpool');
    expect(e1.message).toContain('[1, 1, 2, 2]');
    const e2 = shapeErrorOf(() => avgPool(tensor([1, 1, 2, 5]), [3, 1]));
    expect(e2.message).toContain('avgpool');
    expect(e2.message).toContain('[1, 1, 2, 5]');
    const e3 = shapeErrorOf(() => avgPoolBackward([1, 1, 4, 4], tensor([1, 1, 3, 3]), [2, 2]));
    expect(e3.message).toContain('avgpool backward');
    expect(e3.message).toContain('[1, 1, 3, 3]');
  });

  it('subsample: coefficients that do not match the channels', () => {
    const err = shapeErrorOf(() => subsample(tensor([1, 2, 4, 4]), tensor([3]), tensor([2]), [2, 2]));
    expect(err.message).toContain('subsample');
    expect(err.message).toContain('coef');
    expect(err.message).toContain('[3]');
    expect(err.message).toContain('[2]');
  });

  it('dense: weight columns that do not match the input features', () => {
    const err = shapeErrorOf(() => dense(tensor([2, 3]), tensor([4, 5]), tensor([4])));
    expect(err.message).toContain('dense');
    expect(err.message).toContain('[4, 5]');
    expect(err.message).toContain('[?, 3]');
    const e2 = shapeErrorOf(() => denseBackward(tensor([2, 3]), tensor([4, 3]), tensor([2, 5])));
    expect(e2.message).toContain('dense backward');
    expect(e2.message).toContain('[2, 5]');
  });

  it('rbf: centres of the wrong length', () => {
    const err = shapeErrorOf(() => rbf(tensor([1, 84]), tensor([10, 80])));
    expect(err.message).toContain('rbf');
    expect(err.message).toContain('[10, 80]');
    expect(err.message).toContain('84');
  });

  it('activation backward: dy of another shape', () => {
    const err = shapeErrorOf(() => activationBackward('relu', tensor([2, 3]), tensor([3, 2])));
    expect(err.message).toContain('relu backward');
    expect(err.message).toContain('[3, 2]');
    expect(err.message).toContain('[2, 3]');
  });

  it('softmax: scores that are not a matrix, labels that do not match the batch', () => {
    const e1 = shapeErrorOf(() => softmax(tensor([1, 2, 5])));
    expect(e1.message).toContain('softmax');
    expect(e1.message).toContain('[1, 2, 5]');
    const e2 = shapeErrorOf(() => softmaxCrossEntropy(tensor([2, 10]), [1]));
    expect(e2.message).toContain('softmax cross-entropy');
    expect(e2.message).toContain('batch of 2');
  });

  it('tensor: data that does not fill the shape', () => {
    const err = shapeErrorOf(() => tensor([2, 3], [1, 2, 3]));
    expect(err.message).toContain('[2, 3]');
  });
});
