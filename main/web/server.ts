import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { EVENTS } from '../api/channels.ts';
import type { CoreEvent } from '../api/core-port.ts';
import { describeIssues, dispatch, type HandlerTable } from '../api/handlers.ts';
import type { Result } from '../api/contract.ts';
import { LIMITS } from '../api/schemas.ts';
import { createInFlightGate } from '../api/in-flight.ts';
import { CallFrameSchema, LAUNCH_PARAM, sessionCookieName, TOKEN_PARAM, WS_PATH } from '../api/wire.ts';
import { decodeFrame, encodeFrame, WireError } from '../api/wire-codec.ts';
import { readStaticFile, resolveStaticPath } from './static-files.ts';
import { allowedOrigins, contentSecurityPolicy, cookieValue, isAllowedHost, isAllowedOrigin, securityHeaders, tokenMatches } from './security.ts';

export const LOOPBACK = '127.0.0.1';

export interface WebServerOptions {
  /** The handler table the page calls (the same one Electron's ipcMain serves). */
  readonly table: HandlerTable;
  /** Core events to push to every connected page. */
  readonly subscribe?: (listener: (event: CoreEvent) => void) => () => void;
  /** The built renderer (dist/renderer). */
  readonly staticDir: string;
  /** 0 (the default) lets the system pick a free port. */
  readonly port?: number;
  /** The per-run secret; random when omitted. */
  readonly token?: string;
  /** How long a launch code stays good (it is good for one use in any case); 5 minutes by default. */
  readonly launchTtlMs?: number;
  /** The clock launch codes expire by (tests pass their own). */
  readonly now?: () => number;
  readonly maxMessageBytes?: number;
  readonly maxJsonBytes?: number;
  readonly maxConnections?: number;
  /** Calls one page may have unanswered at once. */
  readonly maxInFlight?: number;
  /** Calls all pages together may have unanswered at once. */
  readonly maxInFlightTotal?: number;
  /** Bytes of request frames all pages together may have being processed at once. */
  readonly maxBytesInFlight?: number;
}

export interface WebServer {
  readonly port: number;
  /** The socket's secret: never put in an address a browser shows or a command line. */
  readonly token: string;
  /** The app's address, without any secret (a page needs the session cookie to use it). */
  readonly url: string;
  /**
   * A fresh address to open in a browser: it carries a one-time launch code, good once and for
   * launchTtlMs, which the server exchanges for the session cookie and a redirect to `url`.
   */
  launchUrl(): string;
  /** The name of the HttpOnly cookie that carries the secret for pages. */
  readonly cookieName: string;
  /** The WebSocket address for programs (carries the token; a page uses the cookie instead). */
  readonly wsUrl: string;
  close(): Promise<void>;
}

type Reply = { id: number | null } & Result;

function errorReply(id: number | null, code: Extract<Result, { ok: false }>['error']['code'], message: string): Reply {
  return { id, ok: false, error: { code, message } };
}

/** The id of a frame that failed validation, when it has a usable one, so the page can match the error. */
function salvageId(frame: unknown): number | null {
  const id = typeof frame === 'object' && frame !== null ? (frame as { id?: unknown }).id : undefined;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : null;
}

/** Answers one frame from a page (JSON text, or binary with typed arrays); never throws. */
export async function answerFrame(table: HandlerTable, data: string | Uint8Array, maxJsonBytes: number = LIMITS.maxJsonBytes): Promise<Reply> {
  let frame: unknown;
  try {
    frame = decodeFrame(data, { maxJsonBytes });
  } catch (err) {
    const why = err instanceof WireError ? err.message : 'unreadable frame';
    return errorReply(null, 'bad-request', `${why}: a call is {"id": <number>, "channel": <string>, "payload": <object>}`);
  }
  const call = CallFrameSchema.safeParse(frame);
  if (!call.success) return errorReply(salvageId(frame), 'bad-request', describeIssues('message', call.error));
  return { id: call.data.id, ...(await dispatch(table, call.data.channel, call.data.payload)) };
}

