import { describe, expect, it } from 'vitest';
import { Random } from '../../core/random.js';
import { generateTask } from '../../envs/chart/generate.js';
import { layoutProblems } from '../../envs/chart/layout-check.js';
import { layoutChart } from '../../envs/chart/render.js';
import type { ChartElement, ChartScene } from '../../envs/chart/scene.js';

const sceneOf = (seed: number): ChartScene => layoutChart(generateTask(new Random(seed)).chart).scene;
const element = (scene: ChartScene, id: string): ChartElement => {
  const found = scene.elements.find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`no ${id}`);
  return found;
};

describe('chart layout', () => {
  it('over 200 seeds, no two text boxes overlap and every mark stays inside the plot, clear of its edge', () => {
    const problems: string[] = [];
    const types = new Set<string>();
    for (let seed = 0; seed < 200; seed += 1) {
      const scene = sceneOf(seed);
      types.add(scene.chartType);
      for (const problem of layoutProblems(scene)) problems.push(`seed ${seed} (${scene.chartType}): ${problem}`);
    }
    expect(problems).toEqual([]);
    expect(types.size).toBe(7);
  });

  it('seed 5: the top tick label sits below the title and the tallest bar stays below the top of the plot', () => {
    const scene = sceneOf(5);
    const title = element(scene, 'title');
    const ticks = scene.elements.filter((candidate) => candidate.kind === 'tick-label');
    const top = ticks.reduce((highest, tick) => (tick.box.y1 < highest.box.y1 ? tick : highest));
    expect(top.name).toBe('80%');
    expect(top.box.y1).toBeGreaterThanOrEqual(title.box.y2 + 4);
    const tallest = scene.elements.filter((candidate) => candidate.kind === 'bar').reduce((a, b) => (a.box.y1 < b.box.y1 ? a : b));
    expect(tallest.value).toBe(80);
    expect(tallest.box.y1).toBeGreaterThanOrEqual(scene.plot.y1 + 4);
  });

  it('the check itself reports overlapping texts, marks outside the plot and marks touching its edge', () => {
    const scene = sceneOf(5);
    const title = element(scene, 'title');
    const bar = element(scene, 'bar:0:0');
    const broken: ChartScene = {
      ...scene,
      elements: [
        ...scene.elements.filter((candidate) => candidate.id !== 'bar:0:0'),
        { id: 'tick-label:99', kind: 'tick-label', name: 'x', box: { ...title.box, x1: title.box.x1 + 3 } },
        { ...bar, box: { ...bar.box, y1: scene.plot.y1 - 5 }, anchor: { x: bar.box.x1, y: scene.plot.y1 } },
      ],
    };
    const problems = layoutProblems(broken);
    expect(problems).toContainEqual(expect.stringMatching(/^title .* overlaps tick-label:99/));
    expect(problems).toContainEqual(expect.stringMatching(/^bar:0:0 .* is outside the plot/));
    expect(problems).toContainEqual(expect.stringMatching(/^bar:0:0 reaches the edge of the plot/));
  });

  it('slanted labels are compared by their rotated rectangles, not their boxes', () => {
    let slanted: ChartScene | undefined;
    for (let seed = 0; seed < 400 && slanted === undefined; seed += 1) {
      const scene = sceneOf(seed);
      if (scene.elements.some((candidate) => candidate.kind === 'category-label' && candidate.rectangle !== undefined)) slanted = scene;
    }
    if (slanted === undefined) throw new Error('no chart with slanted category labels in 400 seeds');
    const labels = slanted.elements.filter((candidate) => candidate.kind === 'category-label');
    const [first, second] = labels as [ChartElement, ChartElement];
    // Neighbouring labels at 45 degrees have overlapping boxes but separate rectangles.
    expect(first.box.x2).toBeGreaterThan(second.box.x1);
    expect(layoutProblems(slanted)).toEqual([]);
    const moved: ChartElement = {
      ...second,
      box: first.box,
      ...(first.rectangle === undefined ? {} : { rectangle: first.rectangle.map(([x, y]) => [x + 2, y] as const) }),
    };
    expect(
      layoutProblems({ ...slanted, elements: [...slanted.elements.filter((candidate) => candidate !== second), moved] }),
    ).toContainEqual(expect.stringMatching(/overlaps/));
  });
});
