import { describe, expect, it } from 'vitest';
import { PredictionScheduler } from '../../../renderer/predict/predictionScheduler.ts';

/** A hand-driven clock: frames run when the test says, answers arrive in the order the test chooses. */
function harness(maxInFlight?: number) {
  const frames: (() => void)[] = [];
  const requests: { ink: string; seq: number; resolve(answer: string): void; reject(error: Error): void }[] = [];
  const applied: { answer: string; ink: string; seq: number }[] = [];
  const failed: number[] = [];
  const idle: boolean[] = [];
  const scheduler = new PredictionScheduler<string, string>(
    {
      send: (ink, seq) => new Promise((resolve, reject) => requests.push({ ink, seq, resolve, reject })),
      apply: (answer, ink, seq) => applied.push({ answer, ink, seq }),
      fail: (_error, seq) => failed.push(seq),
      idleChanged: (value) => idle.push(value),
    },
    (callback) => frames.push(callback),
    maxInFlight === undefined ? {} : { maxInFlight },
  );
  const runFrame = () => frames.splice(0).forEach((f) => f());
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { scheduler, frames, requests, applied, failed, idle, runFrame, settle };
}

describe('PredictionScheduler', () => {
  it('sends at most one request per frame, with the newest ink', () => {
    const h = harness();
    h.scheduler.request('a');
    h.scheduler.request('ab');
    h.scheduler.request('abc');
    expect(h.frames).toHaveLength(1);
    expect(h.requests).toHaveLength(0);
    h.runFrame();
    expect(h.requests.map((r) => r.ink)).toEqual(['abc']);
    h.runFrame();
    expect(h.requests).toHaveLength(1); // nothing new: no request
  });

  it('drops an answer that a newer request’s answer overtook', async () => {
    const h = harness();
    h.scheduler.request('1');
    h.runFrame();
    h.scheduler.request('12');
    h.runFrame();
    const [first, second] = h.requests;
    second.resolve('answer to 12');
    await h.settle();
    first.resolve('answer to 1');
    await h.settle();
    expect(h.applied).toEqual([{ answer: 'answer to 12', ink: '12', seq: 2 }]);
    expect(h.scheduler.appliedSeq).toBe(2);
  });

  it('applies answers that arrive in order, each with the ink it was computed from', async () => {
    const h = harness();
    h.scheduler.request('x');
    h.runFrame();
    h.scheduler.request('xy');
    h.runFrame();
    h.requests[0].resolve('A');
    await h.settle();
    h.requests[1].resolve('B');
    await h.settle();
    expect(h.applied.map((a) => [a.answer, a.ink, a.seq])).toEqual([
      ['A', 'x', 1],
      ['B', 'xy', 2],
    ]);
  });

  it('reports a failure only when no newer answer has been shown', async () => {
    const h = harness();
    h.scheduler.request('1');
    h.runFrame();
    h.scheduler.request('2');
    h.runFrame();
    h.requests[1].resolve('two');
    await h.settle();
    h.requests[0].reject(new Error('late and failed'));
    await h.settle();
    expect(h.failed).toEqual([]);
    h.scheduler.request('3');
    h.runFrame();
    h.requests[2].reject(new Error('server gone'));
    await h.settle();
    expect(h.failed).toEqual([3]);
  });

  it('is idle only when nothing waits for a frame or an answer', async () => {
    const h = harness();
    expect(h.scheduler.idle).toBe(true);
    h.scheduler.request('a');
    expect(h.scheduler.idle).toBe(false);
    h.runFrame();
    expect(h.scheduler.idle).toBe(false);
    h.requests[0].resolve('A');
    await h.settle();
    expect(h.scheduler.idle).toBe(true);
    expect(h.idle).toEqual([false, true]);
  });

  it('survives a send that throws instead of rejecting', async () => {
    const failed: number[] = [];
    const frames: (() => void)[] = [];
    const scheduler = new PredictionScheduler<string, string>(
      { send: () => { throw new Error('no socket'); }, apply: () => undefined, fail: (_e, seq) => failed.push(seq) },
      (f) => frames.push(f),
    );
    scheduler.request('a');
    frames.splice(0).forEach((f) => f());
    await new Promise((r) => setTimeout(r, 0));
    expect(failed).toEqual([1]);
    expect(scheduler.idle).toBe(true);
  });

  it('with maxInFlight 1, holds the newest ink until the answer arrives, then sends it on the next frame', async () => {
    const h = harness(1);
    h.scheduler.request('a');
    h.runFrame();
    expect(h.requests.map((r) => r.ink)).toEqual(['a']);
    h.scheduler.request('ab');
    h.scheduler.request('abc');
    h.runFrame();
    expect(h.frames).toHaveLength(0);
    expect(h.requests).toHaveLength(1); // still waiting for the first answer
    expect(h.scheduler.idle).toBe(false);
    h.requests[0].resolve('A');
    await h.settle();
    expect(h.applied.map((a) => a.ink)).toEqual(['a']);
    expect(h.frames).toHaveLength(1);
    h.runFrame();
    expect(h.requests.map((r) => r.ink)).toEqual(['a', 'abc']);
    h.requests[1].reject(new Error('gone'));
    await h.settle();
    expect(h.failed).toEqual([2]);
    expect(h.scheduler.idle).toBe(true);
  });
});
