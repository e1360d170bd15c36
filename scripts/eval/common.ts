import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ModelLoadError, ModelRuntime } from '../../main/runtime/index.ts';

/** What the eval commands share: the default model, their argument parsing and model loading. */
export const NATIVE_MODELS = fileURLToPath(new URL('../../native-models', import.meta.url));
export const DEFAULT_MODEL = resolve(NATIVE_MODELS, 'modern');

/**
 * Parses a command's arguments; on a usage error prints it with the help and gives the exit code 2,
 * on --help prints the help and gives 0. Otherwise the parsed values and positionals.
 */
export function parseCommand<T extends ParseArgsConfig>(command: string, help: string, config: T): ReturnType<typeof parseArgs<T>> | { exit: number } {
  let parsed;
  try {
    parsed = parseArgs(config);
  } catch (err) {
    console.error(`eval ${command}: ${(err as Error).message}\n\n${help}`);
    return { exit: 2 };
  }
  if ((parsed.values as { help?: unknown }).help === true) {
    console.log(help);
    return { exit: 0 };
  }
  return parsed;
}

/** Loads a model folder; a missing or damaged model is reported in one line (null), not thrown. */
export async function loadModel(command: string, dir: string): Promise<ModelRuntime | null> {
  try {
    return await ModelRuntime.load(dir);
  } catch (err) {
    if (!(err instanceof ModelLoadError)) throw err;
    console.error(`eval ${command}: cannot load the model: ${err.message}`);
    return null;
  }
}

/** Writers the model card says were used for training (empty when it trained on no ink data). */
export function trainingWriters(card: Readonly<Record<string, unknown>>): Set<string> {
  const data = card.data as { inks?: { trainWriters?: unknown } } | undefined;
  const list = data?.inks?.trainWriters;
  return new Set(Array.isArray(list) ? list.filter((w): w is string => typeof w === 'string') : []);
}

/**
 * Takes list options out of `args`: `--digits a.jsonl b.jsonl --model X` gives digits [a, b] and leaves
 * `--model X`; every word after a list option up to the next `--option` belongs to it (shell globs).
 */
export function takeLists<K extends string>(args: readonly string[], names: readonly K[]): { lists: Record<K, string[]>; rest: string[] } {
  const lists = Object.fromEntries(names.map((n) => [n, [] as string[]])) as Record<K, string[]>;
  const rest: string[] = [];
  let current: K | null = null;
  for (const a of args) {
    if (a.startsWith('--')) {
      const name = a.slice(2) as K;
      current = names.includes(name) ? name : null;
      if (current === null) rest.push(a);
      continue;
    }
    if (current !== null) lists[current].push(a);
    else rest.push(a);
  }
  return { lists, rest };
}
