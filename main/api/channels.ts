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
  removeModel: 'lenet:remove-model',
  addSample: 'lenet:add-sample',
  listSamples: 'lenet:list-samples',
  relabelSample: 'lenet:relabel-sample',
  deleteSamples: 'lenet:delete-samples',
  undoDeleteSamples: 'lenet:undo-delete-samples',
  exportSamples: 'lenet:export-samples',
  importSamples: 'lenet:import-samples',
  sampleConfusion: 'lenet:sample-confusion',
  startTraining: 'lenet:start-training',
  cancelTraining: 'lenet:cancel-training',
  trainingStatus: 'lenet:training-status',
  finishTraining: 'lenet:finish-training',
} as const;

/** Pushed from the core to the page. */
export const EVENTS = {
  modelChanged: 'lenet:model-changed',
  menuCommand: 'lenet:menu-command',
  samplesChanged: 'lenet:samples-changed',
  trainingProgress: 'lenet:training-progress',
  trainingEpoch: 'lenet:training-epoch',
  trainingFinished: 'lenet:training-finished',
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
