import { z } from 'zod';
import { ApiErrorBodySchema } from './schemas.ts';

/**
 * The browser-mode WebSocket protocol (frames as wire-codec.ts encodes them: JSON text, or binary when
 * they carry typed arrays):
 *   page -> server  { id, channel, payload }                 a call
 *   server -> page  { id, ok: true, value } | { id, ok: false, error }   its answer
 *   server -> page  { event, payload }                       an event (EVENTS channel names)
 * A frame the server cannot attribute to a call is answered with id null.
 */
export const CallFrameSchema = z.strictObject({
  id: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
  channel: z.string().max(64),
  payload: z.unknown().optional(),
});
export type CallFrame = z.infer<typeof CallFrameSchema>;

export const ReplyFrameSchema = z.union([
  z.strictObject({ id: z.int().nullable(), ok: z.literal(true), value: z.unknown() }),
  z.strictObject({ id: z.int().nullable(), ok: z.literal(false), error: ApiErrorBodySchema }),
]);
export type ReplyFrame = z.infer<typeof ReplyFrameSchema>;

export const EventFrameSchema = z.strictObject({ event: z.string(), payload: z.unknown() });
export type EventFrame = z.infer<typeof EventFrameSchema>;

/**
 * Browser mode: the socket lives at WS_PATH and requires the per-run secret, which a page holds as an
 * HttpOnly cookie (sessionCookieName) and a program passes as ?token=. The address a person opens carries
 * only a one-time launch code (?launch=), which the server exchanges for the cookie.
 */
export const WS_PATH = '/ws';
export const TOKEN_PARAM = 'token';
export const LAUNCH_PARAM = 'launch';
/** One cookie per port: cookies are scoped to a host, not a port, and two servers may run at once. */
export const sessionCookieName = (port: number) => `lenet-studio-${port}`;
