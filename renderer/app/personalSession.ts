import i18next from 'i18next';
import { toWireInk } from '../drawing/ink.ts';
import { visibleStrokes } from '../drawing/drawingActions.ts';
import { personalActions } from '../state/personalActions.ts';
import type { UndoAction } from '../state/personalState.ts';
import { actions, useStudio } from '../state/store.ts';
import type { ExportedFile, LenetApi, ModelList } from '../transport/index.ts';
import { api } from './client.ts';
import { errorText } from '../i18n/errorText.ts';

/**
 * The calls to the core behind the samples, fine-tuning and versions views. Each turns the answer (or
 * the failure) into store actions; components call these and render the store.
 */

/** The largest file the page uploads for an import (the core's own cap is the contract's LIMITS.maxImportBytes). */
export const MAX_IMPORT_BYTES = 8 * 1024 * 1024;

/** A failure in the interface's language (errorText.ts: the core's reason code, translated). */
const message = errorText;

/** Messages built outside components (toasts), in the interface's current language. */
const t = i18next.t.bind(i18next) as unknown as (key: string, options?: Record<string, unknown>) => string;

function failed(error: unknown): void {
  personalActions.showToast({ tone: 'error', message: t('samples.failed', { message: message(error) }) });
}

// ---------------------------------------------------------------- saving from the canvas

/**
 * When the prediction shown for the drawing says "not a digit", saving asks once whether to save it
 * under the person's label anyway (their label wins); true = go ahead.
 */
function confirmNonDigit(label: number): boolean {
  const shown = useStudio.getState().prediction;
  if (!shown || shown.response.empty || !shown.response.nonDigit.flagged) return true;
  return window.confirm(t('nonDigit.confirmSave', { digit: label }));
}

/** Saves the drawing on the field as a sample of `label`, clears the field, and offers Undo (and moves a guided round on). */
export async function saveSample(label: number): Promise<void> {
  const state = useStudio.getState();
  const ink = toWireInk(visibleStrokes(state.drawing));
  if (ink.strokes.length === 0) {
    personalActions.showToast({ tone: 'info', message: t('save.drawFirst') });
    return;
  }
  if (!confirmNonDigit(label)) return;
  try {
    const saved = await (await api()).addSample({ ink, label, how: 'saved' });
    actions.clear();
    personalActions.countsChanged(saved.counts, saved.total);
    personalActions.guidedSaved(label);
    personalActions.showToast({ tone: 'info', message: t('save.saved', { digit: label, n: saved.counts[label] }), undo: { kind: 'unsave', id: saved.sample.id } });
  } catch (error) {
    failed(error);
  }
}

/** "Wrong? It is a …": saves the ink the shown prediction was made from, labelled `label`, in one step. */
export async function saveCorrection(label: number): Promise<void> {
  const shown = useStudio.getState().prediction;
  if (!shown || shown.response.empty || shown.ink.strokes.length === 0) return;
  if (!confirmNonDigit(label)) return;
  try {
    const saved = await (await api()).addSample({ ink: shown.ink, label, how: 'corrected', predicted: shown.response.top, modelId: shown.response.modelId });
    actions.clear();
    personalActions.countsChanged(saved.counts, saved.total);
    personalActions.guidedSaved(label);
    personalActions.showToast({
      tone: 'info',
      message: t('save.corrected', { digit: label, predicted: shown.response.top }),
      undo: { kind: 'unsave', id: saved.sample.id },
    });
  } catch (error) {
    failed(error);
  }
}

export async function undo(action: UndoAction, toastId: number): Promise<void> {
  personalActions.dismissToast(toastId);
  try {
    const client = await api();
    if (action.kind === 'unsave') {
      const r = await client.deleteSamples({ ids: [action.id] });
      personalActions.countsChanged(r.counts, r.total);
      personalActions.showToast({ tone: 'info', message: t('save.unsaved') });
    } else {
      const r = await client.undoDeleteSamples({ undoToken: action.undoToken });
      personalActions.countsChanged(r.counts, r.total);
      personalActions.showToast({ tone: 'info', message: t('samples.restored', { n: r.restored }) });
    }
  } catch (error) {
    failed(error);
  }
}

// ---------------------------------------------------------------- the gallery

let listing: Promise<void> | null = null;

/** Reads the samples again (one request at a time; a change meanwhile marks the list stale for another). */
export function refreshSamples(): Promise<void> {
  listing ??= (async () => {
    try {
      const filter = useStudio.getState().personal.filter;
      const list = await (await api()).listSamples(filter === null ? {} : { label: filter });
      if (useStudio.getState().personal.filter === filter) personalActions.samplesListed(list);
      else personalActions.markSamplesStale();
    } catch (error) {
      personalActions.samplesFailed(message(error));
    } finally {
      listing = null;
    }
  })();
  return listing;
}

