import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { runEpisode } from '../../agents/episode.js';
import { parseModelOutput } from '../../agents/parse.js';
import { OraclePolicy } from '../../agents/policies/oracle.js';
import type { ModelOutput, Policy, PolicyContext } from '../../agents/policy.js';
import { checkEnv } from '../../core/check-env.js';
import { type Content, contentImages, contentText } from '../../core/content.js';
import type { StepResult } from '../../core/env.js';
import { EnvStateError, FormatError } from '../../core/errors.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { Random } from '../../core/random.js';
import { makeEnv } from '../../core/registry.js';
import type { GuardedEnv } from '../../core/wrappers.js';
import '../../envs/index.js';
import { mazeToText } from '../../envs/maze/ascii.js';
import { MAZE_TURNS } from '../../envs/maze/env.js';
import { generateMaze } from '../../envs/maze/generate.js';
import { distancesFrom, FLOOR, shortestPath, straightRuns } from '../../envs/maze/grid.js';
import { loadMazeFile, parseMazeFile } from '../../envs/maze/load.js';
import { mazeSvg, renderMazePng } from '../../envs/maze/render.js';
import { createDrawPathTool, drawPolyline, parsePointList } from '../../tools/image/draw-path.js';
import type { EpisodeRecord } from '../../trajectories/record.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/maze/mazes.txt', import.meta.url));

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function extraOf(result: { info: { extra?: Readonly<Record<string, unknown>> } }): { position: number[]; goal: number[]; moves: number } {
  return result.info.extra as { position: number[]; goal: number[]; moves: number };
}

function move(env: GuardedEnv, direction: string, steps?: number): Promise<StepResult> {
  return env.step({ type: 'tool_call', name: 'move', arguments: steps === undefined ? { direction } : { direction, steps } });
}

function drawPath(env: GuardedEnv, points: string): Promise<StepResult> {
  return env.step({ type: 'tool_call', name: 'draw_path', arguments: { points } });
}

function withoutTimings(record: EpisodeRecord): unknown {
  return { ...record, durationMs: 0, steps: record.steps.map((step) => ({ ...step, timing: null })) };
}

describe('maze generator', () => {
  it('carves perfect mazes: every room reachable, exactly one route (2wh - 1 floor squares)', () => {
    for (let seed = 0; seed < 30; seed += 1) {
      const width = 3 + (seed % 6);
      const height = 3 + ((seed * 7) % 9);
      const maze = generateMaze(new Random(seed), { width, height, loops: 0 });
      expect(maze.rows).toBe(2 * height + 1);
      expect(maze.cols).toBe(2 * width + 1);
      const floor = maze.grid
        .join('')
        .split('')
        .filter((square) => square === FLOOR).length;
      expect(floor).toBe(2 * width * height - 1);
      const distances = distancesFrom(maze, maze.start);
      expect([...distances].filter((distance) => distance >= 0)).toHaveLength(floor);
      const goalDistance = distances[maze.goal.row * maze.cols + maze.goal.col] as number;
      expect(goalDistance).toBe(Math.max(...distances));
      expect(maze.grid[0]).toBe('#'.repeat(maze.cols));
    }
  });

  it('knocks out extra walls with loops and is reproducible from the seed', () => {
    const perfect = generateMaze(new Random(5), { width: 9, height: 9, loops: 0 });
    const loopy = generateMaze(new Random(5), { width: 9, height: 9, loops: 0.5 });
    const floor = (grid: readonly string[]): number => grid.join('').split(FLOOR).length - 1;
    expect(floor(loopy.grid)).toBeGreaterThan(floor(perfect.grid));
    expect(generateMaze(new Random(5), { width: 9, height: 9, loops: 0.5 })).toEqual(loopy);
    expect(generateMaze(new Random(6), { width: 9, height: 9, loops: 0 }).grid).not.toEqual(perfect.grid);
  });

  it('plans a shortest route with the fewest turns', () => {
    const [level] = parseMazeFile(['#######', '#S....#', '#.....#', '#....G#', '#######'].join('\n'));
    const maze = level?.maze;
    if (maze === undefined) throw new Error('fixture maze missing');
    const path = shortestPath(maze, maze.start, maze.goal) ?? [];
    expect(path).toHaveLength(7);
    expect(straightRuns(path)).toHaveLength(2);
  });
});

