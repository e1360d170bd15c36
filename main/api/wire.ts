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

/** Browser mode: the page's URL carries the per-run token; the socket lives at this path. */
export const WS_PATH = '/ws';
export const TOKEN_PARAM = 'token';
