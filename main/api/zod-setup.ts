import { z } from 'zod';

/**
 * The contract's schemas run inside pages whose Content-Security-Policy forbids eval. Zod otherwise probes
 * `new Function` when it builds an object schema (for a faster parse path), which such a page reports as a
 * CSP violation. Imported first by schemas.ts, so it is set before any schema is built.
 */
z.config({ jitless: true });
