import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runEpisode } from '../../agents/episode.js';
import { OraclePolicy } from '../../agents/policies/oracle.js';
import { checkEnv } from '../../core/check-env.js';
import { type Content, contentImages, contentText } from '../../core/content.js';
import { EnvStateError, FormatError, ValidationError } from '../../core/errors.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { Random } from '../../core/random.js';
import { makeEnv } from '../../core/registry.js';
import '../../envs/sokoban/index.js';
import { findDeadlocks } from '../../envs/sokoban/deadlock.js';
import { generateLevel } from '../../envs/sokoban/generate.js';
import { formatGrid, type Level, TILE_OUTSIDE } from '../../envs/sokoban/level.js';
import { loadLevels, parseLevels } from '../../envs/sokoban/load.js';
import { planCalls } from '../../envs/sokoban/oracle.js';
import { Game } from '../../envs/sokoban/rules.js';
import { solve } from '../../envs/sokoban/solve.js';

const path = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));
const UNFILTERED = path('../../assets/boxoban/unfiltered-test-000.txt');
const MEDIUM = path('../../assets/boxoban/medium-valid-000.txt');
const BOXOBAN_FIXTURE = path('../fixtures/sokoban/boxoban-unfiltered-test-000-first20.txt');
const RULES = path('../fixtures/sokoban/rules.xsb');

/** Level indices of tests/fixtures/sokoban/rules.xsb. */
const RULE_LEVEL = { twoBoxes: 0, onAndOff: 1, onePush: 2, walkThenPush: 3, cornerTrap: 4, playerOnGoal: 5 } as const;

function only(levels: readonly Level[]): Level {
  expect(levels).toHaveLength(1);
  return levels[0] as Level;
}

function cellsOf(level: Level, ...pairs: [number, number][]): number[] {
  return pairs.map(([row, column]) => row * level.width + column);
}

function formatError(run: () => unknown): FormatError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(FormatError);
    return error as FormatError;
  }
  throw new Error('expected a FormatError');
}

async function makeSokoban(options: Record<string, unknown> = {}) {
  const images = new MemoryImageStore();
  const env = await makeEnv('sokoban-v0', { images, options });
  return { env, images };
}

async function move(env: Awaited<ReturnType<typeof makeSokoban>>['env'], direction: string, steps?: number) {
  return env.step({ type: 'tool_call', name: 'move', arguments: steps === undefined ? { direction } : { direction, steps } });
}

describe('sokoban loader', () => {
  it.each([UNFILTERED, MEDIUM])('reads all 1,000 Boxoban levels of %s', async (file) => {
    const levels = await loadLevels(file);
    expect(levels).toHaveLength(1000);
    levels.forEach((level, index) => {
      expect(level.name).toBe(String(index));
      expect(level.width).toBe(10);
      expect(level.height).toBe(10);
      expect(level.boxes).toHaveLength(4);
      expect(level.goals).toHaveLength(level.boxes.length);
      expect(level.tiles[level.player]).toBe(0);
    });
    expect(await loadLevels(file)).toBe(levels);
  });

  it('parses XSB with titles, comments, * and + and - floor, and marks squares outside the walls', () => {
    const levels = parseLevels(
      [
        '; a collection',
        'Title: first',
        '  #####',
        '###-*-#',
        '#+$.$ #',
        '#  *  ##',
        '########',
        '',
        'Level 2',
        '#####',
        '#@$.#',
        '#####',
      ].join('\n'),
      'collection.xsb',
    );
    expect(levels.map((level) => level.name)).toEqual(['first', 'Level 2']);
    const first = levels[0] as Level;
    expect(first.source).toEqual({ file: 'collection.xsb', line: 3 });
    expect(first.width).toBe(8);
    expect(first.player).toBe(cellsOf(first, [2, 1])[0]);
    expect(first.goals).toEqual(cellsOf(first, [1, 4], [2, 1], [2, 3], [3, 3]));
    expect(first.boxes).toEqual(cellsOf(first, [1, 4], [2, 2], [2, 4], [3, 3]));
    expect(first.tiles[0]).toBe(TILE_OUTSIDE);
    expect(formatGrid(first, first.player, first.boxes)).toBe(['  #####', '###_*_#', '#+$.$_#', '#__*__##', '########'].join('\n'));
    const roundTrip = only(parseLevels(formatGrid(first, first.player, first.boxes)));
    expect([roundTrip.player, roundTrip.boxes, roundTrip.goals]).toEqual([first.player, first.boxes, first.goals]);
  });

  it('reads the fixture file with numbered Boxoban separators', async () => {
    const levels = await loadLevels(BOXOBAN_FIXTURE);
    expect(levels).toHaveLength(20);
    expect((await loadLevels(UNFILTERED)).slice(0, 20).map((level) => formatGrid(level, level.player, level.boxes))).toEqual(
      levels.map((level) => formatGrid(level, level.player, level.boxes)),
    );
  });

  it('rejects malformed levels with the file and line', () => {
    const unknown = formatError(() => parseLevels('; 0\n#####\n#@$.#\n#x  #\n#####', 'bad.txt'));
    expect([unknown.file, unknown.line]).toEqual(['bad.txt', 4]);
    expect(unknown.message).toMatch(/bad\.txt:4: unknown character "x" at column 2/);

    const noPlayer = formatError(() => parseLevels('\n\n; 7\n#####\n# $.#\n#####', 'bad.txt'));
    expect(noPlayer.line).toBe(4);
    expect(noPlayer.message).toMatch(/level "7" has no player/);

    const mismatch = formatError(() => parseLevels('#####\n#@$.#\n#$  #\n#####', 'bad.txt'));
    expect(mismatch.line).toBe(1);
    expect(mismatch.message).toMatch(/2 boxes but 1 goals/);

    expect(formatError(() => parseLevels('#####\n#@@$.#\n#####')).message).toMatch(/2 players/);
    expect(formatError(() => parseLevels('#####\n#@ $.\n#####')).message).toMatch(/not enclosed/);
    expect(formatError(() => parseLevels('#####\n#@  #\n#####')).message).toMatch(/no boxes/);
    expect(formatError(() => parseLevels('just a title\n')).message).toMatch(/no Sokoban levels/);
    expect(formatError(() => parseLevels('####\n#@*#\n####')).message).toMatch(/already solved/);
  });

  it('reports an unreadable file as a FormatError', async () => {
    await expect(loadLevels(join(tmpdir(), 'no-such-sokoban-file.txt'))).rejects.toBeInstanceOf(FormatError);
  });
});

