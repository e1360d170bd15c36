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
    const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const [key, value] of english) expect(placeholders(chinese.get(key)!), key).toEqual(placeholders(value));
  });

  it('the Chinese strings are translated (language names and code-like strings aside)', () => {
    const same = [...english].filter(([key, value]) => chinese.get(key) === value).map(([key]) => key);
    const allowed = /^(app\.title|language\.|layers\.activation\.(relu|sigmoid|tanh|lecun-tanh))/;
    expect(same.filter((key) => !allowed.test(key))).toEqual([]);
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
