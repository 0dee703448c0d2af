import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runEpisode } from '../../agents/episode.js';
import { OraclePolicy } from '../../agents/policies/oracle.js';
import type { Content } from '../../core/content.js';
import type { Action } from '../../core/env.js';
import { ValidationError } from '../../core/errors.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { makeEnv } from '../../core/registry.js';
import type { GuardedEnv } from '../../core/wrappers.js';
import '../../envs/index.js';
import { CHART_BOUNDS } from '../../envs/chart/env.js';
import {
  CONTEXT_TOKENS,
  type ContextBounds,
  describeBounds,
  fitsContext,
  imageTokens,
  RESERVED_TOKENS,
  textTokens,
  worstEpisodeTokens,
} from '../../envs/context-budget.js';
import { GRAPH_BOUNDS } from '../../envs/graph/env.js';
import { MAZE_BOUNDS } from '../../envs/maze/env.js';
import { SOKOBAN_BOUNDS } from '../../envs/sokoban/env.js';

/**
 * Every env keeps its observations within the bounds its Options section documents, at the largest
 * options it allows: the oracle's episodes and a few calls chosen to make long replies. The bounds
 * themselves leave room in a 32k-token context for the longest episode.
 */

const scratch: string[] = [];
afterAll(async () => {
  for (const folder of scratch) await rm(folder, { recursive: true, force: true });
});

/** What an episode's observations came to. */
interface Tally {
  turns: number;
  characters: number;
  imageTokens: number;
  longest: number;
}

/** Checks one observation against the bounds and adds it to the tally. */
function check(bounds: ContextBounds, observation: Content, tally: Tally, where: string): void {
  let characters = 0;
  const images = observation.filter((part) => part.type === 'image');
  for (const part of observation) if (part.type === 'text') characters += part.text.length;
  expect(images.length, `${where}: images`).toBeLessThanOrEqual(bounds.image === undefined ? 0 : 1);
  for (const part of images) {
    expect(part.image.width, `${where}: image width`).toBeLessThanOrEqual(bounds.image?.width ?? 0);
    expect(part.image.height, `${where}: image height`).toBeLessThanOrEqual(bounds.image?.height ?? 0);
    expect(characters, `${where}: text beside an image`).toBeLessThanOrEqual(bounds.image?.characters ?? 0);
    tally.imageTokens += imageTokens(part.image.width, part.image.height);
  }
  expect(characters, `${where}: text`).toBeLessThanOrEqual(bounds.observationCharacters);
  tally.characters += characters;
  tally.longest = Math.max(tally.longest, characters);
}

/** Runs oracle episodes and extra actions (after a reset each) and checks every observation. */
async function expectWithin(
  id: string,
  bounds: ContextBounds,
  options: Record<string, unknown>,
  seeds: readonly number[],
  probes: readonly Action[] = [],
): Promise<Tally> {
  const images = new MemoryImageStore();
  const env: GuardedEnv = await makeEnv(id, { images, options });
  expect(env.maxTurns).toBe(bounds.turns);
  expect(env.spec.doc.options).toContain(describeBounds(bounds));
  expect(fitsContext(bounds), `${id}: ${worstEpisodeTokens(bounds)} tokens`).toBe(true);
  const worst: Tally = { turns: 0, characters: 0, imageTokens: 0, longest: 0 };
  for (const seed of seeds) {
    const record = await runEpisode(env, new OraclePolicy(), { seed, images });
    const tally: Tally = { turns: record.steps.length, characters: 0, imageTokens: 0, longest: 0 };
    check(bounds, record.task, tally, `${id} seed ${seed} reset`);
    for (const step of record.steps) check(bounds, step.observation, tally, `${id} seed ${seed} turn ${step.turn}`);
    let output = 0;
    for (const step of record.steps) output += step.output.text.length;
    // The whole oracle episode, its own turns included, fits the context with the reserve to spare.
    expect(textTokens(tally.characters + output) + tally.imageTokens).toBeLessThanOrEqual(CONTEXT_TOKENS - RESERVED_TOKENS);
    expect(tally.turns).toBeLessThanOrEqual(bounds.turns);
    worst.turns = Math.max(worst.turns, tally.turns);
    worst.characters = Math.max(worst.characters, tally.characters);
    worst.imageTokens = Math.max(worst.imageTokens, tally.imageTokens);
    worst.longest = Math.max(worst.longest, tally.longest);
  }
  for (const [index, action] of probes.entries()) {
    await env.reset({ seed: index });
    const result = await env.step(action);
    check(bounds, result.observation, worst, `${id} probe ${JSON.stringify(action)}`);
  }
  await env.close();
  return worst;
}

const call = (name: string, args: Record<string, unknown>): Action => ({ type: 'tool_call', name, arguments: args });

