/**
 * Sokoban levels: a static board (walls, goals) plus the starting player and boxes. Cells are
 * integer indices `row * width + column`, row 0 at the top, column 0 at the left.
 */

/** Walkable square. */
export const TILE_FLOOR = 0;
/** Wall square. */
export const TILE_WALL = 1;
/** Square outside the walls (never reachable); drawn as background. */
export const TILE_OUTSIDE = 2;

/** A level as loaded or generated. Immutable by convention; play state lives in `Game`. */
export interface Level {
  readonly width: number;
  readonly height: number;
  /** One of {@link TILE_FLOOR}, {@link TILE_WALL}, {@link TILE_OUTSIDE} per cell. */
  readonly tiles: Uint8Array;
  /** Goal cells, ascending. */
  readonly goals: readonly number[];
  /** Starting box cells, ascending; as many as goals. */
  readonly boxes: readonly number[];
  /** Starting player cell. */
  readonly player: number;
  /** A name for logs: the Boxoban number, the XSB title, or `generated`. */
  readonly name: string;
  /** Where the level was read from, for loaded levels. */
  readonly source?: { readonly file: string; readonly line: number };
}

/** A (row, column) pair, 0-based from the top-left corner. */
export interface Coordinates {
  readonly row: number;
  readonly column: number;
}

/** The (row, column) of a cell index. */
export function coordinatesOf(width: number, cell: number): Coordinates {
  return { row: Math.floor(cell / width), column: cell % width };
}

/** `(row,column)`, the way observations and rationales write positions. */
export function formatCell(width: number, cell: number): string {
  return `(${Math.floor(cell / width)},${cell % width})`;
}

/** Whether a cell blocks movement (wall or outside). */
export function isBlocked(level: Level, cell: number): boolean {
  return level.tiles[cell] !== TILE_FLOOR;
}

/** Symbols of the text grid (XSB notation, `_` for floor so whitespace never gets lost). */
export const SYMBOLS = {
  wall: '#',
  floor: '_',
  goal: '.',
  box: '$',
  boxOnGoal: '*',
  player: '@',
  playerOnGoal: '+',
  outside: ' ',
} as const;

/**
 * The text grid of a position in XSB notation: `#` wall, `_` floor, `.` goal, `$` box, `*` box on
 * a goal, `@` player, `+` player on a goal; squares outside the walls are spaces (trailing ones
 * dropped). The result parses back with `parseLevels`.
 */
export function formatGrid(level: Level, player: number, boxes: Iterable<number>): string {
  const boxSet = new Set(boxes);
  const goalSet = new Set(level.goals);
  const rows: string[] = [];
  for (let row = 0; row < level.height; row += 1) {
    let line = '';
    for (let column = 0; column < level.width; column += 1) {
      const cell = row * level.width + column;
      const tile = level.tiles[cell];
      const goal = goalSet.has(cell);
      if (tile === TILE_WALL) line += SYMBOLS.wall;
      else if (tile === TILE_OUTSIDE) line += SYMBOLS.outside;
      else if (cell === player) line += goal ? SYMBOLS.playerOnGoal : SYMBOLS.player;
      else if (boxSet.has(cell)) line += goal ? SYMBOLS.boxOnGoal : SYMBOLS.box;
      else line += goal ? SYMBOLS.goal : SYMBOLS.floor;
    }
    rows.push(line.trimEnd());
  }
  return rows.join('\n');
}
