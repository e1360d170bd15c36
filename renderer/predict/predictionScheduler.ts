/**
 * Live prediction pacing: at most one request per animation frame, and an answer is applied only if no
 * newer request's answer has been applied already. A slow answer that is overtaken is dropped, never
 * queued, so the view never steps backwards in time.
 */
export type FrameRequester = (callback: () => void) => void;

export interface SchedulerCallbacks<Ink, Answer> {
  send(ink: Ink, seq: number): Promise<Answer>;
  apply(answer: Answer, ink: Ink, seq: number): void;
  fail(error: unknown, seq: number): void;
  /** Called whenever the number of unanswered requests or the waiting flag changes (for a busy indicator and tests). */
  idleChanged?(idle: boolean): void;
}

export interface SchedulerOptions {
  /**
   * Requests allowed unanswered at once (default: no limit). With a limit, an ink that changes while the
   * limit is reached waits (replaced by any newer one) and is sent on the first frame after an answer:
   * for requests that can take longer than a frame, so they never pile up at the core.
   */
  readonly maxInFlight?: number;
}

export class PredictionScheduler<Ink, Answer> {
  private waitingInk: Ink | undefined;
  private frameRequested = false;
  private lastSent = 0;
  private lastApplied = 0;
  private inFlight = 0;
  private wasIdle = true;

  private readonly maxInFlight: number;

  constructor(
    private readonly callbacks: SchedulerCallbacks<Ink, Answer>,
    private readonly requestFrame: FrameRequester,
    options: SchedulerOptions = {},
  ) {
    this.maxInFlight = options.maxInFlight ?? Number.POSITIVE_INFINITY;
  }

  /** The ink changed (or the model did): predict it on the next frame, replacing any ink still waiting. */
  request(ink: Ink): void {
    this.waitingInk = ink;
    this.askForFrame();
    this.reportIdle();
  }

  private askForFrame(): void {
    if (this.frameRequested || this.inFlight >= this.maxInFlight) return;
    this.frameRequested = true;
    this.requestFrame(() => this.flush());
  }

  get sentCount(): number {
    return this.lastSent;
  }

  get appliedSeq(): number {
    return this.lastApplied;
  }

  /** No ink waiting for a frame and no request unanswered. */
  get idle(): boolean {
    return this.waitingInk === undefined && this.inFlight === 0;
  }

  private flush(): void {
    this.frameRequested = false;
    const ink = this.waitingInk;
    if (ink === undefined || this.inFlight >= this.maxInFlight) return;
    this.waitingInk = undefined;
    const seq = ++this.lastSent;
    this.inFlight++;
    let sent: Promise<Answer>;
    try {
      sent = this.callbacks.send(ink, seq);
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent.then(
      (answer) => {
        this.inFlight--;
        if (seq > this.lastApplied) {
          this.lastApplied = seq;
          this.callbacks.apply(answer, ink, seq);
        }
        if (this.waitingInk !== undefined) this.askForFrame();
        this.reportIdle();
      },
      (error: unknown) => {
        this.inFlight--;
        if (seq > this.lastApplied) this.callbacks.fail(error, seq);
        if (this.waitingInk !== undefined) this.askForFrame();
        this.reportIdle();
      },
    );
  }

  private reportIdle(): void {
    const idle = this.idle;
    if (idle !== this.wasIdle) {
      this.wasIdle = idle;
      this.callbacks.idleChanged?.(idle);
    }
  }
}
