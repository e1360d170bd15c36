import { describe, expect, it } from 'vitest';
import { createWsClient, reconnectDelayMs, type ConnectionState, type SocketLike } from '../../renderer/transport/ws-client.ts';
import { ApiError } from '../../main/api/contract.ts';

/** A socket that never reaches a server: it reports an error and closes, as a browser's does. */
class DeadSocket implements SocketLike {
  readyState = 0;
  binaryType = 'blob';
  private readonly handlers = new Map<string, ((e: { data?: unknown }) => void)[]>();
  constructor() {
    queueMicrotask(() => {
      this.readyState = 3;
      for (const h of this.handlers.get('error') ?? []) h({});
      for (const h of this.handlers.get('close') ?? []) h({});
    });
  }
  send(): void {}
  close(): void {}
  addEventListener(type: string, listener: (e: { data?: unknown }) => void): void {
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), listener]);
  }
}

describe('the browser-mode client when the server is gone', () => {
  it('waits 0.5 s, then doubles, up to 10 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(reconnectDelayMs)).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });

  it('opens one socket per back-off step however many calls are made, says it is reconnecting, and tries again by itself', async () => {
    let now = 0;
    const timers: { at: number; fn: () => void }[] = [];
    let opened = 0;
    const client = createWsClient('ws://127.0.0.1:1/ws', () => {
      opened++;
      return new DeadSocket();
    }, { now: () => now, setTimeout: (fn, ms) => timers.push({ at: now + ms, fn }) });
    const states: ConnectionState[] = [];
    client.onConnection((s) => states.push(s));

    const first = await client.appInfo().catch((e: unknown) => e);
    expect(first).toBeInstanceOf(ApiError);
    expect((first as ApiError).reason?.code).toBe('connection.unreachable');
    expect(opened).toBe(1);
    expect(states).toEqual(['connecting', 'reconnecting']);

    // a burst of calls (a prediction per frame) while waiting: none opens a socket, each fails at once
    for (let i = 0; i < 100; i++) {
      const e = await client.predict({ ink: { strokes: [] } } as never).catch((err: unknown) => err);
      expect((e as ApiError).code).toBe('unavailable');
    }
    expect(opened).toBe(1);

    // the client's own retries follow the back-off
    const attempts: number[] = [];
    for (let step = 0; step < 6; step++) {
      const next = timers.shift()!;
      now = next.at;
      next.fn();
      await new Promise((r) => setTimeout(r, 0));
      attempts.push(now);
    }
    expect(attempts).toEqual([500, 1500, 3500, 7500, 15_500, 25_500]);
    expect(opened).toBe(7);
    expect(states.at(-1)).toBe('reconnecting');

    client.close();
    const t = timers.shift();
    if (t) t.fn();
    expect(opened).toBe(7);
  });
});