let confusing: Promise<void> | null = null;

export function refreshConfusion(): Promise<void> {
  confusing ??= (async () => {
    try {
      personalActions.confusionLoaded(await (await api()).sampleConfusion({}));
    } catch (error) {
      personalActions.samplesFailed(message(error));
    } finally {
      confusing = null;
    }
  })();
  return confusing;
}

let insightCall: Promise<void> | null = null;

/** What the active model is least sure about for this person (one request at a time). */
export function refreshInsight(): Promise<void> {
  insightCall ??= (async () => {
    try {
      personalActions.insightLoaded(await (await api()).personalInsight({}));
    } catch (error) {
      personalActions.samplesFailed(message(error));
    } finally {
      insightCall = null;
    }
  })();
  return insightCall;
}

/** The guided round's last step: fine-tune on the samples, on the Retrain tab where its progress shows. */
export async function retrainAfterRound(): Promise<void> {
  personalActions.guidedClose();
  personalActions.setView('train');
  await startTraining();
}

export async function relabelSamples(ids: readonly string[], label: number): Promise<void> {
  if (ids.length === 0) return;
  try {
    const client = await api();
    let last = null;
    for (const id of ids) last = await client.relabelSample({ id, label });
    if (last) personalActions.countsChanged(last.counts, last.total);
    personalActions.clearSelection();
    personalActions.showToast({ tone: 'info', message: t('samples.relabelled', { n: ids.length, digit: label }) });
  } catch (error) {
    failed(error);
  }
  void refreshSamples();
}

export async function deleteSamples(ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  try {
    const r = await (await api()).deleteSamples({ ids: [...ids] });
    personalActions.clearSelection();
    personalActions.countsChanged(r.counts, r.total);
    personalActions.showToast({ tone: 'info', message: t('samples.deleted', { n: r.deleted }), undo: { kind: 'restore', undoToken: r.undoToken } });
  } catch (error) {
    failed(error);
  }
  void refreshSamples();
}

// ---------------------------------------------------------------- export and import, through the page