describe('context bounds at the largest options', () => {
  it('maze-v0 (8 x 8 rooms, 24 px squares, image and text)', async () => {
    const options = { width: 8, height: 8, cellSize: 24, observation: 'both' };
    const crossing = Array.from({ length: 17 }, (_, row) => `${row},${row % 2 === 0 ? 0 : 16}`).join('; ');
    const tally = await expectWithin(
      'maze-v0',
      MAZE_BOUNDS,
      options,
      [0, 1, 2, 3, 4, 5, 6, 7],
      [
        call('draw_path', { points: crossing }),
        call('draw_path', { points: '0,0; 0,16; 16,16; 16,0; 0,0' }),
        call('move', { direction: 'up', steps: 100 }),
      ],
    );
    expect(tally.turns).toBeGreaterThan(10);
  });

  it('maze-v0 refuses options and maze files beyond the bounds', async () => {
    await expect(makeEnv('maze-v0', { options: { width: 9 } })).rejects.toBeInstanceOf(ValidationError);
    await expect(makeEnv('maze-v0', { options: { cellSize: 25 } })).rejects.toBeInstanceOf(ValidationError);
    const folder = await mkdtemp(join(tmpdir(), 'thinkgym-bounds-'));
    scratch.push(folder);
    const file = join(folder, 'large.txt');
    const wide = ['#'.repeat(19), `#S${' '.repeat(15)}G#`, '#'.repeat(19)].join('\n');
    await writeFile(file, wide);
    await expect(makeEnv('maze-v0', { options: { levels: file } })).rejects.toThrow(
      /maze 1 is 3 x 19\. maze-v0 plays mazes of at most 17 x 17 squares/,
    );
  });

  it('sokoban-v0 (12 x 12 boards, 10 boxes, 32 px squares, image and text)', async () => {
    const options = { width: 12, height: 12, boxes: 10, difficulty: 1000, tileSize: 32, observation: 'both' };
    await expectWithin(
      'sokoban-v0',
      SOKOBAN_BOUNDS,
      options,
      [0, 1, 2, 3],
      [call('move', { direction: 'left', steps: 50 }), call('move', { direction: 'down', steps: 50 })],
    );
  });

  it('sokoban-v0 refuses boards beyond the bounds', async () => {
    await expect(makeEnv('sokoban-v0', { options: { width: 13 } })).rejects.toBeInstanceOf(ValidationError);
    await expect(makeEnv('sokoban-v0', { options: { tileSize: 33 } })).rejects.toBeInstanceOf(ValidationError);
    const folder = await mkdtemp(join(tmpdir(), 'thinkgym-bounds-'));
    scratch.push(folder);
    const file = join(folder, 'wide.xsb');
    await writeFile(file, ['#'.repeat(14), `#@$${' '.repeat(9)}.#`, '#'.repeat(14), ''].join('\n'));
    const env = await makeEnv('sokoban-v0', { options: { levels: file } });
    await expect(env.reset({ seed: 0 })).rejects.toThrow(/is 14x3 squares; sokoban-v0 plays boards of at most 12x12/);
  });

  it('graph-v0 (12 classes, 200-word texts, drawings on; every task kind)', async () => {
    const options = { classes: 12, wordsPerNode: 200, nodes: 2000, pIn: 0.05, pOut: 0.004, render: true };
    const probes = [
      call('neighbors', { id: 'n0', hops: 2, limit: 100 }),
      call('search_nodes', { query: 'a b c d e f g h i j k l m n o p', k: 20 }),
      call('get_node', { id: 'n1' }),
      call('render_subgraph', { id: 'n2', hops: 2 }),
    ];
    for (const task of ['path', 'classification', 'link']) {
      await expectWithin('graph-v0', GRAPH_BOUNDS, { ...options, task }, [0, 1, 2], task === 'path' ? probes : []);
    }
  });

  it('chart-v0 (1024 x 1024 charts; zoom results within the same size)', async () => {
    const options = { minWidth: 1024, maxWidth: 1024, minHeight: 1024, maxHeight: 1024, ocr: false, locate: true };
    await expectWithin(
      'chart-v0',
      CHART_BOUNDS,
      options,
      [0, 1, 2, 3, 4, 5],
      [
        call('zoom_in', { x1: 0, y1: 0, x2: 1024, y2: 1024, factor: 4 }),
        call('zoom_in', { x1: 100, y1: 100, x2: 400, y2: 200, factor: 4 }),
        call('locate', { name: '0' }),
      ],
    );
  });

  it('the arithmetic: 3 characters or 28 x 28 pixels per token, reserve kept', () => {
    expect(imageTokens(384, 384)).toBe(196);
    expect(textTokens(900)).toBe(300);
    for (const bounds of [MAZE_BOUNDS, SOKOBAN_BOUNDS, GRAPH_BOUNDS, CHART_BOUNDS]) {
      expect(worstEpisodeTokens(bounds)).toBeLessThanOrEqual(CONTEXT_TOKENS - RESERVED_TOKENS);
    }
    // The maze-v0 bounds before this revision (41 x 41 rooms, 64 px squares, 1681 turns) would not fit.
    expect(fitsContext({ observationCharacters: 7700, image: { width: 83 * 64, height: 83 * 64, characters: 7700 }, turns: 1681 })).toBe(
      false,
    );
  });
});
