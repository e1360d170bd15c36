/**
 * A bound on the work a transport has accepted and not yet answered: how many calls, and (when the
 * transport can measure them) how many bytes of request frames. A call that would pass either bound is
 * refused up front, so a flood of requests costs the core nothing beyond the frames already received.
 */
export interface InFlightGate {
  /** Admits a call of `bytes` bytes; returns its release (call it once, when the call is answered), or why not. */
  enter(bytes?: number): { ok: true; release: () => void } | { ok: false; why: string };
  readonly calls: number;
  readonly bytes: number;
}

export function createInFlightGate(limits: { maxCalls: number; maxBytes?: number; what?: string }): InFlightGate {
  const maxBytes = limits.maxBytes ?? Infinity;
  const what = limits.what ?? 'in all';
  let calls = 0;
  let bytes = 0;
  return {
    enter(size = 0) {
      if (calls >= limits.maxCalls) return { ok: false, why: `too many calls in flight ${what} (at most ${limits.maxCalls}); try again when some are answered` };
      if (bytes + size > maxBytes) {
        return { ok: false, why: `too many bytes of requests in flight ${what} (at most ${maxBytes}); try again when some are answered` };
      }
      calls++;
      bytes += size;
      let released = false;
      return {
        ok: true,
        release: () => {
          if (released) return;
          released = true;
          calls--;
          bytes -= size;
        },
      };
    },
    get calls() {
      return calls;
    },
    get bytes() {
      return bytes;
    },
  };
}