describe('maze-v0 env', () => {
  it('passes checkEnv', async () => {
    const images = new MemoryImageStore();
    const env = await makeEnv('maze-v0', { images, options: { cellSize: 8 } });
    const report = await checkEnv(env, { images });
    expect(report.usedOracle).toBe(true);
    expect(report.imagesChecked).toBeGreaterThan(0);
    expect(env.maxTurns).toBe(MAZE_TURNS);
    for (const options of [
      { observation: 'ascii', loops: 0.5 },
      { observation: 'image', levels: FIXTURE, cellSize: 5 },
    ]) {
      const other = new MemoryImageStore();
      await checkEnv(await makeEnv('maze-v0', { images: other, options }), { images: other, seeds: [0, 4] });
    }
  });

  it('the oracle solves 200 seeded mazes of mixed sizes, with and without loops', async () => {
    const configurations = [
      { width: 3, height: 3, loops: 0 },
      { width: 5, height: 4, loops: 0 },
      { width: 7, height: 7, loops: 0 },
      { width: 8, height: 6, loops: 0.3 },
      { width: 4, height: 8, loops: 0.1 },
      { width: 8, height: 8, loops: 0 },
      { width: 8, height: 3, loops: 1 },
      { width: 6, height: 6, loops: 0.5 },
    ];
    let solved = 0;
    for (const [index, configuration] of configurations.entries()) {
      const images = new MemoryImageStore();
      const observation = index % 2 === 0 ? 'both' : 'ascii';
      const env = await makeEnv('maze-v0', { images, options: { ...configuration, cellSize: 4, observation } });
      for (let seed = 0; seed < 25; seed += 1) {
        const record = await runEpisode(env, new OraclePolicy(), { seed: seed * 31 + index, images });
        const last = record.steps[record.steps.length - 1];
        expect(record.success, `seed ${seed} of ${JSON.stringify(configuration)}`).toBe(true);
        expect(record.terminated).toBe(true);
        expect(record.counts.invalidActions).toBe(0);
        expect(record.steps[0]?.action).toMatchObject({ type: 'tool_call', name: 'draw_path' });
        expect(last?.extra?.position).toEqual(last?.extra?.goal);
        expect(last?.reward).toBeCloseTo(0.99);
        solved += 1;
      }
    }
    expect(solved).toBe(200);
  });

  it('gives identical PNG bytes and trajectories for the same seed', async () => {
    const run = async (): Promise<{ record: EpisodeRecord; hashes: string[] }> => {
      const images = new MemoryImageStore();
      const env = await makeEnv('maze-v0', { images, options: { width: 6, height: 5, loops: 0.2, cellSize: 10 } });
      const record = await runEpisode(env, new OraclePolicy(), { seed: 42, images });
      const refs = [record.task, ...record.steps.map((step) => step.observation)].flatMap((content) => contentImages(content));
      const hashes = await Promise.all(refs.map(async (ref) => sha256(await images.get(ref.sha256))));
      expect(hashes).toEqual(refs.map((ref) => ref.sha256));
      return { record, hashes };
    };
    const first = await run();
    const second = await run();
    expect(first.hashes.length).toBeGreaterThan(2);
    expect(second.hashes).toEqual(first.hashes);
    expect(JSON.stringify(withoutTimings(second.record))).toBe(JSON.stringify(withoutTimings(first.record)));
    const maze = generateMaze(new Random(9), { width: 7, height: 7, loops: 0 });
    expect(sha256(await renderMazePng(maze, maze.start, 24))).toBe(sha256(await renderMazePng(maze, maze.start, 24)));
  });

  it('renders frames pixel-equal to rasterising the whole SVG', async () => {
    for (const [seed, cellSize] of [
      [1, 24],
      [2, 7],
      [3, 4],
    ] as const) {
      const maze = generateMaze(new Random(seed), { width: 4, height: 3, loops: 0.3 });
      for (const player of [maze.start, maze.goal]) {
        const whole = await sharp(Buffer.from(mazeSvg(maze, player, cellSize)))
          .removeAlpha()
          .raw()
          .toBuffer();
        const layered = await sharp(await renderMazePng(maze, player, cellSize))
          .raw()
          .toBuffer();
        expect(sha256(layered), `seed ${seed}, ${cellSize} px`).toBe(sha256(whole));
      }
    }
  });

  it('reports a move into a wall as a tool error and moves no further than the walls allow', async () => {
    const env = await makeEnv('maze-v0', { options: { levels: FIXTURE, observation: 'ascii' } });
    const reset = await env.reset({ seed: 0 });
    expect(contentText(reset.observation)).toContain('You are at (1, 1); the goal is at (1, 5).');
    expect(contentImages(reset.observation)).toHaveLength(0);
    const blocked = await move(env, 'up');
    expect(blocked.info.invalid?.reason).toBe('tool-error');
    expect(contentText(blocked.observation)).toContain('a wall at (0, 1)');
    expect(contentText(blocked.observation)).toContain('Open directions from here: down, right');
    expect(blocked.reward).toBeCloseTo(-0.01);
    expect(extraOf(blocked).position).toEqual([1, 1]);
    const partial = await move(env, 'right', 10);
    expect(partial.info.invalid).toBeUndefined();
    expect(contentText(partial.observation)).toContain(
      'Moved right 2 squares of the 10 asked: (1, 1) -> (1, 3); blocked by a wall at (1, 4).',
    );
    expect(extraOf(partial)).toEqual({ position: [1, 3], goal: [1, 5], moves: 2 });
    const missingDirection = await env.step({ type: 'tool_call', name: 'move', arguments: { direction: 'north' } });
    expect(missingDirection.info.invalid?.reason).toBe('bad-arguments');
    expect(extraOf(await move(env, 'down'))).toMatchObject({ position: [2, 3] });
  });

  it('checks drawn paths without moving and explains bad point strings', async () => {
    const images = new MemoryImageStore();
    const env = await makeEnv('maze-v0', { images, options: { levels: FIXTURE, cellSize: 8 } });
    const reset = await env.reset({ seed: 0 });
    const good = await drawPath(env, '1,1; 1,3; 3,3; 3,5; 1,5');
    expect(good.info.invalid).toBeUndefined();
    expect(good.info.data).toEqual({ length: 8, startsAtPlayer: true, reachesGoal: true, wallsCrossed: [], valid: true });
    expect(contentText(good.observation)).toContain('Verdict: a clear route');
    const drawn = contentImages(good.observation)[0];
    expect(drawn?.sha256).not.toBe(contentImages(reset.observation)[0]?.sha256);
    expect(drawn === undefined ? undefined : await images.has(drawn.sha256)).toBe(true);
    expect(extraOf(good).position).toEqual([1, 1]);

    const throughWall = await drawPath(env, '(1,1); (1,5)');
    expect(throughWall.info.data).toMatchObject({ wallsCrossed: [[1, 4]], valid: false, reachesGoal: true });
    expect(contentText(throughWall.observation)).toContain('Walls crossed: 1, first at (1, 4).');
    expect(contentText(throughWall.observation)).toContain('X');

    for (const [points, expected] of [
      ['1,1 1,3', 'point 1'],
      ['1,1; 2,2', 'share neither a row nor a column'],
      ['1,1; 9,1', 'outside the maze'],
      ['1,1', 'between 2 and'],
      ['', 'empty'],
      ['a,b; 1,1', 'e.g. "1,1; 1,5; 3,5"'],
      ['1.5,1; 1,1', 'whole numbers'],
    ] as const) {
      const result = await drawPath(env, points);
      expect(result.info.invalid?.reason, points).toBe('tool-error');
      expect(contentText(result.observation)).toContain(expected);
    }
    expect(env.episode.invalidActions).toBe(7);
  });

  it('terminates with success at the goal and refuses steps after the end', async () => {
    const env = await makeEnv('maze-v0', { options: { levels: FIXTURE, cellSize: 4 } });
    await env.reset({ seed: 0 });
    await move(env, 'right', 2);
    await move(env, 'down', 2);
    await move(env, 'right', 2);
    const done = await move(env, 'up', 5);
    expect(done.terminated).toBe(true);
    expect(done.truncated).toBe(false);
    expect(done.info.success).toBe(true);
    expect(done.reward).toBeCloseTo(0.99);
    expect(contentText(done.observation)).toContain('You reached the goal in 4 moves!');
    expect(extraOf(done).position).toEqual([1, 5]);
    await expect(move(env, 'down')).rejects.toBeInstanceOf(EnvStateError);
  });

  it('stops a long move on the goal', async () => {
    const env = await makeEnv('maze-v0', { options: { levels: FIXTURE, observation: 'ascii' } });
    await env.reset({ seed: 2 });
    const done = await move(env, 'right', 9);
    expect(done.terminated).toBe(true);
    expect(extraOf(done).position).toEqual([1, 3]);
  });

  it('turns invalid model output into observations, not crashes', async () => {
    const images = new MemoryImageStore();
    const env = await makeEnv('maze-v0', { images, options: { cellSize: 4 } });
    await env.reset({ seed: 1 });
    const unknown = await env.step(parseModelOutput({ text: '<tool_call>{"name": "fly", "arguments": {}}</tool_call>' }));
    expect(unknown.terminated).toBe(false);
    expect(unknown.info.invalid?.reason).toBe('unknown-tool');
    expect(contentText(unknown.observation)).toContain('move, draw_path');
    const answer = await env.step(parseModelOutput({ text: '<answer>left</answer>' }));
    expect(answer.info.invalid?.reason).toBe('answer-not-accepted');

    const oracle = new OraclePolicy();
    const flaky: Policy = {
      name: 'flaky',
      begin: (context: PolicyContext) => oracle.begin(context),
      async act(context: PolicyContext): Promise<ModelOutput> {
        if (context.turns.length === 0) return { text: '<tool_call>{"name": "teleport", "arguments": {"row": 1}}</tool_call>' };
        if (context.turns.length === 1) return { text: 'I am not sure what to do.' };
        if (context.turns.length === 2)
          return { text: '<tool_call>{"name": "move", "arguments": {"direction": "up", "steps": 0}}</tool_call>' };
        return oracle.act(context);
      },
    };
    const record = await runEpisode(env, flaky, { seed: 1, images });
    expect(record.success).toBe(true);
    expect(record.steps.slice(0, 3).map((step) => step.invalid?.reason)).toEqual(['unknown-tool', 'no-action', 'bad-arguments']);
    expect(record.counts.invalidActions).toBe(3);
  });
});

