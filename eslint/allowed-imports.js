import { dirname, relative, resolve } from 'node:path';
import { LAYERS, layerOf, packageOf } from './import-layers.js';

/** ESLint rule: every import of a layered folder must be on that folder's allowlist (import-layers.js). */
export const allowedImports = {
  meta: { type: 'problem', schema: [], messages: { refused: '{{layer}} may not import {{what}}: it may import {{allowed}} (eslint/import-layers.js)' } },
  create(context) {
    const root = context.cwd;
    const file = relative(root, context.filename).split('\\').join('/');
    const layer = layerOf(file);
    const rules = layer && LAYERS[layer];
    if (!layer) return {};
    const check = (node, specifier) => {
      if (typeof specifier !== 'string') return;
      let what;
      let allowed;
      if (specifier.startsWith('.')) {
        const target = relative(root, resolve(dirname(context.filename), specifier)).split('\\').join('/');
        const to = layerOf(target);
        if (to === layer) return;
        what = to ?? target;
        allowed = rules ? rules.folders.includes(what) : false;
      } else {
        what = packageOf(specifier);
        allowed = rules ? rules.packages.includes(what) : false;
      }
      if (!allowed) {
        const list = rules ? [...rules.folders, ...rules.packages].join(', ') || 'nothing outside itself' : 'nothing (the folder is not in the table)';
        context.report({ node, messageId: 'refused', data: { layer, what, allowed: list } });
      }
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};
