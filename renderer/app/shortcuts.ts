import { activateModel } from './session.ts';
import { actions, useStudio } from '../state/store.ts';

/** Single-letter shortcuts are ignored while typing in a field or when a modifier is held. */
function typingIn(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT');
}

function cycleModel(): void {
  const { models, activeModelId } = useStudio.getState();
  if (models.length < 2) return;
  const next = models[(models.findIndex((m) => m.id === activeModelId) + 1) % models.length];
  void activateModel(next.id);
}

/** The app's keyboard shortcuts (listed in the About dialog). Returns the function that removes them. */
export function attachShortcuts(target: Window): () => void {
  const onKeyDown = (e: KeyboardEvent) => {
    // A key that a focused control already handled (a thumbnail's Delete, the drawing field's digits) is not handled again.
    if (e.defaultPrevented) return;
    if (typingIn(e.target) || document.querySelector('dialog[open]')) return;
    const ctrl = e.ctrlKey || e.metaKey;
    const key = e.key.toLowerCase();
    let handled = true;
    if (ctrl && !e.altKey && key === 'z') (e.shiftKey ? actions.redo : actions.undo)();
    else if (ctrl && !e.altKey && !e.shiftKey && key === 'y') actions.redo();
    else if (ctrl || e.altKey) handled = false;
    else if (e.key === 'Delete') actions.clear();
    else if (key === 'e') actions.toggleTool();
    else if (key === 's') actions.toggleSteps();
    else if (key === 'p') actions.togglePresenting();
    else if (key === 'm') cycleModel();
    else handled = false;
    if (handled) e.preventDefault();
  };
  target.addEventListener('keydown', onKeyDown);
  return () => target.removeEventListener('keydown', onKeyDown);
}
