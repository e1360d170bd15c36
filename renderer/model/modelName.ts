import type { TFunction } from 'i18next';
import type { ModelSummary } from '../transport/index.ts';

/**
 * A model's name in the interface's language. Bundled models carry their title in meta.json; a personal
 * model's card is written by fine-tuning (in English), so its name is made here from the model it started from.
 */
export function modelName(t: TFunction, model: Pick<ModelSummary, 'bundled' | 'title' | 'arch' | 'result' | 'facts'>): string {
  if (model.bundled) return model.title;
  return t('versions.personalTitle', { base: model.result?.baseModelId ?? model.facts.parent ?? model.arch });
}
