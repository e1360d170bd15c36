import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CHANNELS, METHOD_NAMES, methodOfChannel } from '../../main/api/channels.ts';
import { createHandlers, type HandlerTable } from '../../main/api/handlers.ts';
import { ERROR_CODES, PredictResponseSchema } from '../../main/api/schemas.ts';
import { decodeFrame } from '../../main/api/wire-codec.ts';
import type { Result } from '../../main/api/contract.ts';
import { createCore, type Core } from '../../main/core/core.ts';
import { handleIpcCall } from '../../main/electron/ipc.ts';
import { APP_ENTRY } from '../../main/electron/policy.ts';
import { ModelRuntime } from '../../main/runtime/model-runtime.ts';
import { startWebServer, type WebServer } from '../../main/web/server.ts';
import { makeModelsDir, unipenInks } from './api-fixtures.ts';

/**
 * Thousands of malformed and hostile messages through both transports: each must be answered with a
 * refusal that says what is wrong, and the process must go on serving a valid predict afterwards.
 */
let models: Awaited<ReturnType<typeof makeModelsDir>>;
let core: Core;
let table: HandlerTable;
let server: WebServer;

beforeAll(async () => {
  models = await makeModelsDir(['modern']);
  core = await createCore({ roots: [{ dir: models.dir, bundled: true }], loadModel: (d) => ModelRuntime.load(d), version: '1.0.0', transport: 'web' });
  table = createHandlers(core);
  server = await startWebServer({ table, staticDir: models.dir });
});

afterAll(async () => {
  await server?.close();
  await core?.close();
  await models?.cleanup();
});

const channels = [...Object.values(CHANNELS), 'lenet:nope', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'lenet:predict\u0000', 'LENET:PREDICT', 'x'.repeat(65)];

/** A stroke with a hole before its point (structured clone keeps holes; JSON cannot). */
function sparse(point: number[]): unknown[] {
  const stroke: unknown[] = new Array(2);
  stroke[1] = point;
  return stroke;
}

/** Payloads written to hurt: wrong types, limits crossed, traversal, prototype pollution, deep nesting. */
const HOSTILE_PAYLOADS: unknown[] = [
  null, 0, -1, 'predict', [], [[]], true,
  { ink: null }, { ink: 'strokes' }, { ink: { strokes: 'x' } }, { ink: { strokes: [[['1', '2']]] } },
  { ink: { strokes: [[[1]]] } }, { ink: { strokes: [[[1, 2, 3]]] } }, { ink: { strokes: [[[1, 2, 3, 4, 5]]] } },
  { ink: { strokes: [[[1, 2, 0, 2]]] } }, { ink: { strokes: [[[1e300, 2]]] } }, { ink: { strokes: [[[1, -1e10]]] } },
  { ink: { strokes: Array.from({ length: 1001 }, () => []) } },
  { ink: { strokes: [] }, modelId: '../../etc/passwd' }, { ink: { strokes: [] }, modelId: '..' }, { ink: { strokes: [] }, modelId: '' },
  { ink: { strokes: [] }, modelId: 'a/b' }, { ink: { strokes: [] }, modelId: 'C:\\models' }, { ink: { strokes: [] }, modelId: 7 },
  { ink: { strokes: [] }, withSteps: 'yes' }, { ink: { strokes: [] }, extra: true },
  JSON.parse('{"__proto__": {"polluted": 1}, "ink": {"strokes": []}}'),
  JSON.parse('{"constructor": {"prototype": {"polluted": 1}}}'),
  { id: '../modern' }, { id: 'modern', also: 1 }, { id: ['modern'] }, { id: 'x'.repeat(100) },
  { layer: 'C1/../../x' }, { layer: '' }, { modelId: 'modern' }, { modelId: 'modern', layer: 'C1', bias: true },
  { ink: { strokes: [[[0, 0]]] }, modelId: 'missing-model' },
];

/** A binary frame as wire-codec.ts lays it out, with `extra` bytes of arrays and a length field that may lie. */
function binaryFrame(json: string, extra: number, declaredJsonBytes?: number): Buffer {
  const text = Buffer.from(json);
  const header = Buffer.alloc(8);
  header.write('LNS1', 0, 'latin1');
  header.writeUInt32LE(declaredJsonBytes ?? text.length, 4);
  const padding = Buffer.alloc((8 - ((8 + text.length) % 8)) % 8);
  return Buffer.concat([header, text, padding, Buffer.alloc(extra)]);
}

function expectRefusal(result: unknown, what: string): void {
  const r = result as Result & { id?: unknown };
  expect(r.ok, what).toBe(false);
  if (r.ok) return;
  expect(ERROR_CODES, what).toContain(r.error.code);
  expect(typeof r.error.message, what).toBe('string');
  expect(r.error.message.length, what).toBeGreaterThan(5);
  expect(r.error.message.length, what).toBeLessThan(2_000);
}

