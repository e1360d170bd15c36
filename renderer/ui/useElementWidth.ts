import { useEffect, useState, type RefObject } from 'react';

/** The width of an element, kept current with a ResizeObserver. */
export function useElementWidth(ref: RefObject<HTMLElement | null>, fallback: number): number {
  const [size, setSize] = useState(fallback);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      const width = Math.floor(entry.contentRect.width);
      if (width > 0) setSize(width);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return size;
}
