import type { CardFacts } from '../api/contract.ts';

const DEFAULT_TITLES: Record<string, string> = {
  modern: 'Modern LeNet-5',
  classic: 'Classic LeNet-5 (1998)',
};

/**
 * The facts a model card shows, read out of meta.json. Training writes the card and may nest its figures
 * (`metrics.testAccuracy`, `test.accuracy`, ...); this looks in the likely places and leaves out what it
 * cannot find rather than inventing it.
 */
export function cardFacts(id: string, arch: string, meta: Readonly<Record<string, unknown>>): CardFacts {
  const facts: CardFacts = { title: str(meta, ['title', 'name']) ?? DEFAULT_TITLES[arch] ?? id };
  const set = <K extends keyof CardFacts>(key: K, value: CardFacts[K] | undefined) => {
    if (value !== undefined) facts[key] = value;
  };
  set('description', str(meta, ['description', 'summary', 'architecture']));
  set('params', num(meta, ['params', 'parameters', 'totalParams', 'paramCount']));
  set('testAccuracy', accuracy(meta, ['testAccuracy', 'mnistTestAccuracy', 'metrics.testAccuracy', 'metrics.mnistTest.accuracy', 'metrics.test.accuracy', 'test.accuracy', 'mnist.test.accuracy', 'metrics.mnistTestAccuracy']));
  set('validationAccuracy', accuracy(meta, ['validationAccuracy', 'valAccuracy', 'metrics.validationAccuracy', 'metrics.validation.accuracy', 'validation.accuracy', 'metrics.valAccuracy']));
  set('penAccuracy', accuracy(meta, ['penAccuracy', 'unipenAccuracy', 'metrics.penAccuracy', 'metrics.unipenAccuracy', 'metrics.unipen.accuracy', 'metrics.unipenDev.accuracy', 'unipen.accuracy']));
  set('epochs', num(meta, ['epochs', 'training.epochs', 'recipe.epochs']));
  set('trainingSeconds', num(meta, ['trainingSeconds', 'trainingTimeSec', 'trainingTimeSeconds', 'training.seconds', 'training.timeSec', 'metrics.trainingSeconds']));
  set('createdAt', str(meta, ['createdAt', 'created', 'date']));
  set('parent', str(meta, ['parent', 'parentId']));
  set('trainedOn', strOrJoin(meta, ['trainedOn', 'data.train', 'dataset', 'data', 'training.data']));
  set('recipe', strOrJoin(meta, ['recipeSummary', 'recipe.summary', 'recipe']));
  const texts = translations(meta.i18n);
  if (texts) {
    facts.texts = texts;
    // the card's own English texts, where it has them, are the ones shown in English
    for (const key of ['title', 'description', 'trainedOn', 'recipe'] as const) {
      const english = texts.en?.[key];
      if (english) facts[key] = english;
    }
  }
  const imported = meta.imported as { file?: unknown; at?: unknown } | undefined;
  if (imported && typeof imported.file === 'string' && typeof imported.at === 'string') facts.imported = { file: imported.file, at: imported.at };
  return facts;
}

const TEXT_KEYS = ['title', 'description', 'trainedOn', 'recipe'] as const;

/** meta.json's `i18n`: per language code, the card's texts (strings only; anything else is left out). */
function translations(value: unknown): CardFacts['texts'] | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const out: NonNullable<CardFacts['texts']> = {};
  for (const [lang, texts] of Object.entries(value)) {
    if (!/^[a-z]{2}(-[A-Z]{2})?$/.test(lang) || typeof texts !== 'object' || texts === null) continue;
    const entry: Partial<Record<(typeof TEXT_KEYS)[number], string>> = {};
    for (const key of TEXT_KEYS) {
      const text = (texts as Record<string, unknown>)[key];
      if (typeof text === 'string' && text.length > 0) entry[key] = text.slice(0, 2000);
    }
    if (Object.keys(entry).length > 0) out[lang] = entry;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function at(obj: unknown, path: string): unknown {
  let value: unknown = obj;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function str(meta: unknown, paths: string[]): string | undefined {
  for (const p of paths) {
    const v = at(meta, p);
    if (typeof v === 'string' && v.length > 0) return v;
  }
  return undefined;
}

function num(meta: unknown, paths: string[]): number | undefined {
  for (const p of paths) {
    const v = at(meta, p);
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return undefined;
}

/** Accuracies as fractions in [0, 1]; a card that writes percentages (99.3) is read as 0.993. */
function accuracy(meta: unknown, paths: string[]): number | undefined {
  const v = num(meta, paths);
  if (v === undefined || v < 0) return undefined;
  if (v <= 1) return v;
  return v <= 100 ? v / 100 : undefined;
}

/** A string, or a short description of an array of strings / an object of scalars. */
function strOrJoin(meta: unknown, paths: string[]): string | undefined {
  for (const p of paths) {
    const v = at(meta, p);
    if (typeof v === 'string' && v.length > 0) return v;
    if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return v.join(', ');
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const parts = Object.entries(v)
        .filter(([, x]) => ['string', 'number', 'boolean'].includes(typeof x))
        .map(([k, x]) => `${k} ${String(x)}`);
      if (parts.length > 0) return parts.join(', ');
    }
  }
  return undefined;
}