/**
 * Browser mode: serves the built renderer and the handler table over a WebSocket, on 127.0.0.1 only.
 * The socket requires the per-run secret (the page's session cookie, or a program's token), and both HTTP and WebSocket requests must carry our own Host
 * (no DNS rebinding) — the socket also our own Origin (no other site's page can drive it).
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const maxMessageBytes = options.maxMessageBytes ?? LIMITS.maxMessageBytes;
  const maxConnections = options.maxConnections ?? 16;
  const maxJsonBytes = options.maxJsonBytes ?? LIMITS.maxJsonBytes;
  const maxInFlight = options.maxInFlight ?? LIMITS.maxInFlightPerConnection;
  // Every frame the socket accepts fits the byte budget on its own.
  const total = createInFlightGate({
    maxCalls: options.maxInFlightTotal ?? LIMITS.maxInFlightTotal,
    maxBytes: Math.max(options.maxBytesInFlight ?? LIMITS.maxBytesInFlight, maxMessageBytes),
    what: 'across all pages',
  });
  let port = 0;
  let csp = '';
  const now = options.now ?? Date.now;
  const launchTtlMs = options.launchTtlMs ?? 5 * 60_000;
  /** Launch codes not used yet, with when they expire. */
  const launchCodes = new Map<string, number>();
  const cookieName = () => sessionCookieName(port);
  const hasSession = (req: IncomingMessage) => tokenMatches(cookieValue(req.headers.cookie, cookieName()), token);

  const http = createServer((req, res) => {
    void serveHttp(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('internal error');
    });
  });
  http.on('clientError', (_err, socket) => socket.destroy());

  async function serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = securityHeaders(csp);
    const refuse = (status: number, message: string) => {
      res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(`${message}\n`);
    };
    if (!isAllowedHost(req.headers.host, port)) return refuse(403, 'forbidden: unexpected Host header');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return refuse(405, 'method not allowed');
    }
    const url = new URL(req.url ?? '/', `http://${LOOPBACK}`);
    const pathname = (req.url ?? '/').split('?')[0];
    const code = url.searchParams.get(LAUNCH_PARAM);
    if (code !== null) {
      // A code is good once: whatever happens next, it is dead.
      const expires = launchCodes.get(code);
      launchCodes.delete(code);
      const fresh = expires !== undefined && now() <= expires;
      if (!fresh && !hasSession(req)) {
        return refuse(403, 'this launch link was used already or has expired: each link `npm run web` prints opens the app once; restart it for a new one');
      }
      res.writeHead(303, {
        ...headers,
        Location: '/',
        'Cache-Control': 'no-store',
        ...(fresh ? { 'Set-Cookie': `${cookieName()}=${token}; Path=/; HttpOnly; SameSite=Strict` } : {}),
      });
      res.end();
      return;
    }
    const found = resolveStaticPath(options.staticDir, pathname);
    if (!found.ok) return refuse(found.status, found.reason);
    const body = await readStaticFile(found.path, options.staticDir);
    if (!body) {
      if (pathname === '/' || pathname === '/index.html') {
        return refuse(503, 'the app is not built yet: run `npm run web` (it builds the renderer into dist/renderer first)');
      }
      return refuse(404, 'not found');
    }
    res.writeHead(200, {
      ...headers,
      'Content-Type': found.mime,
      'Content-Length': String(body.byteLength),
      'Cache-Control': found.mime.startsWith('text/html') ? 'no-store' : 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes, perMessageDeflate: false });

  function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`);
  }

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', `http://${LOOPBACK}`);
    if (url.pathname !== WS_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    if (!isAllowedHost(req.headers.host, port)) return refuseUpgrade(socket, 403, 'Forbidden: unexpected Host');
    if (!isAllowedOrigin(req.headers.origin, port)) return refuseUpgrade(socket, 403, 'Forbidden: unexpected Origin');
    if (!tokenMatches(url.searchParams.get(TOKEN_PARAM), token) && !hasSession(req)) {
      return refuseUpgrade(socket, 401, 'Unauthorized: no session (open the link `npm run web` printed) and no token');
    }
    if (wss.clients.size >= maxConnections) return refuseUpgrade(socket, 503, 'Service Unavailable: too many connections');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const own = createInFlightGate({ maxCalls: maxInFlight, what: 'on this connection' });
    const send = (reply: Reply | { event: string; payload: unknown }) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      let frame: string | Uint8Array;
      try {
        frame = encodeFrame(reply);
      } catch (err) {
        frame = encodeFrame(errorReply('id' in reply ? reply.id : null, 'internal', `the answer cannot be sent: ${(err as Error).message}`));
      }
      ws.send(frame);
    };
    // ws reports an oversized frame here and closes the socket with 1009 "Max payload size exceeded".
    ws.on('error', () => undefined);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const bytes = rawToBytes(data);
      // Refused before anything is parsed: the id is read off the frame's first bytes, where the client puts it.
      const mine = own.enter();
      if (!mine.ok) return send(errorReply(leadingId(bytes, isBinary), 'unavailable', mine.why));
      const all = total.enter(bytes.byteLength);
      if (!all.ok) {
        mine.release();
        return send(errorReply(leadingId(bytes, isBinary), 'unavailable', all.why));
      }
      void answerFrame(options.table, isBinary ? bytes : bytes.toString('utf8'), maxJsonBytes)
        .then(send)
        .finally(() => {
          all.release();
          mine.release();
        });
    });
  });

  const unsubscribe = options.subscribe?.((event) => {
    const frame = encodeFrame({ event: EVENTS[event.name], payload: event.payload });
    for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(frame);
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, LOOPBACK, () => {
      http.off('error', reject);
      resolve();
    });
  });
  port = (http.address() as AddressInfo).port;
  csp = contentSecurityPolicy(allowedOrigins(port).map((o) => o.replace(/^http/, 'ws')));

  return {
    port,
    token,
    url: `http://${LOOPBACK}:${port}/`,
    cookieName: cookieName(),
    launchUrl() {
      for (const [code, expires] of launchCodes) if (now() > expires) launchCodes.delete(code);
      const code = randomBytes(24).toString('base64url');
      launchCodes.set(code, now() + launchTtlMs);
      return `http://${LOOPBACK}:${port}/?${LAUNCH_PARAM}=${code}`;
    },
    wsUrl: `ws://${LOOPBACK}:${port}${WS_PATH}?${TOKEN_PARAM}=${token}`,
    async close() {
      unsubscribe?.();
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function rawToBytes(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}

/**
 * The id of a call frame without parsing it: the client writes `{"id":N,...` first (in a binary frame,
 * after the 8-byte header), so a refused frame's answer can still be matched. null when it is not there.
 */
export function leadingId(frame: Uint8Array, isBinary: boolean): number | null {
  const start = isBinary ? 8 : 0;
  const head = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).subarray(start, start + 40).toString('latin1');
  const match = /^\s*\{\s*"id"\s*:\s*(\d{1,16})\s*[,}]/.exec(head);
  if (!match) return null;
  const id = Number(match[1]);
  return Number.isSafeInteger(id) ? id : null;
}