/**
 * Random payloads are not judged by the contract's own schemas (that would make the schemas their own
 * oracle; the hand-written hostile lists per method in security-hostile.test.ts are the oracle). What is
 * checked for them: a channel outside the contract is refused, and every answer is either a result or a
 * well-formed refusal (never a crash, a hang or an unbounded message).
 */
function expectAnswer(channel: string, result: unknown, what: string): void {
  if (methodOfChannel(channel) === undefined) {
    expectRefusal(result, what);
    return;
  }
  const r = result as Result;
  if (r.ok) expect(r, what).toHaveProperty('value');
  else expectRefusal(r, what);
}

const SEED = 20_240_604;

/** Random frames: arbitrary JSON on every channel, plus arbitrary text and arbitrary frame shapes. */
function randomCalls(n: number): { channel: string; payload: unknown }[] {
  return fc.sample(
    fc.record({ channel: fc.constantFrom(...channels), payload: fc.oneof(fc.jsonValue(), fc.record({ ink: fc.jsonValue() }), fc.record({ id: fc.jsonValue() }), fc.record({ layer: fc.string(), modelId: fc.string() })) }),
    { numRuns: n, seed: SEED },
  );
}

describe('fuzzing the IPC path (the dispatch ipcMain.handle runs, with fake sender frames)', () => {
  const good = { url: APP_ENTRY };

  it('refuses every message from a frame that is not our app, whatever it carries', async () => {
    const senders = [null, undefined, { url: 'https://evil.example/' }, { url: 'file:///etc/passwd' }, { url: 'app://evil/index.html' },
      { url: 'app://lenet.evil.example/' }, { url: 'app://user:pw@lenet/' }, { url: 'http://127.0.0.1:1/' }, { url: 'devtools://devtools/' },
      { url: 'about:blank' }, { url: '' }, { url: APP_ENTRY, parent: { url: APP_ENTRY } }, { url: 42 as unknown as string }];
    for (const sender of senders) {
      for (const channel of Object.values(CHANNELS)) {
        const result = await handleIpcCall(table, channel, sender, {});
        expectRefusal(result, `${JSON.stringify(sender)} ${channel}`);
        expect(result.ok === false && result.error.code).toBe('forbidden');
      }
    }
  });

  it('refuses hostile payloads, values JSON cannot carry, and random ones the contract rejects', async () => {
    const throwing = new Proxy({}, { get() { throw new Error('trap'); }, ownKeys() { throw new Error('trap'); } });
    const cloneOnly: unknown[] = [NaN, Infinity, undefined, new Date(0), new Map([['ink', 1]]), new Float32Array(4), 10n, Symbol('x'), () => 1,
      { ink: { strokes: [[[NaN, 0]]] } }, { ink: { strokes: [[[Infinity, 0]]] } }, { ink: { strokes: [new Float64Array([1, 2])] } },
      { ink: { strokes: [[[0, 0, Number.NaN, 0.5]]] } }, { ink: { strokes: [sparse([0, 0])] } }, throwing, { ink: throwing }];
    let n = 0;
    for (const channel of channels) {
      for (const payload of [...HOSTILE_PAYLOADS, ...cloneOnly]) {
        // none of these is a request any channel takes (and this core has no data folder): all refused,
        // except no payload at all for the requests without fields that this core serves
        const result = await handleIpcCall(table, channel, good, payload);
        const fieldless = [CHANNELS.listModels, CHANNELS.appInfo, CHANNELS.labPresets, CHANNELS.cancelFeatureVisualization].includes(channel as never);
        if (payload === undefined && fieldless) expect(result.ok, channel).toBe(true);
        // an object without own keys (a Date, a Map) reads as {} there: only a well-formed answer is required
        else if (fieldless && cloneOnly.includes(payload)) expectAnswer(channel, result, `${channel} ${String(n)}`);
        else expectRefusal(result, `${channel} ${String(n)}`);
        n++;
      }
    }
    for (const { channel, payload } of randomCalls(2_000)) {
      const result = await handleIpcCall(table, channel, good, payload);
      expectAnswer(channel, result, `${channel} ${JSON.stringify(payload)?.slice(0, 200)}`);
      n++;
    }
    expect(n).toBeGreaterThan(2_500);
    const [ink] = await unipenInks(1);
    const ok = await handleIpcCall(table, CHANNELS.predict, good, { ink: { strokes: ink.strokes } });
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(PredictResponseSchema.parse(ok.value).activations).toHaveLength(7);
  });

  it('keeps the prototype of plain objects clean', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('fuzzing the WebSocket server (for real, on loopback)', () => {
  async function open(): Promise<{ ws: WebSocket; next(): Promise<unknown>; closed: Promise<number> }> {
    const ws = new WebSocket(server.wsUrl, { origin: `http://127.0.0.1:${server.port}` });
    const queue: unknown[] = [];
    const waiters: ((v: unknown) => void)[] = [];
    ws.on('message', (data, isBinary) => {
      const frame = decodeFrame(isBinary ? new Uint8Array(data as Buffer) : String(data));
      const w = waiters.shift();
      if (w) w(frame);
      else queue.push(frame);
    });
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('error', () => undefined);
    await new Promise((r) => ws.on('open', r));
    return { ws, closed, next: () => (queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((r) => waiters.push(r))) };
  }

  it('answers every malformed or hostile frame with a refusal and goes on serving', async () => {
    const client = await open();
    const rawFrames: (string | Buffer)[] = [
      '', ' ', 'null', '0', '"x"', '[]', '{}', 'not json', '{"id":', '{"id":1}', '{"channel":"lenet:predict"}',
      '{"id":-1,"channel":"lenet:app-info"}', '{"id":1.5,"channel":"lenet:app-info"}', '{"id":1e300,"channel":"lenet:app-info"}',
      '{"id":"1","channel":"lenet:app-info"}', '{"id":1,"channel":5}', '{"id":1,"channel":"lenet:app-info","extra":1}',
      '{"id":1,"channel":"lenet:predict","payload":{"ink":{"strokes":[[[1e999,0]]]}}}',
      `{"id":1,"channel":"lenet:predict","payload":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
      '{"id":1,"channel":"__proto__","payload":{}}', '{"__proto__":{"id":1,"channel":"lenet:app-info"}}',
      '\u0000\u0001\u0002', '\ud800', Buffer.from([0, 1, 2, 255]),
      // binary frames: a wrong header, a header longer than the frame, typed arrays out of bounds or of unknown kinds
      Buffer.from('LNS2\x00\x00\x00\x00'), binaryFrame('{"id":1', 0, 1_000_000),
      binaryFrame('{"id":1,"channel":"lenet:app-info","payload":{"$typed":["f32",0,1000000]}}', 16),
      binaryFrame('{"id":1,"channel":"lenet:app-info","payload":{"$typed":["f32",4,1]}}', 16),
      binaryFrame('{"id":1,"channel":"lenet:app-info","payload":{"$typed":["bigint",0,1]}}', 16),
      binaryFrame('{"id":1,"channel":"lenet:app-info","payload":{"$typed":["f32",-8,1]}}', 16),
      binaryFrame('{"id":1,"channel":"lenet:predict","payload":{"ink":{"$typed":["u8",0,4]}}}', 16),
    ];
    let n = 0;
    for (const frame of rawFrames) {
      client.ws.send(frame, { binary: Buffer.isBuffer(frame) });
      expectRefusal(await client.next(), `raw ${String(frame).slice(0, 60)}`);
      n++;
    }
    for (const [i, payload] of HOSTILE_PAYLOADS.entries()) {
      for (const channel of channels) {
        client.ws.send(JSON.stringify({ id: i, channel, payload }));
        const reply = (await client.next()) as Result & { id: number };
        expect(reply.id).toBe(i);
        expectRefusal(reply, `${channel} ${i}`);
        n++;
      }
    }
    const texts = fc.sample(fc.oneof(fc.string(), fc.json(), fc.string({ unit: 'binary' })), { numRuns: 500, seed: SEED });
    for (const text of texts) {
      client.ws.send(text);
      const reply = (await client.next()) as Result;
      expect(reply.ok, text).toBe(false);
      n++;
    }
    for (const [i, { channel, payload }] of randomCalls(2_000).entries()) {
      client.ws.send(JSON.stringify({ id: i, channel, payload }));
      const reply = (await client.next()) as Result & { id: number };
      expect(reply.id).toBe(i);
      expectAnswer(channel, reply, `${channel} ${JSON.stringify(payload)?.slice(0, 200)}`);
      n++;
    }
    expect(n).toBeGreaterThan(3_000);

    const [ink] = await unipenInks(1);
    client.ws.send(JSON.stringify({ id: 99, channel: CHANNELS.predict, payload: { ink: { strokes: ink.strokes } } }));
    const reply = (await client.next()) as Result & { id: number };
    expect(reply).toMatchObject({ id: 99, ok: true });
    if (reply.ok) expect(PredictResponseSchema.parse(reply.value).top).toBeGreaterThanOrEqual(0);
    client.ws.close();
  });

  it('refuses a flood beyond the in-flight cap without dropping the connection', async () => {
    const client = await open();
    const [ink] = await unipenInks(1);
    const frame = (id: number) => JSON.stringify({ id, channel: CHANNELS.predict, payload: { ink: { strokes: ink.strokes } } });
    for (let i = 0; i < 200; i++) client.ws.send(frame(i));
    const replies: (Result & { id: number })[] = [];
    for (let i = 0; i < 200; i++) replies.push((await client.next()) as Result & { id: number });
    const refused = replies.filter((r) => !r.ok);
    expect(replies.filter((r) => r.ok).length).toBeGreaterThan(0);
    for (const r of refused) expect(r.ok === false && r.error.code).toBe('unavailable');
    client.ws.send(frame(1_000));
    expect(await client.next()).toMatchObject({ id: 1_000, ok: true });
    client.ws.close();
    expect(METHOD_NAMES.length).toBe(Object.keys(CHANNELS).length);
  });
});
