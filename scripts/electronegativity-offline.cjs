// Loaded with `node --require` before Electronegativity: its two network calls (fresh translations, the
// list of Electron releases) cannot succeed on an offline machine and cost seconds of retries each run.
// They do not affect the checks; here they fail at once and the tool goes on with its bundled data.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a --require preload is CommonJS
const Module = require('node:module');
const load = Module._load;
const offline = () => Promise.reject(new Error('offline: network calls are disabled for this run'));
offline.head = offline;
offline.get = offline;
Module._load = function (request, ...rest) {
  if (request === 'got') return { __esModule: true, default: offline };
  return load.call(this, request, ...rest);
};
