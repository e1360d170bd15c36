import './MatrixGrid.css';
import { useEffect, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';
import { HeatmapCanvas } from '../layers/HeatmapCanvas.tsx';
import { largestMagnitude } from '../layers/colorScale.ts';

/** Matrices up to this many cells are written out as numbers; larger ones (the drawing) are drawn as a heatmap. */
const MAX_NUMBER_CELLS = 100;

export interface GridWindow {
  readonly top: number;
  readonly left: number;
  readonly height: number;
  readonly width: number;
}

interface Props {
  readonly values: ArrayLike<number>;
  readonly offset?: number;
  readonly height: number;
  readonly width: number;
  readonly label: string;
  /** Zero rows and columns drawn around the matrix (the padding). */
  readonly padding?: readonly [number, number];
  /** Cells under the kernel, in the matrix's own coordinates (may reach into the padding). */
  readonly window?: GridWindow | null;
  /** One cell marked (the unit selected, the value max pooling chose). */
  readonly marked?: { readonly row: number; readonly col: number } | null;
  /** Editable by keyboard: each cell a text field. */
  readonly onEdit?: (index: number, value: number) => void;
  /** Hovering or moving with the arrow keys selects a cell. */
  readonly onSelect?: (row: number, col: number) => void;
  readonly testId?: string;
  /** The heatmap's size for a large matrix. */
  readonly displaySize?: number;
}

function EditableCell({ value, label, onCommit }: { value: number; label: string; onCommit: (v: number) => void }) {
  const format = useFormat();
  const [text, setText] = useState(format.value(value));
  const [invalid, setInvalid] = useState(false);
  useEffect(() => {
    setText(format.value(value));
    setInvalid(false);
    // the text follows the value only when the value changes (a new preset), not while typing
  }, [value]);
  const commit = () => {
    const parsed = Number(text.replace('−', '-').replace(',', '.').trim());
    if (text.trim() === '' || !Number.isFinite(parsed) || Math.abs(parsed) > 1e6) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    if (parsed !== value) onCommit(parsed);
  };
  return (
    <input
      className="matrix__input"
      value={text}
      inputMode="decimal"
      aria-label={label}
      aria-invalid={invalid}
      title={invalid ? label : undefined}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
        if (e.key === 'Escape') {
          setText(format.value(value));
          setInvalid(false);
        }
      }}
    />
  );
}

/**
 * A small matrix written out as numbers (editable when asked), with its padding ring of zeros, the
 * kernel's window and a marked cell; a large one as a heatmap with the window drawn over it.
 */
export function MatrixGrid(props: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const { values, offset = 0, height, width, label, padding = [0, 0], window: win, marked, onEdit, onSelect, testId, displaySize = 196 } = props;
  const [ph, pw] = padding;

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (!onSelect || !marked) return;
    const move = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[event.key];
    if (!move) return;
    event.preventDefault();
    onSelect(Math.min(height - 1, Math.max(0, marked.row + move[0])), Math.min(width - 1, Math.max(0, marked.col + move[1])));
  };

  if (height * width > MAX_NUMBER_CELLS) {
    const limit = largestMagnitude(values, offset, height * width) || 1;
    const cell = displaySize / Math.max(height, width);
    const box = (w: GridWindow) => ({ top: w.top * cell, left: w.left * cell, width: w.width * cell, height: w.height * cell });
    return (
      <div
        className="matrix matrix--heatmap"
        style={{ padding: `${ph * cell}px ${pw * cell}px` }}
        data-testid={testId}
        tabIndex={onSelect ? 0 : undefined}
        role={onSelect ? 'grid' : undefined}
        aria-label={label}
        onKeyDown={onKeyDown}
      >
        <div className="matrix__stage">
          <HeatmapCanvas
            values={values}
            offset={offset}
            height={height}
            width={width}
            scale={[...Array.from({ length: height * width }, (_, i) => values[offset + i])].some((v) => v < 0) ? 'diverging' : 'sequential'}
            limit={limit}
            displaySize={displaySize}
            label={label}
            onHoverUnit={onSelect ? (u) => u && onSelect(u.row, u.col) : undefined}
          />
          {win && <span className="matrix__window" style={box(win)} aria-hidden="true" />}
          {marked && <span className="matrix__marked" style={box({ top: marked.row, left: marked.col, height: 1, width: 1 })} aria-hidden="true" />}
        </div>
      </div>
    );
  }

  const rows = [];
  for (let r = -ph; r < height + ph; r++) {
    const cells = [];
    for (let c = -pw; c < width + pw; c++) {
      const inside = r >= 0 && r < height && c >= 0 && c < width;
      const inWindow = win ? r >= win.top && r < win.top + win.height && c >= win.left && c < win.left + win.width : false;
      const isMarked = marked ? marked.row === r && marked.col === c : false;
      const index = r * width + c;
      const cls = ['matrix__cell', inside ? '' : 'matrix__cell--pad', inWindow ? 'matrix__cell--window' : '', isMarked ? 'matrix__cell--marked' : ''].join(' ').trim();
      cells.push(
        <td key={c} className={cls} onPointerEnter={onSelect && inside ? () => onSelect(r, c) : undefined} data-row={inside ? r : undefined} data-col={inside ? c : undefined}>
          {inside && onEdit ? (
            <EditableCell value={values[offset + index]} label={t('lab.cell', { name: label, row: r + 1, col: c + 1 })} onCommit={(v) => onEdit(offset + index, v)} />
          ) : (
            format.value(inside ? values[offset + index] : 0)
          )}
        </td>,
      );
    }
    rows.push(<tr key={r}>{cells}</tr>);
  }
  return (
    <table
      className={onSelect ? 'matrix matrix--select' : 'matrix'}
      aria-label={label}
      data-testid={testId}
      tabIndex={onSelect ? 0 : undefined}
      onKeyDown={onKeyDown}
    >
      <tbody>{rows}</tbody>
    </table>
  );
}
