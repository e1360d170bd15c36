import { create } from 'zustand';
import type { Responses } from '../../main/api/contract.ts';
import type { WireInk } from '../drawing/ink.ts';

export type Explanation = Responses['explainDrawing'];
/** Which gradient attribution the map shows. */
export type GradientMethod = 'saliency' | 'gradientTimesInput' | 'integratedGradients';
export const GRADIENT_METHODS: readonly GradientMethod[] = ['saliency', 'gradientTimesInput', 'integratedGradients'];
/** Points on the integrated-gradients path the view asks for when it shows them. */
export const INTEGRATED_STEPS = 16;

export interface ExplainState {
  /** The class explained; null = whatever the network reads. */
  readonly target: number | null;
  /** The class it is compared with ("and not …"); null = none. */
  readonly versus: number | null;
  readonly method: GradientMethod;
  /** The explanation on screen and the exact ink it was computed from. */
  readonly shown: { readonly response: Explanation; readonly ink: WireInk } | null;
  readonly error: string | null;
  /** The stroke under the pointer (or focus) in the what-if list. */
  readonly hoveredStroke: number | null;
}

export const useExplain = create<ExplainState>()(() => ({
  target: null,
  versus: null,
  method: 'saliency',
  shown: null,
  error: null,
  hoveredStroke: null,
}));

const set = useExplain.setState;

/** Every change to the explanation view's state goes through one of these. */
export const explainActions = {
  setTarget(target: number | null): void {
    set((s) => ({ target, versus: s.versus === target ? null : s.versus }));
  },
  setVersus(versus: number | null): void {
    set({ versus });
  },
  setMethod(method: GradientMethod): void {
    set({ method });
  },
  shown(response: Explanation, ink: WireInk): void {
    set({ shown: { response, ink }, error: null });
  },
  cleared(): void {
    set({ shown: null, error: null, hoveredStroke: null });
  },
  failed(error: string): void {
    set({ error });
  },
  hoverStroke(index: number | null): void {
    set({ hoveredStroke: index });
  },
};
