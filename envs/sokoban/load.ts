import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FormatError } from '../../core/errors.js';
import { checkText } from '../text-file.js';
import { type Level, TILE_FLOOR, TILE_OUTSIDE, TILE_WALL } from './level.js';

const BOARD_CHARACTERS = new Set(['#', '@', '+', '$', '*', '.', ' ', '-', '_']);

/**
 * Parses Sokoban levels in Boxoban or XSB notation.
 *
 * Boxoban files are 10x10 boards after `; N` lines. XSB is the common exchange format: `#` wall,
 * `@` player, `+` player on a goal, `$` box, `*` box on a goal, `.` goal, and space, `-` or `_`
 * floor. A board row is a line whose first non-blank character is `#` (after any `-`/`_`); every
 * other non-blank line (`; 12`, `Title: …`, `Level 3`, comments) ends the board before it, and
 * so do blank lines. A title or `; N` line just before a board names it. Squares the player can
 * never reach become {@link TILE_OUTSIDE}.
 *
 * The whole file is checked before anything is returned: one {@link FormatError} lists every bad
 * level with its 1-based line (an unknown character in a board row, no player or several, no
 * boxes, as many boxes as goals not holding, every box already on a goal, a player not enclosed by
 * walls, a box or goal out of the player's reach), and an empty or binary file is refused.
 */
export function parseLevels(text: string, file = '<text>'): Level[] {
  checkText(text, file, 'Sokoban level file (Boxoban or XSB notation)');
  const lines = text.split(/\r?\n/);
  const levels: Level[] = [];
  const problems: LevelProblem[] = [];
  let rows: string[] = [];
  let firstLine = 0;
  let title = '';
  let pendingTitle = '';
  let count = 0;
  const finish = (): void => {
    if (rows.length > 0) {
      const built = buildLevel(rows, firstLine, title === '' ? String(count) : title);
      if ('problem' in built) problems.push(built);
      else levels.push({ ...built, source: { file, line: firstLine } });
      count += 1;
    }
    rows = [];
  };
  for (let index = 0; index < lines.length; index += 1) {
    const line = (lines[index] as string).replace(/\s+$/, '');
    const lineNumber = index + 1;
    if (isBoardRow(line)) {
      if (rows.length === 0) {
        firstLine = lineNumber;
        title = pendingTitle;
        pendingTitle = '';
      }
      const unknown: string[] = [];
      for (let column = 0; column < line.length; column += 1) {
        const character = line[column] as string;
        if (!BOARD_CHARACTERS.has(character)) unknown.push(`${JSON.stringify(character)} at column ${column + 1}`);
      }
      if (unknown.length > 0) {
        problems.push({
          line: lineNumber,
          problem:
            `unknown character ${unknown.join(', ')} in a board row; ` +
            'use # wall, @ player, + player on goal, $ box, * box on goal, . goal, and space, - or _ for floor',
        });
      }
      rows.push(line);
      continue;
    }
    finish();
    const trimmed = line.trim();
    if (trimmed !== '') pendingTitle = levelTitle(trimmed);
  }
  finish();
  if (problems.length > 0) throw levelProblems(file, problems, count);
  if (levels.length === 0) {
    throw new FormatError(`${file}: no Sokoban levels found; expected board rows of # @ $ . characters (Boxoban or XSB notation).`, {
      file,
    });
  }
  return levels;
}

/** A problem with one level (or one board row), at a 1-based line. */
interface LevelProblem {
  readonly line: number;
  readonly problem: string;
}

/** How many problems a level-file error lists before "… and N more". */
const LISTED = 20;

/** One error that lists every bad level of a file with its line. */
function levelProblems(file: string, problems: readonly LevelProblem[], levels: number): FormatError {
  const sorted = [...problems].sort((a, b) => a.line - b.line);
  const listed = sorted.slice(0, LISTED).map((entry) => `  ${file}:${entry.line}: ${entry.problem}`);
  if (sorted.length > LISTED) listed.push(`  … and ${sorted.length - LISTED} more`);
  const first = sorted[0] as LevelProblem;
  return new FormatError(`${file}: ${sorted.length} problem(s) in ${levels} level(s); fix or remove these levels:\n${listed.join('\n')}`, {
    file,
    line: first.line,
  });
}