describe('maze files', () => {
  it('parses the fixture: names, ragged rows, spaces and dots', async () => {
    const levels = await loadMazeFile(FIXTURE);
    expect(levels.map((level) => level.name)).toEqual(['corridor', 'spaces', 'ragged']);
    expect(levels.map((level) => level.line)).toEqual([2, 9, 15]);
    const [corridor, spaces, ragged] = levels.map((level) => level.maze);
    expect(corridor?.start).toEqual({ row: 1, col: 1 });
    expect(corridor?.goal).toEqual({ row: 1, col: 5 });
    expect(spaces?.grid[1]).toBe('#.......#');
    expect(ragged?.grid).toEqual(['#####', '#...#', '#####']);
    expect(corridor === undefined ? '' : mazeToText(corridor)).toBe(['#######', '#S..#G#', '#.#.#.#', '#.#...#', '#######'].join('\n'));
  });

  it('reports bad files with a FormatError at the right line', async () => {
    const cases: [string, number, string][] = [
      [['#####', '#S.G#', '#####', '', '#####', '#S~G#', '#?..#', '#####'].join('\n'), 6, '"~", "?"'],
      [['; 0', '#####', '#..G#', '#####'].join('\n'), 2, 'no start "S"'],
      [['#####', '#S.G#', '#.G.#', '#####'].join('\n'), 3, 'a second goal'],
      [['#####', '#S#G#', '#####'].join('\n'), 1, 'cannot be reached'],
      [['; nothing here', '', ';'].join('\n'), 1, 'holds no maze'],
    ];
    for (const [text, line, message] of cases) {
      let caught: unknown;
      try {
        parseMazeFile(text, 'bad.txt');
      } catch (error) {
        caught = error;
      }
      expect(caught, message).toBeInstanceOf(FormatError);
      expect((caught as FormatError).line, message).toBe(line);
      expect((caught as FormatError).file).toBe('bad.txt');
      expect((caught as FormatError).message).toContain(message);
    }
    const directory = await mkdtemp(join(tmpdir(), 'thinkgym-maze-'));
    const path = join(directory, 'bad.txt');
    await writeFile(path, '#####\n#S.G#\n#####\n\n#####\n#S.G#\n#.S.#\n#####\n');
    await expect(makeEnv('maze-v0', { options: { levels: path } })).rejects.toMatchObject({ line: 7, file: path });
    await expect(loadMazeFile(join(directory, 'missing.txt'))).rejects.toBeInstanceOf(FormatError);
  });

  it('plays maze i mod N with the levels option', async () => {
    const levels = await loadMazeFile(FIXTURE);
    const env = await makeEnv('maze-v0', { options: { levels: FIXTURE, observation: 'ascii' } });
    for (const seed of [0, 1, 2, 3, 7, -1]) {
      const level = levels[((seed % 3) + 3) % 3];
      const reset = await env.reset({ seed });
      expect(extraOf(reset)).toEqual({
        position: [level?.maze.start.row, level?.maze.start.col],
        goal: [level?.maze.goal.row, level?.maze.goal.col],
        moves: 0,
      });
      expect(contentText(reset.observation)).toContain(`Maze ${(((seed % 3) + 3) % 3) + 1} of 3 ("${level?.name}")`);
    }
    expect(env.maxTurns).toBe(50);
  });
});

