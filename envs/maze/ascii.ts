import { type Cell, FLOOR, type Maze, sameCell } from './grid.js';

/** Characters of the ASCII view. */
export const VIEW_CHARACTERS = { wall: '#', floor: '.', player: '@', goal: 'G', path: '*', pathOnWall: 'X' } as const;

/**
 * The ASCII view of a maze: `#` wall, `.` floor, `@` player, `G` goal, framed by coordinate rulers
 * (column digits on top, the tens digit above every tenth column; row numbers on the left), so a
 * model can read `(row, col)` off the text. `marks` overrides squares (e.g. a drawn path), keyed by
 * `row * cols + col`; the player and goal stay visible on top of marks.
 */
export function asciiView(maze: Maze, player: Cell, marks?: ReadonlyMap<number, string>): string {
  const labelWidth = String(maze.rows - 1).length;
  const pad = ' '.repeat(labelWidth + 1);
  const lines: string[] = [];
  if (maze.cols > 10) {
    let tens = '';
    for (let col = 0; col < maze.cols; col += 1) tens += col % 10 === 0 ? String(Math.floor(col / 10) % 10) : ' ';
    lines.push(`${pad}${tens}`.trimEnd());
  }
  let ones = '';
  for (let col = 0; col < maze.cols; col += 1) ones += String(col % 10);
  lines.push(`${pad}${ones}`);
  for (const [row, line] of maze.grid.entries()) {
    let view = '';
    for (let col = 0; col < maze.cols; col += 1) {
      const cell = { row, col };
      if (sameCell(cell, player)) view += VIEW_CHARACTERS.player;
      else if (sameCell(cell, maze.goal)) view += VIEW_CHARACTERS.goal;
      else view += marks?.get(row * maze.cols + col) ?? (line[col] === FLOOR ? VIEW_CHARACTERS.floor : VIEW_CHARACTERS.wall);
    }
    lines.push(`${String(row).padStart(labelWidth)} ${view}`);
  }
  return lines.join('\n');
}

/** The maze in the loader's file format (`#`, `.`, `S`, `G`), without rulers. */
export function mazeToText(maze: Maze): string {
  return maze.grid
    .map((line, row) =>
      [...line]
        .map((square, col) => (sameCell({ row, col }, maze.start) ? 'S' : sameCell({ row, col }, maze.goal) ? 'G' : square))
        .join(''),
    )
    .join('\n');
}
