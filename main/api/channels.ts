/**
 * Every channel and event name of the app, written once. The handler table, the Electron preload, the
 * ipcMain registration and both clients derive their names from these two tables; nothing else spells a
 * channel string.
 */
export const CHANNELS = {
  predict: 'lenet:predict',
  listModels: 'lenet:list-models',
  modelInfo: 'lenet:model-info',
  activateModel: 'lenet:activate-model',
  layerKernels: 'lenet:layer-kernels',
  appInfo: 'lenet:app-info',
} as const;

/** Pushed from the core to the page. Issue 5 adds training progress here. */
export const EVENTS = {
  modelChanged: 'lenet:model-changed',
  menuCommand: 'lenet:menu-command',
} as const;

export type MethodName = keyof typeof CHANNELS;
export type Channel = (typeof CHANNELS)[MethodName];
export type EventName = keyof typeof EVENTS;
export type EventChannel = (typeof EVENTS)[EventName];

export const METHOD_NAMES = Object.keys(CHANNELS) as MethodName[];
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];

const methodByChannel = new Map<string, MethodName>(METHOD_NAMES.map((m) => [CHANNELS[m], m]));
const eventByChannel = new Map<string, EventName>(EVENT_NAMES.map((e) => [EVENTS[e], e]));

/** The method a channel string names, or undefined for anything that is not one of ours. */
export function methodOfChannel(channel: unknown): MethodName | undefined {
  return typeof channel === 'string' ? methodByChannel.get(channel) : undefined;
}

export function eventOfChannel(channel: unknown): EventName | undefined {
  return typeof channel === 'string' ? eventByChannel.get(channel) : undefined;
}
