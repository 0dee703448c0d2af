import { describe, expect, it } from 'vitest';
import '../../envs/index.js';
import { makeEnv } from '../../core/registry.js';
import type { ToolSpec } from '../../core/tool.js';
import { candidateAction, candidateIndex, deriveActionSpace, intersectionOverUnion } from '../../train/action-space.js';

describe('action spaces derived from tool schemas', () => {
  it('maze-v0: move becomes 4 directions × steps 1..16, draw_path is left out', async () => {
    const env = await makeEnv('maze-v0', { options: { width: 3, height: 3, observation: 'ascii' } });
    const space = deriveActionSpace(env.tools);
    expect(space.candidates).toHaveLength(64);
    expect(new Set(space.candidates.map((candidate) => candidate.tool))).toEqual(new Set(['move']));
    expect(space.candidates.map((candidate) => candidate.fixed.direction).slice(0, 4)).toEqual(['up', 'up', 'up', 'up']);
    const steps = space.candidates.filter((candidate) => candidate.fixed.direction === 'left').map((candidate) => candidate.fixed.steps);
    expect(steps).toEqual(Array.from({ length: 16 }, (_, index) => index + 1));
    expect(space.excluded).toEqual([{ tool: 'draw_path', reason: 'required argument `points` (string) cannot be discretized' }]);
    expect(space.notes).toEqual(['move.steps: 1..100 kept 1..16']);
  });

  it('chart-v0: boxes become a 1 + 4 + 9 grid, lines and locate are left out, answer needs an answer set', async () => {
    const env = await makeEnv('chart-v0');
    const space = deriveActionSpace(env.tools);
    const zooms = space.candidates.filter((candidate) => candidate.tool === 'zoom_in');
    expect(zooms).toHaveLength(14);
    expect(zooms[0]?.box).toEqual({ x1: 0, y1: 0, x2: 1, y2: 1 });
    expect(zooms[1]?.box).toEqual({ x1: 0, y1: 0, x2: 0.5, y2: 0.5 });
    expect(zooms[13]?.box).toEqual({ x1: 2 / 3, y1: 2 / 3, x2: 1, y2: 1 });
    expect(zooms.every((candidate) => candidate.fixed.factor === 2)).toBe(true);
    expect(space.excluded.map((exclusion) => exclusion.tool).sort()).toEqual([
      'answer',
      'draw_horizontal_line',
      'draw_vertical_line',
      'locate',
    ]);
    expect(space.frames.zoom_in).toBe('pixel');
    const withAnswers = deriveActionSpace(env.tools, { answers: ['yes', 'no'], exclude: ['crop', 'ocr'] });
    expect(withAnswers.candidates.map((candidate) => candidate.label).slice(-2)).toEqual(['answer(yes)', 'answer(no)']);
    expect(withAnswers.candidates).toHaveLength(16);
  });

  it('resolves boxes per image and maps recorded actions back to their candidate', async () => {
    const env = await makeEnv('chart-v0');
    const space = deriveActionSpace(env.tools, { answers: ['yes', 'no'] });
    const image = { width: 600, height: 400 };
    for (let index = 0; index < space.candidates.length; index += 1) {
      expect(candidateIndex(space, candidateAction(space, index, image), image)).toBe(index);
    }
    const quarter = candidateAction(space, 4, image);
    expect(quarter).toEqual({ type: 'tool_call', name: 'zoom_in', arguments: { factor: 2, x1: 300, y1: 200, x2: 600, y2: 400 } });
    // A box close to the lower-right quarter maps to it; an answer outside the set maps to nothing.
    const near = { type: 'tool_call' as const, name: 'zoom_in', arguments: { x1: 310, y1: 190, x2: 590, y2: 400, factor: 3 } };
    expect(space.candidates[candidateIndex(space, near, image) as number]?.label).toBe('zoom_in(box=0.50,0.50,1.00,1.00,factor=2)');
    expect(candidateIndex(space, { type: 'answer', answer: ' YES ' }, image)).toBe(space.candidates.length - 2);
    expect(candidateIndex(space, { type: 'answer', answer: 'maybe' }, image)).toBeUndefined();
  });

  it('reads a 0..1000 frame from the schema and needs no image for it', () => {
    const tool: ToolSpec = {
      name: 'zoom_in',
      description: 'zoom',
      parameters: {
        type: 'object',
        properties: {
          x1: { type: 'number', description: 'Left edge, in 0..1000 units.' },
          y1: { type: 'number', description: 'Top edge (0..1000).' },
          x2: { type: 'number', description: 'Right edge (0..1000).' },
          y2: { type: 'number', description: 'Bottom edge (0..1000).' },
          flip: { type: 'boolean' },
        },
        required: ['x1', 'y1', 'x2', 'y2', 'flip'],
      },
    };
    const space = deriveActionSpace([tool], { boxScales: [2] });
    expect(space.frames.zoom_in).toBe(1000);
    expect(space.candidates).toHaveLength(8);
    expect(candidateAction(space, 7, undefined)).toEqual({
      type: 'tool_call',
      name: 'zoom_in',
      arguments: { flip: true, x1: 500, y1: 500, x2: 1000, y2: 1000 },
    });
    expect(intersectionOverUnion({ x1: 0, y1: 0, x2: 1, y2: 1 }, { x1: 0, y1: 0, x2: 0.5, y2: 1 })).toBeCloseTo(0.5);
  });
});