describe('sokoban rules', () => {
  it('never pushes two boxes, never pushes into a wall', async () => {
    const level = (await loadLevels(RULES))[RULE_LEVEL.twoBoxes] as Level;
    const game = new Game(level);
    expect(game.move('right')).toEqual({ kind: 'box-blocked' });
    expect(game.move('left')).toEqual({ kind: 'wall' });
    expect(game.move('up')).toEqual({ kind: 'wall' });
    expect(game.moves).toBe(0);
    expect(game.move('down')).toEqual({ kind: 'walk' });
    expect(game.move('right')).toEqual({ kind: 'walk' });
    expect(game.move('up')).toEqual({ kind: 'box-blocked' });
    const pushable = only(parseLevels('######\n#@$$.#\n#__._#\n######'));
    const wallGame = new Game(pushable);
    expect(wallGame.move('right')).toEqual({ kind: 'box-blocked' });
    expect(wallGame.boxes()).toEqual(pushable.boxes);
  });

  it('pays the shaped rewards: step penalty, box on and off goals, solving', async () => {
    const { env } = await makeSokoban({ levels: RULES });
    await env.reset({ seed: RULE_LEVEL.twoBoxes });
    const blocked = await move(env, 'right');
    expect(blocked.reward).toBeCloseTo(-0.1);
    expect(blocked.info.invalid).toBeUndefined();
    expect(contentText(blocked.observation)).toMatch(/could not move right: the box ahead cannot move/);
    const stopped = await move(env, 'down', 5);
    expect(stopped.reward).toBeCloseTo(-0.2);
    expect(contentText(stopped.observation)).toMatch(/Stopped after 1 of 5: a wall is in the way/);

    await env.reset({ seed: RULE_LEVEL.onAndOff });
    const off = await move(env, 'right');
    expect(off.reward).toBeCloseTo(-1.1);
    expect(off.info.extra?.boxesOnGoals).toBe(0);
    const on = await move(env, 'right');
    expect(on.reward).toBeCloseTo(0.9);
    expect(on.terminated).toBe(false);
    expect(on.info.extra?.boxesOnGoals).toBe(1);

    await env.reset({ seed: RULE_LEVEL.onePush });
    const solved = await move(env, 'right');
    expect(solved.reward).toBeCloseTo(10.9);
    expect([solved.terminated, solved.truncated, solved.info.success]).toEqual([true, false, true]);
    await expect(move(env, 'left')).rejects.toBeInstanceOf(EnvStateError);

    await env.reset({ seed: RULE_LEVEL.walkThenPush });
    const walked = await move(env, 'right', 10);
    expect(walked.reward).toBeCloseTo(4 * -0.1 + 1 + 10);
    expect(walked.terminated).toBe(true);
    expect(walked.info.extra?.moves).toBe(4);
  });

  it('takes reward values from options', async () => {
    const { env } = await makeSokoban({ levels: RULES, rewardStep: '-0.5', rewardBoxOnGoal: 2, rewardSolved: 1 });
    await env.reset({ seed: RULE_LEVEL.onePush });
    expect((await move(env, 'right')).reward).toBeCloseTo(2.5);
  });

  it('reports corner, frozen and dead-square deadlocks in info.extra', async () => {
    const { env } = await makeSokoban({ levels: RULES });
    const reset = await env.reset({ seed: RULE_LEVEL.cornerTrap });
    expect(reset.info.extra).toMatchObject({ deadlocked: false, boxes: 1, boxesOnGoals: 0, player: { row: 1, column: 3 } });
    const trapped = await move(env, 'left');
    expect(trapped.info.extra).toMatchObject({
      deadlocked: true,
      deadlocks: { corner: [{ row: 1, column: 1 }], frozen: [{ row: 1, column: 1 }], deadSquare: [{ row: 1, column: 1 }] },
    });

    const open = only(parseLevels(['#######', '#.____#', '#_$$__#', '#_$$_.#', '#.@__.#', '#######'].join('\n')));
    const block = findDeadlocks(open, open.boxes);
    expect(block.frozen).toEqual(open.boxes);
    expect(block.corner).toEqual([]);
    expect(block.deadSquare).toEqual([]);

    const row = only(parseLevels(['#######', '#_..__#', '#_@___#', '#__$$_#', '#######'].join('\n')));
    expect(findDeadlocks(row, row.boxes)).toEqual({ corner: [], frozen: row.boxes, deadSquare: row.boxes });
    const onGoal = only(parseLevels(['#####', '#*__#', '#_@$#', '#__.#', '#####'].join('\n')));
    expect(findDeadlocks(onGoal, onGoal.boxes)).toEqual({ corner: [], frozen: [], deadSquare: [] });
  });
});

