import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from '../../../renderer/i18n/en.ts';
import { zhCN } from '../../../renderer/i18n/zh-CN.ts';

type Tree = { readonly [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
  }
  return out;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'i18n' ? [] : sources(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

const english = leaves(en);
const chinese = leaves(zhCN);

describe('interface strings', () => {
  it('English and Simplified Chinese have the same keys, none empty', () => {
    expect([...chinese.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [key, value] of [...english, ...chinese]) expect(value.trim(), key).not.toBe('');
  });

  it('every placeholder of a string is in its translation', () => {
    // `{{digit, article}}` is the parameter digit with a format (English grammar, renderer/i18n/english.ts)
    const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)(?:, *[\w]+(?:\([^)]*\))?)?\}\}/g)].map((m) => m[1]).sort();
    for (const [key, value] of english) expect(placeholders(chinese.get(key)!), key).toEqual(placeholders(value));
  });

  it('the Chinese strings are translated (language names and code-like strings aside)', () => {
    const same = [...english].filter(([key, value]) => chinese.get(key) === value).map(([key]) => key);
    const allowed = /^(app\.title|language\.|layers\.activation\.(relu|sigmoid|tanh|lecun-tanh))/;
    expect(same.filter((key) => !allowed.test(key))).toEqual([]);
  });

  it('English numbers get their article and plural: an 8, an 11, a 7, 1 sample, 2 samples', async () => {
    const { articleFor, withNoun } = await import('../../../renderer/i18n/english.ts');
    const an = [8, 11, 18, 80, 85, 800, 8000, 11000, 18000, 80000, '8', '11,000'];
    const a = [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 12, 17, 19, 100, 110, 180, 1800, 1100, 7000, '1,800'];
    for (const n of an) expect(articleFor(n), String(n)).toBe('an');
    for (const n of a) expect(articleFor(n), String(n)).toBe('a');
    expect(withNoun(1, 'sample', 'samples')).toBe('1 sample');
    expect(withNoun('1', 'sample', 'samples')).toBe('1 sample');
    expect(withNoun(0, 'sample', 'samples')).toBe('0 samples');
    expect(withNoun('1,001', 'sample', 'samples')).toBe('1,001 samples');
  });

  it('the formats the English strings use are the registered ones, and read right through i18next', async () => {
    const formats = new Set([...english.values()].flatMap((s) => [...s.matchAll(/\{\{\w+, *(\w+)/g)].map((m) => m[1])));
    expect([...formats].sort()).toEqual(['article', 'noun']);
    for (const value of chinese.values()) expect(value).not.toMatch(/\{\{\w+,/);
    const i18next = (await import('i18next')).createInstance();
    await i18next.init({ resources: { en: { translation: en } }, lng: 'en', interpolation: { escapeValue: false } });
    const { withArticle, withNoun } = await import('../../../renderer/i18n/english.ts');
    i18next.services.formatter?.add('article', (v) => withArticle(v));
    i18next.services.formatter?.add('noun', (v, _l, o: { one: string; other: string }) => withNoun(v, o.one, o.other));
    expect(i18next.t('save.saved', { digit: 8, n: 3 })).toBe('Saved as an 8: you now have 3 of that digit.');
    expect(i18next.t('save.saved', { digit: 7, n: 1 })).toBe('Saved as a 7: you now have 1 of that digit.');
    expect(i18next.t('samples.groupCount', { n: 1 })).toBe('1 sample');
    expect(i18next.t('samples.groupCount', { n: 12 })).toBe('12 samples');
    expect(i18next.t('versions.fromBase', { base: 'B', samples: 1, layers: 'L', epochs: 2 })).toBe('Fine-tuned from B on 1 sample · L · 2 epochs');
  });

  it('every key the renderer asks for exists', () => {
    const used = new Set<string>();
    for (const file of sources(join(import.meta.dirname, '../../../renderer'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([a-zA-Z0-9_.-]+)'/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(50);
    for (const key of used) expect(english.has(key), key).toBe(true);
  });
});
