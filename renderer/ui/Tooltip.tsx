import './Tooltip.css';
import { useId, type ReactNode } from 'react';

/**
 * A tooltip that appears on hover and on keyboard focus (CSS), and is announced with the element it
 * describes (aria-describedby). The trigger must be focusable for keyboard users to reach it.
 */
export function Tooltip({ text, children, placement = 'bottom' }: { text: string; children: (describedBy: string) => ReactNode; placement?: 'bottom' | 'top' }) {
  const id = useId();
  return (
    <span className={`tooltip tooltip--${placement}`}>
      {children(id)}
      <span role="tooltip" id={id} className="tooltip__bubble">
        {text}
      </span>
    </span>
  );
}
