import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { LAYERS, layerOf, packageOf } from '../../eslint/import-layers.js';
import { cycles, readGraph } from './module-graph.ts';

const root = resolve(import.meta.dirname, '../..');
const graph = readGraph(root, ['main', 'renderer']);
const layers = LAYERS as Record<string, { folders: string[]; packages: string[] }>;

describe('the layers of the code', () => {
  it('has no circular imports between files', () => {
    expect(cycles(graph.files)).toEqual([]);
  });

  it('has an acyclic allowlist, so no two folders can depend on each other', () => {
    const edges = new Map(Object.entries(layers).map(([k, v]) => [k, new Set(v.folders)]));
    expect(cycles(edges)).toEqual([]);
    for (const [name, rule] of Object.entries(layers)) for (const f of rule.folders) expect(layers[f], `${name} lists ${f}`).toBeDefined();
  });

  it('imports, in every file of main/ and renderer/, only what its folder allows', () => {
    const refused: string[] = [];
    for (const [file, targets] of graph.files) {
      const layer = layerOf(file);
      expect(layer && layers[layer], `${file} lies in a folder the table does not list`).toBeTruthy();
      for (const target of targets) {
        const to = layerOf(target);
        if (to !== layer && !layers[layer!].folders.includes(to ?? target)) refused.push(`${file} -> ${target}`);
      }
      for (const pkg of graph.packages.get(file) ?? []) if (!layers[layer!].packages.includes(packageOf(pkg))) refused.push(`${file} -> ${pkg}`);
    }
    expect(refused).toEqual([]);
  });

  it('makes eslint refuse an import the table does not allow, naming what is allowed', async () => {
    const eslint = new ESLint({ cwd: root });
    const [engine] = await eslint.lintText("import { readFile } from 'node:fs';\nexport const x = readFile;\n", { filePath: resolve(root, 'main/engine/probe.ts') });
    expect(engine.messages.map((m) => m.ruleId)).toContain('lenet/allowed-imports');
    expect(engine.messages.find((m) => m.ruleId === 'lenet/allowed-imports')?.message).toMatch(/main\/engine may not import node:\*: it may import nothing outside itself/);
    const [page] = await eslint.lintText("import { createCore } from '../../main/core/core.ts';\nexport const c = createCore;\n", { filePath: resolve(root, 'renderer/app/probe.ts') });
    expect(page.messages.find((m) => m.ruleId === 'lenet/allowed-imports')?.message).toMatch(/renderer may not import main\/core/);
    const [ok] = await eslint.lintText("import { z } from 'zod';\nimport { pair } from '../engine/spec.ts';\nexport const y = [z, pair];\n", { filePath: resolve(root, 'main/ink/probe.ts') });
    expect(ok.messages.filter((m) => m.ruleId === 'lenet/allowed-imports')).toEqual([]);
  });
});
