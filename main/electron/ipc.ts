import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { CHANNELS, METHOD_NAMES } from '../api/channels.ts';
import { dispatch, type HandlerTable } from '../api/handlers.ts';
import type { Result } from '../api/contract.ts';
import { createInFlightGate, type InFlightGate } from '../api/in-flight.ts';
import { LIMITS } from '../api/schemas.ts';
import { senderProblem, type SenderFrame } from './policy.ts';

/**
 * One IPC call, as ipcMain.handle runs it: the sender frame is checked first (only our app's top frame is
 * served), then the same dispatch the WebSocket server uses validates the payload and calls the core.
 * Never throws; the preload turns an error result into a rejected promise.
 */
export async function handleIpcCall(
  table: HandlerTable,
  channel: unknown,
  sender: SenderFrame | null | undefined,
  payload: unknown,
  gate?: InFlightGate,
): Promise<Result> {
  const problem = senderProblem(sender);
  if (problem) return { ok: false, error: { code: 'forbidden', message: `refused: ${problem}` } };
  // The same bound on unanswered calls as browser mode's, across every channel.
  const admitted = gate?.enter();
  if (admitted && !admitted.ok) return { ok: false, error: { code: 'unavailable', message: admitted.why } };
  try {
    return await dispatch(table, channel, payload);
  } finally {
    if (admitted?.ok) admitted.release();
  }
}

/** Registers one ipcMain handler per contract channel; returns a function that removes them. */
export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  table: HandlerTable,
  maxInFlight: number = LIMITS.maxInFlightTotal,
): () => void {
  const gate = createInFlightGate({ maxCalls: maxInFlight, what: 'from the window' });
  for (const method of METHOD_NAMES) {
    const channel = CHANNELS[method];
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, payload: unknown) => handleIpcCall(table, channel, event.senderFrame, payload, gate));
  }
  return () => {
    for (const method of METHOD_NAMES) ipcMain.removeHandler(CHANNELS[method]);
  };
}
