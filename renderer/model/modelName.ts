import i18next, { type TFunction } from 'i18next';
import { useStudio } from '../state/store.ts';
import type { CardFacts, ModelSummary } from '../transport/index.ts';

type Named = Pick<ModelSummary, 'id' | 'bundled' | 'title' | 'arch' | 'result' | 'facts'>;

/**
 * One of the card's texts in the interface's language: the card's own translation (meta.json `i18n`)
 * when it has one, else its English text.
 */
export function cardText(facts: CardFacts, key: 'title' | 'description' | 'trainedOn' | 'recipe', language = i18next.language): string | undefined {
  return facts.texts?.[language]?.[key] ?? facts[key];
}

/**
 * A model's name in the interface's language. A bundled model's card carries its title in each
 * language; an imported one is named by its file; a personal model's card is written by fine-tuning, so
 * its name is made here from the name of the model it started from (looked up among the listed models).
 */
export function modelName(t: TFunction, model: Named, depth = 0): string {
  if (model.facts.imported) return t('versions.importedTitle', { file: model.facts.imported.file });
  if (model.bundled) return cardText(model.facts, 'title') ?? model.title;
  const base = model.result?.baseModelId ?? model.facts.parent;
  return t('versions.personalTitle', { base: base ? modelNameOf(t, base, depth + 1) : model.arch });
}

/** The name of the model with this id (its id when it is not listed, or past a few levels of "from"). */
export function modelNameOf(t: TFunction, id: string, depth = 0): string {
  const model = useStudio.getState().models.find((m) => m.id === id);
  return model && depth < 4 ? modelName(t, model, depth) : id;
}
