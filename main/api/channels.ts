import { EVENT_NAMES, METHOD_NAMES, type EventName, type MethodName } from './methods.ts';

export { EVENT_NAMES, METHOD_NAMES, type EventName, type MethodName } from './methods.ts';

/**
 * The channel strings of the two transports, derived from the method and event tables (methods.ts):
 * `listModels` travels as `lenet:list-models`. Nothing else spells a channel string.
 */
export type Channel = `lenet:${string}`;

const channelOf = (name: string): Channel => `lenet:${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

export const CHANNELS = Object.freeze(Object.fromEntries(METHOD_NAMES.map((m) => [m, channelOf(m)]))) as Readonly<Record<MethodName, Channel>>;
export const EVENTS = Object.freeze(Object.fromEntries(EVENT_NAMES.map((e) => [e, channelOf(e)]))) as Readonly<Record<EventName, Channel>>;

const methodByChannel = new Map<string, MethodName>(METHOD_NAMES.map((m) => [CHANNELS[m], m]));
const eventByChannel = new Map<string, EventName>(EVENT_NAMES.map((e) => [EVENTS[e], e]));

/** The method a channel string names, or undefined for anything that is not one of ours. */
export function methodOfChannel(channel: unknown): MethodName | undefined {
  return typeof channel === 'string' ? methodByChannel.get(channel) : undefined;
}

export function eventOfChannel(channel: unknown): EventName | undefined {
  return typeof channel === 'string' ? eventByChannel.get(channel) : undefined;
}
