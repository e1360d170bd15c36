import { CHANNELS, eventOfChannel, EVENTS } from '../../main/api/channels.ts';
import { ApiError, failure, type EventPayloads, type LenetApi } from '../../main/api/contract.ts';
import { EVENT_DEFS, METHOD_NAMES, type EventName, type MethodName } from '../../main/api/methods.ts';
import { EventFrameSchema, LAUNCH_PARAM, ReplyFrameSchema, TOKEN_PARAM, WS_PATH } from '../../main/api/wire.ts';
import { decodeFrame, encodeFrame } from '../../main/api/wire-codec.ts';

/** The part of the WebSocket interface the client uses (the browser's, or the `ws` package's in Node). */
export interface SocketLike {
  readonly readyState: number;
  /** Set to 'arraybuffer' so binary frames arrive as ArrayBuffers (the browser's default is Blob). */
  binaryType: string;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error' | 'message', listener: (event: { data?: unknown }) => void): void;
}
export type SocketFactory = (url: string) => SocketLike;

const OPEN = 1;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * ws://host/ws for the page at http://host/...: the page holds no secret of its own; the browser sends
 * the server's HttpOnly session cookie with the socket's handshake.
 */
export function socketUrlFor(pageUrl: string): string {
  const page = new URL(pageUrl);
  const url = new URL(WS_PATH, page);
  url.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** The page's address without a launch code or token (to put in the address bar), or null when it has none. */
export function addressWithoutSecrets(pageUrl: string): string | null {
  const page = new URL(pageUrl);
  if (!page.searchParams.has(LAUNCH_PARAM) && !page.searchParams.has(TOKEN_PARAM)) return null;
  page.searchParams.delete(LAUNCH_PARAM);
  page.searchParams.delete(TOKEN_PARAM);
  return page.toString();
}

/** Whether the socket is open; 'reconnecting' after it dropped or could not be opened, until it opens again. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting';

/** The wait before the next attempt after `failures` failed ones: 0.5 s, doubling, at most 10 s. */
export function reconnectDelayMs(failures: number): number {
  return Math.min(500 * 2 ** Math.max(0, failures - 1), 10_000);
}

export interface WsClient {
  close(): void;
  /** Calls the listener with the connection's state whenever it changes (and once now); returns the unsubscribe function. */
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

/**
 * LenetApi over the browser-mode WebSocket. Calls are matched to answers by id; the socket is opened on
 * first use. When it drops or cannot be opened, calls in flight reject, and the client tries again on
 * its own with back-off (reconnectDelayMs): until then a call fails at once without opening a socket, so
 * a server that is gone costs one attempt per back-off step, not one per call.
 */
export function createWsClient(url: string, openSocket: SocketFactory, timers: { now(): number; setTimeout(fn: () => void, ms: number): unknown } = { now: () => Date.now(), setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms) }): LenetApi & WsClient {
  let socket: SocketLike | null = null;
  let ready: Promise<SocketLike> | null = null;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  let state: ConnectionState = 'connecting';
  const stateListeners = new Set<(state: ConnectionState) => void>();
  let failures = 0;
  let retryAt = 0;
  let retryScheduled = false;
  let closed = false;

  function setState(next: ConnectionState): void {
    if (state === next) return;
    state = next;
    for (const listener of stateListeners) listener(next);
  }

  function dropped(): void {
    if (closed) return;
    failures++;
    const delay = reconnectDelayMs(failures);
    retryAt = timers.now() + delay;
    setState('reconnecting');
    if (retryScheduled) return;
    retryScheduled = true;
    timers.setTimeout(() => {
      retryScheduled = false;
      if (!closed && state !== 'open') void connect().catch(() => undefined);
    }, delay);
  }

  function failAll(): void {
    for (const p of pending.values()) p.reject(failure('connection.closed', {}));
    pending.clear();
  }

  function onMessage(data: unknown): void {
    let frame: unknown;
    try {
      if (typeof data === 'string') frame = decodeFrame(data);
      else if (data instanceof ArrayBuffer) frame = decodeFrame(new Uint8Array(data));
      else if (ArrayBuffer.isView(data)) frame = decodeFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      else return;
    } catch {
      return; // not a frame the server sends; nothing to act on
    }
    const reply = ReplyFrameSchema.safeParse(frame);
    if (reply.success) {
      const p = reply.data.id === null ? undefined : pending.get(reply.data.id);
      if (!p || reply.data.id === null) return;
      pending.delete(reply.data.id);
      if (reply.data.ok) p.resolve(reply.data.value);
      else p.reject(new ApiError(reply.data.error.code, reply.data.error.message, reply.data.error.reason));
      return;
    }
    const event = EventFrameSchema.safeParse(frame);
    const name = event.success ? eventOfChannel(event.data.event) : undefined;
    if (!event.success || name === undefined) return;
    const payload = EVENT_DEFS[name].safeParse(event.data.payload);
    if (!payload.success) return;
    for (const listener of listeners.get(name) ?? []) (listener as (p: unknown) => void)(payload.data);
  }

  function connect(): Promise<SocketLike> {
    if (socket && socket.readyState === OPEN && ready) return ready;
    if (ready && socket && socket.readyState === 0) return ready;
    if (closed) return Promise.reject(failure('connection.closed', {}));
    if (timers.now() < retryAt) return Promise.reject(failure('connection.unreachable', {}));
    const s = openSocket(url);
    s.binaryType = 'arraybuffer';
    socket = s;
    ready = new Promise<SocketLike>((resolve, reject) => {
      s.addEventListener('open', () => {
        failures = 0;
        retryAt = 0;
        setState('open');
        resolve(s);
      });
      s.addEventListener('error', () => reject(failure('connection.unreachable', {})));
      s.addEventListener('close', () => {
        reject(failure('connection.closed', {}));
        if (socket === s) {
          socket = null;
          ready = null;
          dropped();
        }
        failAll();
      });
      s.addEventListener('message', (event) => onMessage(event.data));
    });
    return ready;
  }

  async function call(method: MethodName, request: unknown): Promise<unknown> {
    const s = await connect();
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      try {
        s.send(encodeFrame({ id, channel: CHANNELS[method], payload: request ?? {} }));
      } catch (err) {
        pending.delete(id);
        reject(new ApiError('bad-request', `${method}: ${(err as Error).message}`));
      }
    });
  }

  const api: Record<string, unknown> = {};
  for (const method of METHOD_NAMES) api[method] = (request?: unknown) => call(method, request);
  api.onEvent = <E extends EventName>(name: E, listener: (payload: EventPayloads[E]) => void) => {
    if (!(name in EVENTS)) throw new ApiError('bad-request', `unknown event ${String(name)}`);
    const set = listeners.get(name) ?? new Set();
    listeners.set(name, set);
    set.add(listener as (payload: never) => void);
    void connect().catch(() => undefined); // events arrive only over an open socket
    return () => set.delete(listener as (payload: never) => void);
  };
  api.close = () => {
    closed = true;
    socket?.close(1000, 'client closed');
    socket = null;
    ready = null;
  };
  api.onConnection = (listener: (state: ConnectionState) => void) => {
    stateListeners.add(listener);
    listener(state);
    return () => stateListeners.delete(listener);
  };
  return api as unknown as LenetApi & WsClient;
}
