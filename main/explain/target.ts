/**
 * What an explanation explains: one class's score (`versus` null), or how much more the network reads
 * `target` than `versus` ("why 7 and not 1?"). Gradient methods differentiate the softmax logits
 * (the classic model's logits are -rbfScale x its RBF distances); occlusion and stroke what-if measure
 * the probabilities the app shows.
 */
export interface ExplainTarget {
  readonly target: number;
  readonly versus: number | null;
}

export function checkTarget(t: ExplainTarget, classes: number): void {
  const ok = (c: number) => Number.isInteger(c) && c >= 0 && c < classes;
  if (!ok(t.target)) throw new RangeError(`explain: target class ${t.target} is not one of 0..${classes - 1}`);
  if (t.versus !== null && (!ok(t.versus) || t.versus === t.target)) {
    throw new RangeError(`explain: the class compared against (${t.versus}) must be another of 0..${classes - 1}`);
  }
}

/** Writes, for `batch` samples, the seed over the scores whose input gradient is d(logit_t - logit_v)/dx. */
export function logitSeed(classes: number, logitScale: number, t: ExplainTarget, batch: number): Float32Array {
  const seed = new Float32Array(batch * classes);
  for (let b = 0; b < batch; b++) {
    seed[b * classes + t.target] = logitScale;
    if (t.versus !== null) seed[b * classes + t.versus] = -logitScale;
  }
  return seed;
}

/** logit_t (- logit_v) of sample `offset / classes`, from the last layer's scores. */
export function logitMargin(scores: ArrayLike<number>, offset: number, logitScale: number, t: ExplainTarget): number {
  const own = logitScale * scores[offset + t.target];
  return t.versus === null ? own : own - logitScale * scores[offset + t.versus];
}

/** p_t (- p_v): the probability occlusion and stroke what-if watch. */
export function probabilityMargin(p: ArrayLike<number>, offset: number, t: ExplainTarget): number {
  return t.versus === null ? p[offset + t.target] : p[offset + t.target] - p[offset + t.versus];
}
