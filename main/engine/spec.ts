/**
 * Declarative network descriptions. A network is a list of layers; every layer's input shape is inferred
 * from the one before it and checked when the network is built (see network.ts).
 */
export type Activation = 'identity' | 'relu' | 'sigmoid' | 'tanh' | 'lecun-tanh';

/** Height and width; a single number means the same in both directions. */
export type Pair = number | readonly [number, number];

export interface ConvSpec {
  readonly kind: 'conv';
  readonly name: string;
  readonly filters: number;
  readonly kernel: Pair;
  readonly stride?: Pair;
  readonly padding?: Pair;
  readonly activation?: Activation;
  /** connections[o] lists the input channels output map o reads; omitted = every map reads every channel. */
  readonly connections?: readonly (readonly number[])[];
}

export interface PoolSpec {
  readonly kind: 'maxpool' | 'avgpool';
  readonly name: string;
  readonly size: Pair;
  readonly stride?: Pair;
}

/** LeNet-1998 subsampling: each window summed, times a trainable per-map coefficient, plus a per-map bias. */
export interface SubsampleSpec {
  readonly kind: 'subsample';
  readonly name: string;
  readonly size: Pair;
  readonly stride?: Pair;
  readonly activation?: Activation;
}

export interface DenseSpec {
  readonly kind: 'dense';
  readonly name: string;
  readonly units: number;
  readonly activation?: Activation;
}

export interface ActivationSpec {
  readonly kind: 'activation';
  readonly name: string;
  readonly fn: Activation;
}

export interface FlattenSpec {
  readonly kind: 'flatten';
  readonly name: string;
}

/** Euclidean RBF units with fixed centres: y_i = sum_j (x_j - c_ij)^2. */
export interface RbfSpec {
  readonly kind: 'rbf';
  readonly name: string;
  /** centres[i] is unit i's centre, one value per input feature. */
  readonly centres: readonly (readonly number[])[];
}

export type LayerSpec = ConvSpec | PoolSpec | SubsampleSpec | DenseSpec | ActivationSpec | FlattenSpec | RbfSpec;
export type LayerKind = LayerSpec['kind'];

/** Every layer kind the engine implements (a spec read from disk is checked against this list). */
export const LAYER_KINDS = ['conv', 'maxpool', 'avgpool', 'subsample', 'dense', 'activation', 'flatten', 'rbf'] as const satisfies readonly LayerKind[];
// The list names every kind: adding one to LayerSpec without listing it here does not compile.
type Unlisted = Exclude<LayerKind, (typeof LAYER_KINDS)[number]>;
const everyKindListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyKindListed;

/**
 * How the last layer's scores become class probabilities:
 * 'softmax' — scores are logits, p = softmax(scores);
 * 'rbf'     — scores are distances, p = softmax(-scores) (the smallest distance wins).
 */
export type Head = 'softmax' | 'rbf';

export interface NetworkSpec {
  readonly arch: string;
  readonly input: { readonly channels: number; readonly height: number; readonly width: number };
  readonly layers: readonly LayerSpec[];
  readonly head: Head;
  /**
   * With the 'rbf' head, train with LeCun's criterion E = y_c + log(e^-j + sum e^-y_i) using this j;
   * absent = cross-entropy of softmax(-distances). Probabilities are softmax(-distances) either way.
   */
  readonly rbfCriterionJ?: number;
  /**
   * With the 'rbf' head, probabilities = softmax(-rbfScale * distances) (default 1). Squared distances
   * over 84 units differ by tens between classes; a scale below 1 keeps the softmax from saturating, so
   * cross-entropy keeps widening the margins and the probabilities shown stay meaningful.
   */
  readonly rbfScale?: number;
}

export function pair(p: Pair | undefined, fallback: number): [number, number] {
  if (p === undefined) return [fallback, fallback];
  return typeof p === 'number' ? [p, p] : [p[0], p[1]];
}
