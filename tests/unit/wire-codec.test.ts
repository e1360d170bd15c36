import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, WireError } from '../../main/api/wire-codec.ts';

describe('the WebSocket frame codec', () => {
  it('sends a value without typed arrays as plain JSON text', () => {
    const value = { id: 3, channel: 'lenet:app-info', payload: { a: [1, 2.5, -3], b: 'x' } };
    const frame = encodeFrame(value);
    expect(typeof frame).toBe('string');
    expect(JSON.parse(frame as string)).toEqual(value);
    expect(decodeFrame(frame)).toEqual(value);
  });

  it('sends typed arrays as their bytes, 8-aligned after the JSON, and brings back the same arrays', () => {
    const probabilities = new Float32Array([0.1, 0.2, 0.7]);
    const map = new Float32Array(28 * 28).map((_, i) => Math.sin(i) * 1e-3);
    const thumbnail = new Uint8Array([0, 127, 255]);
    const value = { id: 1, ok: true, value: { p: probabilities, layers: [{ name: 'C1', data: map }], t: thumbnail, d: new Float64Array([Math.PI]), i: new Int32Array([-5, 7]) } };
    const frame = encodeFrame(value);
    expect(frame).toBeInstanceOf(Uint8Array);
    const bytes = frame as Uint8Array;
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('LNS1');
    // the numbers are not in the JSON text
    const jsonBytes = new DataView(bytes.buffer).getUint32(4, true);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + jsonBytes));
    expect(text).not.toContain('0.7');
    expect(text.length).toBeLessThan(400);
    // a Float32Array of 784 values costs its 3,136 bytes, not ~10 characters per value
    expect(bytes.length).toBeLessThan(3 * 4 + 784 * 4 + 3 + 8 + 8 + 5 * 8 + 8 + jsonBytes + 8);
    const back = decodeFrame(bytes) as typeof value;
    expect(back.value.p).toBeInstanceOf(Float32Array);
    expect(back.value.p).toEqual(probabilities);
    expect(back.value.layers[0].data).toEqual(map);
    expect(back.value.t).toEqual(thumbnail);
    expect(back.value.d).toEqual(new Float64Array([Math.PI]));
    expect(back.value.i).toEqual(new Int32Array([-5, 7]));
  });

  it('round-trips any JSON with Float32Arrays and byte arrays anywhere in it, whatever the alignment', () => {
    const typed = fc.oneof(
      fc.array(fc.float({ noNaN: true }), { maxLength: 40 }).map((a) => Float32Array.from(a)),
      fc.uint8Array({ maxLength: 41 }),
    );
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.jsonValue(), typed, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 6 }), tie('node'), { maxKeys: 4 })),
    })).node;
    fc.assert(
      fc.property(tree, (value) => {
        const expected = JSON.parse(JSON.stringify({ v: value }, (_k, v: unknown) => (ArrayBuffer.isView(v) ? `typed:${Array.from(v as Uint8Array).join(',')}` : v)));
        const back = decodeFrame(encodeFrame({ v: value }));
        const seen = JSON.parse(JSON.stringify(back, (_k, v: unknown) => (ArrayBuffer.isView(v) ? `typed:${Array.from(v as Uint8Array).join(',')}` : v)));
        expect(seen).toEqual(expected);
      }),
      { numRuns: 300, seed: 9 },
    );
  });

  it('refuses typed arrays it has no kind for, and frames that lie about their contents', () => {
    expect(() => encodeFrame({ x: new Uint16Array(2) })).toThrow(/Uint16Array cannot be sent/);
    const good = encodeFrame({ a: new Float32Array([1, 2]) }) as Uint8Array;
    expect(() => decodeFrame(good.subarray(0, 6))).toThrow(WireError);
    expect(() => decodeFrame(good.subarray(0, good.length - 1))).toThrow(/outside the frame/);
    const wrongMagic = good.slice();
    wrongMagic[3] = 0x32;
    expect(() => decodeFrame(wrongMagic)).toThrow(/LNS1/);
    const longJson = good.slice();
    new DataView(longJson.buffer).setUint32(4, 1 << 30, true);
    expect(() => decodeFrame(longJson)).toThrow(/shorter than its header/);
    // a marker in a text frame is not revived: it stays a plain object the schemas refuse
    expect(decodeFrame('{"a":{"$typed":["f32",0,1]}}')).toEqual({ a: { $typed: ['f32', 0, 1] } });
    expect(() => decodeFrame('not json')).toThrow(/must be JSON/);
  });
});
