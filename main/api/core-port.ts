import type { RejectHead } from '../nondigit/head.ts';
import type { NetworkSpec } from '../engine/spec.ts';
import type { Weights } from '../engine/weights.ts';
import type { EventPayloads, Requests, Responses } from './contract.ts';
import type { EventName, MethodName } from './methods.ts';

/** A core method takes its request as the schema parsed it (the handler always passes one). */
export type CoreMethod<M extends MethodName> = (request: Requests[M]) => Promise<Responses[M]>;

/** An event as the core emits it, for a shell to forward to the page. */
export type CoreEvent = { [E in EventName]: { name: E; payload: EventPayloads[E] } }[EventName];

/**
 * What the handler table needs from the core, derived from the method table: one method per request,
 * taking the request as its schema parsed it. The core (main/core/, Node-only) implements it; keeping
 * the port here lets the contract stay environment-free and lets tests hand the table a fake core.
 */
export type LenetCore = { readonly [M in MethodName]: CoreMethod<M> } & {
  /** Subscribes to core events; returns the unsubscribe function. */
  subscribe(listener: (event: CoreEvent) => void): () => void;
};

/** A model ready to predict: main/runtime's ModelRuntime (one ONNX Runtime session), or in tests anything with the same shape. */
export interface LoadedModel {
  readonly spec: NetworkSpec;
  readonly weights: Weights;
  predict(input: Float32Array, batch: number): Promise<{
    readonly probabilities: Float32Array;
    readonly activations: readonly { readonly name: string; readonly shape: readonly number[]; readonly data: Float32Array }[];
  }>;
  /** Only the probabilities (batch x classes); absent = predict's are used. */
  classify?(input: Float32Array, batch: number): Promise<Float32Array>;
  release(): Promise<void>;
  /** The folder's not-a-digit reject head; null or absent when it has none (only the stroke checks run). */
  readonly reject?: RejectHead | null;
}

/** A model folder read without a session: what describing a model and showing its kernels need. */
export interface ModelDescription {
  readonly spec: NetworkSpec;
  readonly weights: Weights;
}