/** Hands the file to the browser (or Electron) as a download: no path ever crosses the contract. */
function download(file: ExportedFile): void {
  const url = URL.createObjectURL(new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

export async function exportSamples(format: 'zip' | 'idx'): Promise<void> {
  personalActions.setTransfer(format === 'zip' ? 'export-zip' : 'export-idx');
  try {
    const file = await (await api()).exportSamples({ format });
    download(file);
    personalActions.showToast({ tone: 'info', message: t('samples.exported', { n: file.count, file: file.fileName }) });
  } catch (error) {
    failed(error);
  } finally {
    personalActions.setTransfer(null);
  }
}

export async function importFile(file: File): Promise<void> {
  if (file.size > MAX_IMPORT_BYTES) {
    personalActions.showToast({ tone: 'error', message: t('samples.importTooLarge', { name: file.name, mb: Math.round(MAX_IMPORT_BYTES / 2 ** 20) }) });
    return;
  }
  if (file.size === 0) {
    personalActions.showToast({ tone: 'error', message: t('samples.importEmpty', { name: file.name }) });
    return;
  }
  personalActions.setTransfer('import');
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const report = await (await api()).importSamples({ fileName: file.name.slice(0, 255), bytes });
    personalActions.countsChanged(report.counts, report.total);
    personalActions.imported(report);
  } catch (error) {
    failed(error);
  } finally {
    personalActions.setTransfer(null);
  }
  void refreshSamples();
}

// ---------------------------------------------------------------- fine-tuning

export async function refreshTrainingStatus(): Promise<void> {
  try {
    personalActions.trainingStatusLoaded(await (await api()).trainingStatus({}));
  } catch (error) {
    personalActions.trainingError(message(error));
  }
}

export async function startTraining(): Promise<void> {
  const { trainLayers, trainEpochs, training } = useStudio.getState().personal;
  if (training.running || training.starting) return;
  const epochs = trainEpochs ?? training.status?.defaultEpochs;
  personalActions.trainingStarting();
  try {
    const started = await (await api()).startTraining({ layers: trainLayers, ...(epochs !== undefined ? { epochs } : {}) });
    personalActions.trainingStarted(started.jobId, started.baseModelId, epochs ?? 1);
  } catch (error) {
    personalActions.trainingFailedToStart(message(error));
  }
}

export async function cancelTraining(): Promise<void> {
  const { jobId } = useStudio.getState().personal.training;
  if (!jobId) return;
  personalActions.trainingCancelling();
  try {
    await (await api()).cancelTraining({ jobId });
  } catch (error) {
    personalActions.trainingError(message(error));
  }
}

/** Activate, keep or discard the model the last fine-tune made. */
export async function decide(decision: 'activate' | 'keep' | 'discard'): Promise<void> {
  const { outcome } = useStudio.getState().personal.training;
  if (!outcome) return;
  personalActions.deciding(true);
  try {
    const list: ModelList = await (await api()).finishTraining({ jobId: outcome.jobId, decision });
    actions.modelsListed(list);
    personalActions.resultSettled();
    const key = decision === 'activate' ? 'train.activated' : decision === 'keep' ? 'train.kept' : 'train.discarded';
    personalActions.showToast({ tone: 'info', message: t(key) });
  } catch (error) {
    personalActions.trainingError(message(error));
  } finally {
    personalActions.deciding(false);
  }
}

// ---------------------------------------------------------------- versions

export async function removeVersion(id: string): Promise<void> {
  personalActions.versionBusy(id);
  try {
    actions.modelsListed(await (await api()).removeModel({ id }));
    personalActions.versionBusy(null);
    personalActions.showToast({ tone: 'info', message: t('versions.removed') });
  } catch (error) {
    personalActions.versionBusy(null, message(error));
  }
}

/** Saves a model's model.onnx and its card (two files: the .onnx opens in Netron or any ONNX runtime). */
export async function exportModel(id: string): Promise<void> {
  try {
    const files = await (await api()).exportModel({ id });
    download(files.onnx);
    download(files.card);
    personalActions.showToast({ tone: 'info', message: t('versions.exported', { onnx: files.onnx.fileName, card: files.card.fileName }) });
  } catch (error) {
    failed(error);
  }
}

/** What the last model import took and left out, for the versions panel's note. */
export interface ModelImportNote {
  readonly id: string;
  readonly files: readonly { readonly file: string; readonly taken: boolean; readonly text: string }[];
}

/**
 * Imports an ONNX model, with its card when the person chose a .json with it. A refused file comes back
 * as an error toast that says why; nothing was stored.
 */
export async function importModelFiles(files: readonly File[]): Promise<ModelImportNote | null> {
  const onnx = files.filter((f) => !f.name.toLowerCase().endsWith('.json'));
  const cards = files.filter((f) => f.name.toLowerCase().endsWith('.json'));
  if (onnx.length !== 1 || cards.length > 1) {
    personalActions.showToast({ tone: 'error', message: t('versions.importPick') });
    return null;
  }
  const [model] = onnx;
  if (model.size > MAX_IMPORT_BYTES) {
    personalActions.showToast({ tone: 'error', message: t('samples.importTooLarge', { name: model.name, mb: Math.round(MAX_IMPORT_BYTES / 2 ** 20) }) });
    return null;
  }
  try {
    const card = cards[0];
    const r = await (await api()).importModel({
      fileName: model.name.slice(0, 255),
      bytes: new Uint8Array(await model.arrayBuffer()),
      ...(card ? { card: { fileName: card.name.slice(0, 255), bytes: new Uint8Array(await card.arrayBuffer()) } } : {}),
    });
    actions.modelsListed(r.list);
    personalActions.showToast({ tone: 'info', message: t('versions.imported', { file: model.name }) });
    const notes = [{ file: model.name, taken: true, text: t('versions.importChecked') }];
    if (card) {
      notes.push({ file: card.name, taken: true, text: t('versions.cardTaken', { fields: r.cardTaken.join(', ') || '–' }) });
      if (r.cardIgnored.length > 0) notes.push({ file: card.name, taken: false, text: t('versions.cardIgnored', { fields: r.cardIgnored.join(', ') }) });
    }
    return { id: r.id, files: notes };
  } catch (error) {
    failed(error);
    return null;
  }
}

// ---------------------------------------------------------------- events

/** Keeps the views current with what the core pushes; returns the unsubscribe functions. */
export function listenToPersonalEvents(client: LenetApi): (() => void)[] {
  return [
    client.onEvent('samplesChanged', ({ counts, total }) => personalActions.countsChanged(counts, total)),
    client.onEvent('trainingProgress', ({ jobId, progress }) => personalActions.trainingProgress(jobId, progress)),
    client.onEvent('trainingEpoch', ({ jobId, epoch }) => personalActions.trainingEpoch(jobId, epoch)),
    client.onEvent('trainingFinished', (outcome) => {
      personalActions.trainingFinished(outcome);
      void refreshTrainingStatus();
    }),
  ];
}

/** The first look at the person's data: how many samples, and whether a fine-tune runs or waits for a decision. */
export async function loadPersonal(client: LenetApi): Promise<void> {
  try {
    // every listing carries the counts of all digits; one digit's listing keeps this first call small
    const list = await client.listSamples({ label: 0 });
    personalActions.countsChanged(list.counts, list.total);
    personalActions.markSamplesStale();
  } catch {
    // no data folder: the views say so when opened
  }
  await refreshTrainingStatus();
}
