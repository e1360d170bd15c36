/** A unit of a map, by row and column. */
export interface UnitAt {
  readonly row: number;
  readonly col: number;
}

/** Where the keyboard cursor goes for an arrow key (and Home/End: the row's ends), or null for any other key. */
export function moveCursor(key: string, at: UnitAt | null, height: number, width: number, units: number): UnitAt | null {
  const start = at ?? { row: 0, col: 0 };
  const moves: Record<string, UnitAt> = {
    ArrowRight: { row: start.row, col: start.col + 1 },
    ArrowLeft: { row: start.row, col: start.col - 1 },
    ArrowDown: { row: start.row + 1, col: start.col },
    ArrowUp: { row: start.row - 1, col: start.col },
    Home: { row: start.row, col: 0 },
    End: { row: start.row, col: width - 1 },
  };
  const next = moves[key];
  if (!next) return null;
  // The first key shows the cursor where it is (the top-left unit), it does not move it yet.
  if (!at) return start;
  const row = Math.min(height - 1, Math.max(0, next.row));
  const col = Math.min(width - 1, Math.max(0, next.col));
  if (row * width + col >= units) return { row: Math.floor((units - 1) / width), col: (units - 1) % width };
  return { row, col };
}
