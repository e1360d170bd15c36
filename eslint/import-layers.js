/**
 * What each folder may import: the app's layers, lowest first. A folder may import its own files, the
 * folders listed here and the packages listed here, nothing else (`node:*` = Node's built-ins). The
 * table is an allowlist so a new dependency is a decision someone writes down, and it is acyclic, so no
 * two folders can come to depend on each other (tests/unit/module-layers.test.ts checks both the table
 * and the real import graph).
 */
export const LAYERS = {
  // environment-free: run in Node, in a worker, in the page
  'main/engine': { folders: [], packages: [] },
  'main/ink': { folders: ['main/engine'], packages: ['zod'] },
  'main/onnx': { folders: ['main/engine'], packages: ['protobufjs'] },
  'main/nondigit': { folders: ['main/engine', 'main/ink'], packages: [] },
  'main/lab': { folders: ['main/engine'], packages: [] },
  'main/api': { folders: ['main/engine', 'main/ink', 'main/nondigit', 'main/lab'], packages: ['zod'] },
  'main/explain': { folders: ['main/engine', 'main/ink'], packages: [] },
  // Node
  'main/storage': { folders: [], packages: ['node:*'] },
  // the engine's WebAssembly kernels: found beside the bundle, or compiled from source with wabt
  'main/wasm': { folders: ['main/engine'], packages: ['node:*'] },
  'main/parallel': { folders: ['main/engine', 'main/wasm'], packages: ['node:*'] },
  'main/data': { folders: ['main/engine', 'main/ink'], packages: ['node:*'] },
  'main/model-folder': { folders: ['main/engine', 'main/onnx', 'main/storage', 'main/nondigit'], packages: ['node:*'] },
  'main/runtime': { folders: ['main/engine', 'main/onnx', 'main/data', 'main/nondigit', 'main/model-folder', 'main/wasm'], packages: ['node:*', 'onnxruntime-node'] },
  'main/samples': { folders: ['main/ink', 'main/api', 'main/data', 'main/storage'], packages: ['node:*', 'zod', 'fflate', 'pngjs'] },
  'main/versions': { folders: ['main/engine', 'main/ink', 'main/api', 'main/nondigit', 'main/onnx', 'main/storage', 'main/model-folder', 'main/runtime'], packages: ['node:*', 'zod'] },
  'main/training': { folders: ['main/engine', 'main/ink', 'main/api', 'main/nondigit', 'main/data', 'main/parallel', 'main/model-folder', 'main/versions'], packages: ['node:*', 'zod'] },
  'main/core': {
    folders: ['main/engine', 'main/ink', 'main/api', 'main/nondigit', 'main/lab', 'main/explain', 'main/data', 'main/storage', 'main/model-folder', 'main/runtime', 'main/samples', 'main/versions', 'main/training'],
    packages: ['node:*', 'zod'],
  },
  // the two shells
  'main/web': { folders: ['main/api', 'main/core', 'main/versions'], packages: ['node:*', 'ws'] },
  'main/electron': { folders: ['main/api', 'main/core', 'main/storage', 'main/web'], packages: ['node:*', 'electron', 'zod'] },
  // the page reaches the core only through the contract
  renderer: {
    folders: ['main/api'],
    packages: ['react', 'react-dom', 'react-konva', 'konva', 'i18next', 'react-i18next', 'perfect-freehand', 'uplot', 'zustand', 'zod'],
  },
};

/** main/core/core.ts -> main/core; renderer/app/App.tsx -> renderer; anything else -> null (not layered). */
export function layerOf(file) {
  const parts = file.split('/');
  if (parts[0] === 'renderer') return 'renderer';
  if (parts[0] === 'main' && parts.length > 2) return `${parts[0]}/${parts[1]}`;
  return null;
}

/** The package a bare specifier names: `@scope/name/x` -> `@scope/name`, `node:fs` -> `node:*`. */
export function packageOf(specifier) {
  if (specifier.startsWith('node:')) return 'node:*';
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}