describe('tools/image/draw-path', () => {
  const blank = (): Promise<Buffer> =>
    sharp({ create: { width: 40, height: 30, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer();

  it('draws a polyline deterministically and leaves the size alone', async () => {
    const png = await blank();
    const points = [
      { x: 5, y: 5 },
      { x: 35, y: 5 },
      { x: 35, y: 25 },
    ];
    const first = await drawPolyline(png, points, { color: '#ff0000', width: 2 });
    const second = await drawPolyline(png, points, { color: '#ff0000', width: 2 });
    expect(sha256(first)).toBe(sha256(second));
    expect(sha256(first)).not.toBe(sha256(await drawPolyline(png, [])));
    const { data, info } = await sharp(first).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([40, 30]);
    const pixel = (x: number, y: number): number[] => [
      ...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3),
    ];
    expect(pixel(20, 5)[1]).toBeLessThan(120);
    expect(pixel(20, 20)).toEqual([255, 255, 255]);
    await expect(drawPolyline(png, points, { color: 'red"/><script' })).rejects.toThrow(/colour/);
  });

  it('parses point lists and builds a generic draw_path tool', async () => {
    expect(parsePointList('1,2; (3, 4);[5,6];')).toEqual({
      ok: true,
      pairs: [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    });
    expect(parsePointList('1,2,3').ok).toBe(false);
    const png = await blank();
    const tool = createDrawPathTool<{ png: Buffer }>({ image: (state) => state.png });
    const images = new MemoryImageStore();
    const result = await tool.run({ points: '0,0; 30,0; 30,20' }, { state: { png }, images });
    expect(result.isError).toBeUndefined();
    expect(contentText(result.content)).toContain('50.0 px');
    expect(contentImages(result.content as Content)).toHaveLength(1);
    const outside = await tool.run({ points: '0,0; 90,0' }, { state: { png }, images });
    expect(outside.isError).toBe(true);
    expect(contentText(outside.content)).toContain('outside the image');
  });
});