describe('sokoban solver and generator', () => {
  it('solves push-optimally, proves dead positions unsolvable and stops at its budget', async () => {
    const level = (await loadLevels(RULES))[RULE_LEVEL.onAndOff] as Level;
    const result = solve(level);
    expect(result.status).toBe('solved');
    const game = new Game(level);
    for (const direction of result.moves) expect(game.move(direction).kind).not.toMatch(/wall|blocked/);
    expect(game.solved).toBe(true);
    expect(result.pushes.length).toBe(game.pushes);
    expect(solve(level, level, { algorithm: 'bfs', deadlocks: false }).pushes.length).toBe(result.pushes.length);
    expect(solve((await loadLevels(RULES))[RULE_LEVEL.twoBoxes] as Level).status).toBe('unsolvable');
    const hard = (await loadLevels(BOXOBAN_FIXTURE))[0] as Level;
    expect(solve(hard, hard, { maxNodes: 5 }).status).toBe('budget');
  });

  it('groups moves into calls with steps and writes a rationale for each', async () => {
    const level = (await loadLevels(RULES))[RULE_LEVEL.walkThenPush] as Level;
    const calls = planCalls(new Game(level), solve(level).moves);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ direction: 'right', steps: 4 });
    expect(calls[0]?.thought).toBe(
      'Walk right 3 squares to the box at (1,5) and push it right 1 square onto the goal at (1,6). That puts the last box on its goal.',
    );
  });

  it('generates solvable levels of the requested size and box count, the same for the same seed', () => {
    for (const options of [{}, { width: 7, height: 7, boxes: 2 }, { width: 12, height: 9, boxes: 4, difficulty: 60 }]) {
      for (let seed = 0; seed < 5; seed += 1) {
        const level = generateLevel(new Random(seed), options);
        expect(level.width).toBe(options.width ?? 10);
        expect(level.height).toBe(options.height ?? 10);
        if (options.boxes !== undefined) expect(level.boxes).toHaveLength(options.boxes);
        else expect([2, 3]).toContain(level.boxes.length);
        expect(solve(level).status).toBe('solved');
        const again = generateLevel(new Random(seed), options);
        expect(formatGrid(again, again.player, again.boxes)).toBe(formatGrid(level, level.player, level.boxes));
      }
    }
  });
});

