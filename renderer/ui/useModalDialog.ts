import { useEffect, useRef } from 'react';

/** A <dialog> shown as a modal while `open` (Esc closes it, focus returns) and closed otherwise; put the ref on it. */
export function useModalDialog(open: boolean) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return ref;
}