/** Whether a line is a board row: its first character other than floor markers is `#`. */
function isBoardRow(line: string): boolean {
  const match = /^[ \-_]*([^ \-_])/.exec(line);
  return match !== null && match[1] === '#';
}

/** A level name from a title or comment line: `; 12` → `12`, `Title: Foo` → `Foo`. */
function levelTitle(line: string): string {
  const stripped = line
    .replace(/^;+\s*/, '')
    .replace(/^title:\s*/i, '')
    .trim();
  return stripped === '' ? '' : stripped;
}

function buildLevel(rows: readonly string[], firstLine: number, name: string): Omit<Level, 'source'> | LevelProblem {
  const width = Math.max(...rows.map((row) => row.length));
  const height = rows.length;
  const tiles = new Uint8Array(width * height).fill(TILE_WALL);
  const goals: number[] = [];
  const boxes: number[] = [];
  const players: number[] = [];
  const where = (cell: number): string => `line ${firstLine + Math.floor(cell / width)}, column ${(cell % width) + 1}`;
  const fail = (message: string, line = firstLine): LevelProblem => ({ line, problem: `level ${JSON.stringify(name)} ${message}` });
  rows.forEach((row, rowIndex) => {
    for (let column = 0; column < width; column += 1) {
      const character = row[column] ?? ' ';
      const cell = rowIndex * width + column;
      if (character === '#') continue;
      tiles[cell] = TILE_FLOOR;
      if (character === '.' || character === '*' || character === '+') goals.push(cell);
      if (character === '$' || character === '*') boxes.push(cell);
      if (character === '@' || character === '+') players.push(cell);
    }
  });
  if (players.length === 0) return fail('has no player; mark the player with @ (or + on a goal).');
  if (players.length > 1) {
    return fail(`has ${players.length} players (at ${players.map(where).join('; ')}); keep exactly one @ or +.`);
  }
  if (boxes.length === 0) return fail('has no boxes; mark boxes with $ (or * on a goal).');
  if (boxes.length !== goals.length) {
    return fail(`has ${boxes.length} boxes but ${goals.length} goals; every box needs a goal (. or * or +).`);
  }
  if (boxes.every((box) => goals.includes(box)))
    return fail('is already solved: every box is on a goal; start at least one box off its goal.');
  const player = players[0] as number;
  // Flood from the player through non-wall squares; touching the border means an open level.
  const reached = new Uint8Array(tiles.length);
  const stack = [player];
  reached[player] = 1;
  while (stack.length > 0) {
    const cell = stack.pop() as number;
    const row = Math.floor(cell / width);
    const column = cell % width;
    if (row === 0 || column === 0 || row === height - 1 || column === width - 1) {
      return fail(`is not enclosed by walls: the player can walk off the board at ${where(cell)}.`, firstLine + row);
    }
    for (const next of [cell - width, cell + width, cell - 1, cell + 1]) {
      if (reached[next] === 1 || tiles[next] !== TILE_FLOOR) continue;
      reached[next] = 1;
      stack.push(next);
    }
  }
  for (const cell of [...boxes, ...goals]) {
    if (reached[cell] !== 1)
      return fail(`has a box or goal the player can never reach, at ${where(cell)}.`, firstLine + Math.floor(cell / width));
  }
  for (let cell = 0; cell < tiles.length; cell += 1) if (tiles[cell] === TILE_FLOOR && reached[cell] !== 1) tiles[cell] = TILE_OUTSIDE;
  return {
    width,
    height,
    tiles,
    goals: goals.sort((a, b) => a - b),
    boxes: boxes.sort((a, b) => a - b),
    player,
    name,
  };
}

const cache = new Map<string, Promise<readonly Level[]>>();

/**
 * Reads and parses a level file (Boxoban or XSB), once per resolved path: later calls share the
 * parsed levels. Throws a {@link FormatError} when the file cannot be read or parsed.
 */
export function loadLevels(path: string): Promise<readonly Level[]> {
  const file = resolve(path);
  let levels = cache.get(file);
  if (levels === undefined) {
    levels = readFile(file, 'utf8').then(
      (text) => parseLevels(text, path),
      (error: unknown) => {
        throw new FormatError(
          `Cannot read Sokoban levels from ${path}: ${(error as Error).message}. Pass --option levels=<path of a Boxoban or XSB file>.`,
          { file: path },
          error,
        );
      },
    );
    levels.catch(() => cache.delete(file));
    cache.set(file, levels);
  }
  return levels;
}