describe('sokoban-v0 env', () => {
  it('passes checkEnv with generated levels and with a Boxoban file', async () => {
    for (const options of [{}, { levels: UNFILTERED }]) {
      const { env, images } = await makeSokoban(options);
      const report = await checkEnv(env, { images });
      expect(report.usedOracle).toBe(true);
      expect(report.imagesChecked).toBeGreaterThan(0);
    }
  });

  it('shows the image and the text grid in the same step, or one of them by option', async () => {
    const both = await makeSokoban({ levels: BOXOBAN_FIXTURE, tileSize: 16 });
    const reset = await both.env.reset({ seed: 0 });
    const level = (await loadLevels(BOXOBAN_FIXTURE))[0] as Level;
    const grid = formatGrid(level, level.player, level.boxes);
    expect(contentText(reset.observation)).toContain(grid);
    expect(contentImages(reset.observation)).toEqual([expect.objectContaining({ width: 160, height: 160, mime: 'image/png' })]);
    const ascii = await makeSokoban({ levels: BOXOBAN_FIXTURE, observation: 'ascii' });
    const textOnly = await ascii.env.reset({ seed: 0 });
    expect(contentImages(textOnly.observation)).toHaveLength(0);
    expect(contentText(textOnly.observation)).toContain(grid);
    const picture = await makeSokoban({ levels: BOXOBAN_FIXTURE, observation: 'image' });
    const imageOnly = await picture.env.reset({ seed: 0 });
    expect(contentImages(imageOnly.observation)).toHaveLength(1);
    expect(contentText(imageOnly.observation)).not.toContain(grid);
    await expect(makeSokoban({ observation: 'video' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('gives the same level and PNG for the same seed; seed i plays level i mod N', async () => {
    const digest = async (images: MemoryImageStore, observation: Content) => {
      const [ref] = contentImages(observation);
      if (ref === undefined) throw new Error('no image');
      return createHash('sha256')
        .update(await images.get(ref.sha256))
        .digest('hex');
    };
    const first = await makeSokoban();
    const second = await makeSokoban();
    const a = await first.env.reset({ seed: 42 });
    await first.env.reset({ seed: 7 });
    const b = await second.env.reset({ seed: 42 });
    expect(contentText(a.observation)).toBe(contentText(b.observation));
    expect(await digest(first.images, a.observation)).toBe(await digest(second.images, b.observation));
    const other = await first.env.reset({ seed: 43 });
    expect(contentText(other.observation)).not.toBe(contentText(a.observation));

    const { env } = await makeSokoban({ levels: BOXOBAN_FIXTURE });
    const levels = await loadLevels(BOXOBAN_FIXTURE);
    for (const [seed, index] of [
      [0, 0],
      [3, 3],
      [23, 3],
      [-17, 3],
      [39, 19],
    ] as const) {
      const reset = await env.reset({ seed });
      expect(reset.info.extra).toMatchObject({ levelIndex: index, level: String(index) });
      const level = levels[index] as Level;
      expect(contentText(reset.observation)).toContain(formatGrid(level, ...startOf(level)));
    }
  });

  it('lets the oracle solve 30 generated levels and the first 20 Boxoban levels', async () => {
    const generated = await makeSokoban({ observation: 'ascii' });
    for (let seed = 0; seed < 30; seed += 1) {
      const record = await runEpisode(generated.env, new OraclePolicy(), { seed, images: generated.images });
      expect(record.success, `generated seed ${seed}`).toBe(true);
    }
    const boxoban = await makeSokoban({ levels: BOXOBAN_FIXTURE });
    for (let seed = 0; seed < 20; seed += 1) {
      const record = await runEpisode(boxoban.env, new OraclePolicy(), { seed, images: boxoban.images });
      expect(record.success, `Boxoban level ${seed}`).toBe(true);
      expect(record.counts.invalidActions).toBe(0);
      expect(record.steps.at(-1)?.extra).toMatchObject({ solved: true, boxesOnGoals: 4, deadlocked: false });
      const first = record.steps[0]?.output.text ?? '';
      expect(first).toMatch(/^<think>(Walk|Push) .+<\/think>\n<tool_call>/);
    }
  });

  it('re-plans when the position is not the one the oracle expected', async () => {
    const { env } = await makeSokoban({ levels: RULES, observation: 'ascii' });
    await env.reset({ seed: RULE_LEVEL.onAndOff });
    const oracle = env.oracle();
    await move(env, 'down');
    let last = await move(env, 'right');
    for (let turn = 0; turn < 40 && !last.terminated; turn += 1) {
      const step = await oracle.next({ observation: last.observation, info: last.info });
      if (step.action.type !== 'tool_call') throw new Error('expected a move');
      last = await env.step(step.action);
    }
    expect(last.info.success).toBe(true);
  });

  it('reads a levels file given as an option path once per path', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'sokoban-'));
    const file = join(directory, 'one.xsb');
    await writeFile(file, '####\n#@$.#\n####\n');
    const { env } = await makeSokoban({ levels: file });
    await env.reset({ seed: 5 });
    expect((await move(env, 'right')).info.success).toBe(true);
    await writeFile(file, 'changed on disk\n');
    await env.reset({ seed: 0 });
    await expect(
      makeSokoban({ levels: join(directory, 'missing.xsb') }).then(({ env: missing }) => missing.reset({ seed: 0 })),
    ).rejects.toThrow(/Cannot read Sokoban levels/);
  });
});

function startOf(level: Level): [number, readonly number[]] {
  return [level.player, level.boxes];
}
