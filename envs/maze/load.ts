import { readFile } from 'node:fs/promises';
import { FormatError } from '../../core/errors.js';
import { checkText } from '../text-file.js';
import { type Cell, createMaze, distancesFrom, FLOOR, type Maze, WALL } from './grid.js';

/**
 * ASCII maze files. One character per square:
 * - `#` wall; ` ` (space) or `.` floor; `S` the start (exactly one); `G` the goal (exactly one).
 * - Several mazes per file, separated by blank lines or by `;` comment lines (`; 7` names the next
 *   maze `7`, as in Boxoban level files). A maze's rows need not be equal in length: short rows are
 *   padded with walls on the right, and squares outside the grid count as walls.
 * - Every maze's goal must be reachable from its start.
 */

/** A maze read from a file, with where it came from. */
export interface MazeLevel {
  readonly maze: Maze;
  /** 1-based line of the maze's first row. */
  readonly line: number;
  /** Text of the `;` comment line right before the maze (e.g. `7`), when there is one. */
  readonly name?: string;
}

const ALLOWED = 'allowed: "#" wall, " " or "." floor, "S" start, "G" goal';

/**
 * Parses the text of a maze file, checking all of it first. Throws one {@link FormatError} that
 * lists every bad maze with its 1-based line (an unknown character, all of that maze's unknown
 * characters listed; a missing or repeated `S` or `G`; a goal that cannot be reached), or says the
 * file is empty, binary, or holds no maze at all.
 */
export function parseMazeFile(text: string, file?: string): MazeLevel[] {
  checkText(text, file ?? '<text>', `maze file (${ALLOWED})`);
  const levels: MazeLevel[] = [];
  const problems: FormatError[] = [];
  let block: { text: string; line: number }[] = [];
  let pendingName: string | undefined;
  let blockName: string | undefined;
  const flush = (): void => {
    if (block.length > 0) {
      try {
        levels.push(parseBlock(block, file, blockName));
      } catch (error) {
        if (!(error instanceof FormatError)) throw error;
        problems.push(error);
      }
    }
    block = [];
    blockName = undefined;
  };
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const content = raw.trimEnd().length === 0 ? '' : raw;
    if (content.trimStart().startsWith(';')) {
      flush();
      pendingName = content.trimStart().slice(1).trim() || undefined;
      continue;
    }
    if (content === '') {
      flush();
      continue;
    }
    if (block.length === 0) {
      blockName = pendingName;
      pendingName = undefined;
    }
    block.push({ text: content, line: index + 1 });
  }
  flush();
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) {
    const listed = problems.slice(0, 20).map((problem) => `  ${problem.message}`);
    if (problems.length > 20) listed.push(`  … and ${problems.length - 20} more`);
    throw new FormatError(
      `${where(file)}${problems.length} bad mazes; fix or remove them:\n${listed.join('\n')}`,
      locate(file, problems[0]?.line ?? 1),
    );
  }
  if (levels.length === 0) {
    throw new FormatError(`${where(file)}holds no maze; write rows of "#", " ", ".", "S" and "G" (${ALLOWED}).`, locate(file, 1));
  }
  return levels;
}

/** Reads and parses a maze file; see {@link parseMazeFile}. */
export async function loadMazeFile(path: string): Promise<MazeLevel[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new FormatError(`Cannot read maze file ${path}: ${(error as Error).message}. Check the \`levels\` path.`, { file: path }, error);
  }
  return parseMazeFile(text, path);
}

function parseBlock(block: readonly { text: string; line: number }[], file: string | undefined, name: string | undefined): MazeLevel {
  const first = block[0]?.line ?? 1;
  const unknown = new Set<string>();
  let unknownLine: number | undefined;
  let start: Cell | undefined;
  let goal: Cell | undefined;
  const width = Math.max(...block.map((row) => row.text.length));
  const grid: string[] = [];
  for (const [row, { text, line }] of block.entries()) {
    let squares = '';
    for (const [col, character] of [...text].entries()) {
      if (character === '#') squares += WALL;
      else if (character === ' ' || character === '.') squares += FLOOR;
      else if (character === 'S' || character === 'G') {
        const previous = character === 'S' ? start : goal;
        if (previous !== undefined) {
          const role = character === 'S' ? 'start' : 'goal';
          throw new FormatError(
            `${where(file)}line ${line}: a second ${role} "${character}" in the maze that begins on line ${first} ` +
              `(the first is at row ${previous.row}, col ${previous.col}); each maze has exactly one.`,
            locate(file, line),
          );
        }
        if (character === 'S') start = { row, col };
        else goal = { row, col };
        squares += FLOOR;
      } else {
        unknown.add(character);
        unknownLine ??= line;
        squares += WALL;
      }
    }
    grid.push(squares.padEnd(width, WALL));
  }
  if (unknown.size > 0) {
    const listed = [...unknown].map((character) => JSON.stringify(character)).join(', ');
    throw new FormatError(
      `${where(file)}line ${unknownLine}: unknown character(s) ${listed} (${ALLOWED}).`,
      locate(file, unknownLine ?? first),
    );
  }
  if (start === undefined || goal === undefined) {
    const missing = start === undefined ? 'a start "S"' : 'a goal "G"';
    throw new FormatError(
      `${where(file)}line ${first}: the maze that begins here has no ${missing.slice(2)}; add ${missing}.`,
      locate(file, first),
    );
  }
  const maze = createMaze(grid, start, goal);
  if ((distancesFrom(maze, start)[goal.row * maze.cols + goal.col] ?? -1) < 0) {
    throw new FormatError(
      `${where(file)}line ${first}: in the maze that begins here the goal "G" cannot be reached from the start "S".`,
      locate(file, first),
    );
  }
  return name === undefined ? { maze, line: first } : { maze, line: first, name };
}

function where(file: string | undefined): string {
  return file === undefined ? '' : `${file}: `;
}

function locate(file: string | undefined, line: number): { file?: string; line: number } {
  return file === undefined ? { line } : { file, line };
}
