import { screenPoint, screenToInk, type InkPoint, type ScreenRect } from './coords.ts';
import { pointerKind, samplePressure, type PointerKind } from './ink.ts';
import { actions, useStudio } from '../state/store.ts';

/** Bit of PointerEvent.buttons for a pen's eraser end, and the `button` it reports when it goes down. */
const ERASER_BUTTONS_BIT = 32;
const ERASER_BUTTON = 5;

export function isPenEraser(event: Pick<PointerEvent, 'pointerType' | 'buttons' | 'button'>): boolean {
  return event.pointerType === 'pen' && ((event.buttons & ERASER_BUTTONS_BIT) !== 0 || event.button === ERASER_BUTTON);
}

/**
 * Every position the pointer passed through since the last event. Browsers deliver one pointermove per
 * frame; the coalesced events hold the samples in between, which a fast stroke needs to stay smooth.
 */
function samplesOf(event: PointerEvent): PointerEvent[] {
  const coalesced = typeof event.getCoalescedEvents === 'function' ? event.getCoalescedEvents() : [];
  return coalesced.length > 0 ? coalesced : [event];
}

interface Gesture {
  readonly pointerId: number;
  readonly pointer: PointerKind;
  readonly erasing: boolean;
  /** Where the eraser was at the last event: the next path starts there so no stretch goes unchecked. */
  lastEraserPoint?: InkPoint;
}

/**
 * Listens to pointer events on the drawing field and turns them into store actions. Returns the function
 * that stops listening. Native listeners (not React's) so coalesced events and pointer capture are at hand.
 */
export function attachPointerInput(field: HTMLElement): () => void {
  let gesture: Gesture | null = null;
  let rect: ScreenRect = field.getBoundingClientRect();

  const toInk = (e: PointerEvent): InkPoint => screenToInk(screenPoint(e.clientX, e.clientY), rect);

  const onDown = (e: PointerEvent) => {
    if (gesture) return; // a second finger or pointer while one is drawing is ignored
    const penEraser = isPenEraser(e);
    if (e.pointerType === 'mouse' && e.button !== 0) return;
    if (e.pointerType === 'pen' && e.button !== 0 && !penEraser) return; // barrel buttons
    e.preventDefault();
    // preventDefault also stops the focus a press would give: focus the field, so digit keys save what was drawn
    if (document.activeElement !== field) field.focus({ preventScroll: true });
    rect = field.getBoundingClientRect();
    try {
      field.setPointerCapture(e.pointerId);
    } catch {
      // Events a script made up have no live pointer to capture; drawing works without capture.
    }
    const pointer = pointerKind(e.pointerType);
    const erasing = penEraser || useStudio.getState().tool === 'eraser';
    gesture = { pointerId: e.pointerId, pointer, erasing };
    if (erasing) {
      const at = toInk(e);
      gesture.lastEraserPoint = at;
      actions.beginErase();
      actions.eraseAlong([at]);
    } else {
      actions.beginStroke(pointer, { at: toInk(e), pressure: samplePressure(pointer, e.pressure) }, e.timeStamp);
    }
  };

  const onMove = (e: PointerEvent) => {
    if (!gesture || e.pointerId !== gesture.pointerId) return;
    const events = samplesOf(e);
    if (gesture.erasing) {
      const path = events.map(toInk);
      actions.eraseAlong(gesture.lastEraserPoint ? [gesture.lastEraserPoint, ...path] : path);
      gesture.lastEraserPoint = path.at(-1);
    } else {
      const pointer = gesture.pointer;
      actions.extendStroke(events.map((s) => ({ at: toInk(s), pressure: samplePressure(pointer, s.pressure), timeStamp: s.timeStamp })));
    }
  };

  const onEnd = (e: PointerEvent) => {
    if (!gesture || e.pointerId !== gesture.pointerId) return;
    if (gesture.erasing) actions.endErase();
    else if (e.type === 'pointercancel') actions.cancelStroke();
    else actions.endStroke();
    gesture = null;
    if (field.hasPointerCapture(e.pointerId)) field.releasePointerCapture(e.pointerId);
  };

  field.addEventListener('pointerdown', onDown);
  field.addEventListener('pointermove', onMove);
  field.addEventListener('pointerup', onEnd);
  field.addEventListener('pointercancel', onEnd);
  // A pen's eraser end and touch would otherwise open menus or start gestures.
  const preventContextMenu = (e: Event) => e.preventDefault();
  field.addEventListener('contextmenu', preventContextMenu);
  return () => {
    field.removeEventListener('pointerdown', onDown);
    field.removeEventListener('pointermove', onMove);
    field.removeEventListener('pointerup', onEnd);
    field.removeEventListener('pointercancel', onEnd);
    field.removeEventListener('contextmenu', preventContextMenu);
  };
}
