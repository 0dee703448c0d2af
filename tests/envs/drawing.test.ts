import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { runEpisode } from '../../agents/episode.js';
import { OraclePolicy } from '../../agents/policies/oracle.js';
import { checkEnv } from '../../core/check-env.js';
import { contentImages, contentText, type ImageRef } from '../../core/content.js';
import { FormatError, ValidationError } from '../../core/errors.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { Random } from '../../core/random.js';
import { makeEnv } from '../../core/registry.js';
import type { GuardedEnv } from '../../core/wrappers.js';
import '../../envs/index.js';
import { parseKindMix } from '../../envs/drawing/env.js';
import { Layout } from '../../envs/drawing/generate.js';
import { loadSpatialSet } from '../../envs/drawing/load.js';
import { type Difficulty, makeQuestion, QUESTION_KINDS, type Question, type QuestionKind } from '../../envs/drawing/questions.js';
import { type DrawingScene, nearerOf, objectNamed, type Point, type SceneObject } from '../../envs/drawing/scene.js';
import { chosenOption, MRA_THRESHOLDS, meanRelativeAccuracy, scoreDrawingAnswer } from '../../envs/drawing/score.js';

const FIXTURE = resolve('tests/fixtures/drawing/bench.jsonl');
const opened: GuardedEnv[] = [];

async function drawingEnv(
  options: Record<string, unknown> = {},
  images = new MemoryImageStore(),
): Promise<{ env: GuardedEnv; images: MemoryImageStore }> {
  const env = await makeEnv('drawing-v0', { images, options });
  opened.push(env);
  return { env, images };
}

afterAll(async () => {
  for (const env of opened) await env.close();
});

/** Scenes and questions of one kind, straight from the generator (the env does the same per seed). */
function questions(kind: QuestionKind, difficulty: Difficulty, count: number): { scene: DrawingScene; question: Question }[] {
  const found: { scene: DrawingScene; question: Question }[] = [];
  for (let seed = 0; found.length < count && seed < count * 10; seed += 1) {
    const random = new Random(seed);
    const layout = new Layout(random);
    if (!layout.placeObjects(random, 8)) continue;
    const question = makeQuestion(random, layout, kind, difficulty);
    if (question !== null) found.push({ scene: layout.scene(), question });
  }
  return found;
}

function at(scene: DrawingScene, name: string): Point {
  const item = objectNamed(scene, name);
  return { x: item.x, y: item.y };
}

function inside(item: SceneObject, point: Point): boolean {
  if (item.shape === 'circle') return Math.hypot(point.x - item.x, point.y - item.y) <= item.width / 2;
  return Math.abs(point.x - item.x) <= item.width / 2 && Math.abs(point.y - item.y) <= item.height / 2;
}

function samples(from: Point, to: Point, count = 4000): Point[] {
  return Array.from({ length: count + 1 }, (_, index) => ({
    x: from.x + ((to.x - from.x) * index) / count,
    y: from.y + ((to.y - from.y) * index) / count,
  }));
}

function chosen(question: Question): string {
  if (question.gold.type !== 'choice') throw new Error('not a choice question');
  return question.gold.options[question.gold.index] as string;
}

describe('drawing-v0 contract', () => {
  it('passes checkEnv with the oracle in the 0..1000 frame', async () => {
    const { env, images } = await drawingEnv({ coordinates: 'qwen1000' });
    const report = await checkEnv(env, { images });
    expect(report.usedOracle).toBe(true);
    expect(env.spec.instructions).toContain('0..1000');
  });

  it('lists the drawing tools and fills every doc section', async () => {
    const { env } = await drawingEnv();
    expect(env.tools.map((tool) => tool.name)).toEqual(['draw_box', 'draw_line', 'draw_shapes', 'clear_drawings', 'answer']);
    for (const section of Object.values(env.spec.doc)) expect(section.length).toBeGreaterThan(10);
  });

  it('gives the same image bytes and question for a seed, and different ones across seeds', async () => {
    const first = await drawingEnv();
    const second = await drawingEnv();
    const a = await first.env.reset({ seed: 11 });
    const b = await second.env.reset({ seed: 11 });
    const c = await first.env.reset({ seed: 12 });
    expect(contentText(a.observation)).toBe(contentText(b.observation));
    const [imageA] = contentImages(a.observation) as [ImageRef];
    const [imageB] = contentImages(b.observation) as [ImageRef];
    expect(await first.images.get(imageA.sha256)).toEqual(await second.images.get(imageB.sha256));
    expect((contentImages(c.observation)[0] as ImageRef).sha256).not.toBe(imageA.sha256);
  });

  it('rejects unknown question kinds and bad weights, and honours a weighted mix', async () => {
    expect(() => parseKindMix('closer,nearest')).toThrow(ValidationError);
    expect(() => parseKindMix('closer:0')).toThrow(/positive number/);
    expect(parseKindMix('closer:3, angle')).toEqual([
      { kind: 'closer', weight: 3 },
      { kind: 'angle', weight: 1 },
    ]);
    const { env } = await drawingEnv({ questionKinds: 'count' });
    for (const seed of [0, 1, 2]) {
      const reset = await env.reset({ seed });
      expect(reset.info.extra).toMatchObject({ source: 'synthetic', kind: 'count' });
    }
  });
});

describe('drawing-v0 questions, checked by independent geometry', () => {
  it('closer: the two distances differ by under 5% on hard, the answer is the nearer one, and it flips when the other moves 2% nearer', () => {
    const cases = questions('closer', 'hard', 12);
    expect(cases.length).toBe(12);
    for (const { scene, question } of cases) {
      const [target, first, second] = question.targets.map((name) => at(scene, name)) as [Point, Point, Point];
      const distances = [Math.hypot(first.x - target.x, first.y - target.y), Math.hypot(second.x - target.x, second.y - target.y)];
      const [near, far] = [Math.min(...distances), Math.max(...distances)] as [number, number];
      expect(far / near).toBeGreaterThan(1.005);
      expect(far / near).toBeLessThan(1.05);
      const winner = distances[0] === near ? 0 : 1;
      expect(question.gold).toMatchObject({ type: 'choice', index: winner });
      // Move the loser along its own ray to 98% of the winner's distance: the answer flips.
      const loser = [first, second][1 - winner] as Point;
      const scale = (0.98 * near) / far;
      const moved = { x: target.x + (loser.x - target.x) * scale, y: target.y + (loser.y - target.y) * scale };
      const flipped = winner === 0 ? [first, moved] : [moved, second];
      expect(nearerOf(target, flipped)).toBe(1 - winner);
    }
  });

  it('direction: front/back from the facing axis and left/right from the turn, with the margin kept', () => {
    for (const { scene, question } of questions('direction', 'hard', 12)) {
      const [viewer, facing, target] = question.targets.map((name) => at(scene, name)) as [Point, Point, Point];
      const forward = { x: facing.x - viewer.x, y: facing.y - viewer.y };
      const toward = { x: target.x - viewer.x, y: target.y - viewer.y };
      const ahead = forward.x * toward.x + forward.y * toward.y > 0;
      // y points down: a positive z of forward × toward is a clockwise turn on screen, to the right.
      const right = forward.x * toward.y - forward.y * toward.x > 0;
      expect(chosen(question)).toBe(`${ahead ? 'front' : 'back'}-${right ? 'right' : 'left'}`);
    }
  });

  it('collinear: yes exactly when the third centre sits on the line; no answers miss it by a measurable offset', () => {
    const seen = new Set<string>();
    for (const { scene, question } of questions('collinear', 'hard', 16)) {
      const [a, b, c] = question.targets.map((name) => at(scene, name)) as [Point, Point, Point];
      const offset = Math.abs((b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)) / Math.hypot(b.x - a.x, b.y - a.y);
      const answer = chosen(question);
      seen.add(answer);
      if (answer === 'yes') expect(offset).toBeLessThan(0.01);
      else expect(offset).toBeGreaterThanOrEqual(6 - 1e-9);
    }
    expect(seen).toEqual(new Set(['yes', 'no']));
  });

  it('side: above or below the extended line, compared at the object centre', () => {
    for (const { scene, question } of questions('side', 'hard', 12)) {
      const [target, a, b] = question.targets.map((name) => at(scene, name)) as [Point, Point, Point];
      const lineY = a.y + ((target.x - a.x) * (b.y - a.y)) / (b.x - a.x);
      expect(chosen(question)).toBe(target.y < lineY ? 'above' : 'below');
    }
  });

  it('crosses: sampling the path says whether it enters the region', () => {
    const seen = new Set<string>();
    for (const { scene, question } of questions('crosses', 'medium', 14)) {
      const [from, to] = question.targets.map((name) => at(scene, name)) as [Point, Point];
      const box = scene.region.box;
      const enters = samples(from, to).some((point) => point.x >= box.x1 && point.x <= box.x2 && point.y >= box.y1 && point.y <= box.y2);
      const answer = chosen(question);
      seen.add(answer);
      expect(answer).toBe(enters ? 'yes' : 'no');
    }
    expect(seen).toEqual(new Set(['yes', 'no']));
  });

  it('count: sampling the line finds as many labelled objects as the answer', () => {
    const counts = new Set<number>();
    for (const { scene, question } of questions('count', 'medium', 12)) {
      const [from, to] = question.targets.map((name) => at(scene, name)) as [Point, Point];
      const points = samples(from, to);
      const crossed = scene.objects.filter((item) => !question.targets.includes(item.name) && points.some((point) => inside(item, point)));
      expect(question.gold).toEqual({ type: 'number', value: crossed.length, decimals: 0 });
      counts.add(crossed.length);
    }
    expect(counts.size).toBeGreaterThan(1);
  });

  it('distance and angle: the numbers follow from the centres and the scale', () => {
    for (const { scene, question } of questions('distance', 'medium', 8)) {
      const [a, b] = question.targets.map((name) => at(scene, name)) as [Point, Point];
      const expected = Math.hypot(b.x - a.x, b.y - a.y) / scene.scale;
      expect(question.gold.type).toBe('number');
      if (question.gold.type === 'number') expect(Math.abs(question.gold.value - expected)).toBeLessThan(0.051);
      expect(question.text).toContain(`${scene.scaleBar} ${scene.unit}`);
    }
    for (const { scene, question } of questions('angle', 'medium', 8)) {
      const [v, b, c] = question.targets.map((name) => at(scene, name)) as [Point, Point, Point];
      const u = { x: b.x - v.x, y: b.y - v.y };
      const w = { x: c.x - v.x, y: c.y - v.y };
      const expected = (Math.acos((u.x * w.x + u.y * w.y) / (Math.hypot(u.x, u.y) * Math.hypot(w.x, w.y))) * 180) / Math.PI;
      if (question.gold.type === 'number') expect(Math.abs(question.gold.value - expected)).toBeLessThan(0.051);
    }
  });
});

describe('drawing-v0 oracle', () => {
  it('draws one measuring line per candidate; the lengths it gets back differ by under 5% and decide the answer', async () => {
    const images = new MemoryImageStore();
    const { env } = await drawingEnv({ questionKinds: 'closer', difficulty: 'hard' }, images);
    const picked = new Set<string>();
    for (const seed of [0, 1, 2, 3, 4, 5]) {
      const record = await runEpisode(env, new OraclePolicy(), { seed, images });
      expect(record.score).toBe(1);
      const lines = record.steps.filter((step) => step.action.type === 'tool_call' && step.action.name === 'draw_line');
      expect(lines).toHaveLength(2);
      const lengths = lines.map((step) => {
        const match = /line "to ([^"]+)" .*length ([\d.]+) px/.exec(contentText(step.observation));
        expect(match).not.toBeNull();
        expect(contentImages(step.observation)).toHaveLength(1);
        return { name: match?.[1] as string, length: Number(match?.[2]) };
      });
      const [short, long] = [...lengths].sort((x, y) => x.length - y.length) as [
        { name: string; length: number },
        { name: string; length: number },
      ];
      expect(long.length / short.length).toBeLessThan(1.05);
      const task = contentText(record.task);
      const letter = new RegExp(`([AB])\\. the ${short.name}\\n`).exec(`${task}\n`)?.[1];
      expect(record.answer).toBe(letter);
      picked.add(letter as string);
      // The last thought states both measurements.
      const thought = record.steps[record.steps.length - 1]?.output.text ?? '';
      expect(thought).toContain(`the ${short.name} is`);
      expect(thought).toContain('% longer');
    }
    expect(picked).toEqual(new Set(['A', 'B']));
  });

  it('solves every question kind, in both coordinate frames', async () => {
    for (const coordinates of ['pixel', 'qwen1000']) {
      const images = new MemoryImageStore();
      for (const kind of QUESTION_KINDS) {
        const { env } = await drawingEnv({ questionKinds: kind, coordinates }, images);
        for (const seed of [3, 4]) {
          const record = await runEpisode(env, new OraclePolicy(), { seed, images });
          expect(record.success, `${kind} seed ${seed} (${coordinates})`).toBe(true);
          expect(record.counts.invalidActions).toBe(0);
          expect(record.counts.toolCalls).toBeGreaterThanOrEqual(1);
        }
      }
    }
  });
});

describe('drawing tools', () => {
  async function started(coordinates = 'pixel'): Promise<{ env: GuardedEnv; images: MemoryImageStore; original: ImageRef }> {
    const { env, images } = await drawingEnv({ coordinates });
    const reset = await env.reset({ seed: 5 });
    return { env, images, original: contentImages(reset.observation)[0] as ImageRef };
  }

  async function pixel(images: MemoryImageStore, ref: ImageRef, x: number, y: number): Promise<number[]> {
    const { data, info } = await sharp(await images.get(ref.sha256))
      .raw()
      .toBuffer({ resolveWithObject: true });
    const offset = (y * info.width + x) * info.channels;
    return [data[offset] as number, data[offset + 1] as number, data[offset + 2] as number];
  }

  it('draw_line measures; the same label replaces the shape; clear_drawings brings the original back', async () => {
    const { env, images, original } = await started();
    const first = await env.step({
      type: 'tool_call',
      name: 'draw_line',
      arguments: { x1: 100, y1: 100, x2: 130, y2: 140, label: 'probe' },
    });
    expect(contentText(first.observation)).toContain('length 50.0 px');
    expect(contentText(first.observation)).toContain('1 shape: "probe"');
    const moved = await env.step({
      type: 'tool_call',
      name: 'draw_line',
      arguments: { x1: 100, y1: 100, x2: 200, y2: 100, label: 'probe', color: 'blue' },
    });
    expect(contentText(moved.observation)).toMatch(/Redrew blue line "probe".*length 100\.0 px, direction 0\.0°/);
    expect(contentText(moved.observation)).toContain('1 shape: "probe"');
    const drawn = contentImages(moved.observation)[0] as ImageRef;
    expect(drawn.sha256).not.toBe(original.sha256);
    // The blue line is on the pixels; the replaced red line is gone.
    expect(await pixel(images, drawn, 150, 100)).toEqual([20, 70, 230]);
    expect(await pixel(images, drawn, 115, 120)).toEqual(await pixel(images, original, 115, 120));
    const boxed = await env.step({
      type: 'tool_call',
      name: 'draw_box',
      arguments: { x1: 300, y1: 200, x2: 360, y2: 260, label: 'zone', color: 'red' },
    });
    expect(contentText(boxed.observation)).toContain('2 shapes: "probe", "zone"');
    expect(await pixel(images, contentImages(boxed.observation)[0] as ImageRef, 300, 230)).toEqual([230, 25, 25]);
    const cleared = await env.step({ type: 'tool_call', name: 'clear_drawings', arguments: {} });
    expect(contentText(cleared.observation)).toContain('Removed 2 shapes');
    expect((contentImages(cleared.observation)[0] as ImageRef).sha256).toBe(original.sha256);
  });

  it('draw_shapes draws a ViLaSR shape list in one call and reports bad shapes as tool errors', async () => {
    const { env } = await started();
    const shapes = [
      { bbox_2d: [10, 10, 60, 60], label: 'a' },
      { start_point_2d: [0, 0], end_point_2d: [0, 80], label: 'b' },
    ];
    const drawn = await env.step({ type: 'tool_call', name: 'draw_shapes', arguments: { shapes: JSON.stringify(shapes) } });
    expect(contentText(drawn.observation)).toMatch(/box "a".*line "b".*length 80\.0 px.*2 shapes/);
    const bad = await env.step({ type: 'tool_call', name: 'draw_shapes', arguments: { shapes: '[{"bbox_2d": [1, 2]}]' } });
    expect(bad.info.invalid?.reason).toBe('tool-error');
    expect(contentText(bad.observation)).toContain('shape 1 needs "bbox_2d"');
    const outside = await env.step({ type: 'tool_call', name: 'draw_line', arguments: { x1: 0, y1: 0, x2: 5000, y2: 10 } });
    expect(contentText(outside.observation)).toMatch(/x2=5000 is outside the image/);
  });

  it('takes 0..1000 coordinates in the qwen1000 frame', async () => {
    const { env, original } = await started('qwen1000');
    const line = await env.step({ type: 'tool_call', name: 'draw_line', arguments: { x1: 0, y1: 500, x2: 1000, y2: 500 } });
    expect(contentText(line.observation)).toContain(`length ${original.width.toFixed(1)} px`);
    expect(contentText(line.observation)).toContain('line "line 1"');
  });
});

describe('drawing-v0 scoring', () => {
  it('mean relative accuracy averages the thresholds 0.50..0.95 (worked examples)', () => {
    expect(MRA_THRESHOLDS.map((value) => Math.round(value * 100))).toEqual([50, 55, 60, 65, 70, 75, 80, 85, 90, 95]);
    expect(meanRelativeAccuracy(2.5, 2.5)).toBe(1);
    expect(meanRelativeAccuracy(2.45, 2.5)).toBe(1); // 2% off
    expect(meanRelativeAccuracy(2.75, 2.5)).toBeCloseTo(0.8); // 10% off passes 0.50..0.85
    expect(meanRelativeAccuracy(3.25, 2.5)).toBeCloseTo(0.4); // 30% off passes 0.50..0.65
    expect(meanRelativeAccuracy(1.25, 2.5)).toBe(0); // 50% off
    expect(meanRelativeAccuracy(0, 0)).toBe(1);
    expect(meanRelativeAccuracy(1, 0)).toBe(0);
  });

  it('multiple choice is an exact match on the letter or the option text', () => {
    const options = ['the lamp', 'the sofa'];
    expect(chosenOption('B', options)).toBe(1);
    expect(chosenOption('(b)', options)).toBe(1);
    expect(chosenOption('B. the sofa', options)).toBe(1);
    expect(chosenOption('sofa', options)).toBe(1);
    expect(chosenOption('B. the lamp', options)).toBeUndefined();
    expect(chosenOption('C', options)).toBeUndefined();
    const gold = { type: 'choice' as const, options, index: 0 };
    expect(scoreDrawingAnswer('A', gold)).toBe(1);
    expect(scoreDrawingAnswer('the sofa', gold)).toBe(0);
    expect(scoreDrawingAnswer('A', { type: 'text', text: 'the kitchen' })).toBe(0);
    expect(scoreDrawingAnswer(' The Kitchen.', { type: 'text', text: 'the kitchen' })).toBe(1);
    expect(scoreDrawingAnswer('about 3.2 m', { type: 'number', value: 3, decimals: 2 })).toBeCloseTo(0.9); // 6.7% off
  });

  it('scores a numeric answer 10% off as 0.8 in the env, not a success', async () => {
    const images = new MemoryImageStore();
    const { env } = await drawingEnv({ questionKinds: 'distance' }, images);
    const record = await runEpisode(env, new OraclePolicy(), { seed: 2, images });
    const gold = Number(record.expected);
    await env.reset({ seed: 2 });
    const answered = await env.step({ type: 'answer', answer: (gold * 1.1).toFixed(3) });
    expect(answered.info.score).toBeCloseTo(0.8);
    expect(answered.info.success).toBe(false);
  });
});

describe('drawing-v0 spatial-benchmark loader', () => {
  it('reads image or images, listed or keyed options and letter or text answers, paths relative to the file', async () => {
    const set = await loadSpatialSet(FIXTURE);
    expect(set.items.map((item) => item.line)).toEqual([1, 2, 4, 5, 6]);
    expect(set.items[4]?.gold).toEqual({ type: 'text', text: 'plate' });
    const [closer, count, side, distance] = set.items as [
      (typeof set.items)[0],
      (typeof set.items)[0],
      (typeof set.items)[0],
      (typeof set.items)[0],
    ];
    expect(closer.images).toEqual([resolve('tests/fixtures/drawing/images/table.png')]);
    expect(closer.gold).toEqual({ type: 'choice', options: ['mug', 'jar'], index: 0 });
    expect(count.images).toHaveLength(2);
    expect(count.gold).toEqual({ type: 'number', value: 1, decimals: 0 });
    expect(side.gold).toEqual({ type: 'choice', options: ['left', 'right'], index: 0 });
    expect(distance.gold).toEqual({ type: 'number', value: 25, decimals: 1 });
  });

  it('plays the items as episodes: every view shown, answers scored, no oracle', async () => {
    const { env, images } = await drawingEnv({ dataset: FIXTURE });
    const report = await checkEnv(env, { images });
    expect(report.usedOracle).toBe(false);
    const closer = await env.reset({ seed: 0 });
    expect(contentText(closer.observation)).toContain('A. mug\nB. jar');
    expect(contentImages(closer.observation)).toHaveLength(1);
    expect((await env.step({ type: 'answer', answer: 'A' })).info.score).toBe(1);
    const views = await env.reset({ seed: 1 });
    expect(contentImages(views.observation)).toHaveLength(2);
    expect(contentText(views.observation)).toContain('act on view 1');
    // The JPEG view is stored as PNG.
    expect((contentImages(views.observation)[1] as ImageRef).mime).toBe('image/png');
    expect((await env.step({ type: 'answer', answer: '2' })).info.score).toBe(0);
    await env.reset({ seed: 3 });
    const line = await env.step({ type: 'tool_call', name: 'draw_line', arguments: { x1: 10, y1: 10, x2: 40, y2: 50 } });
    expect(contentText(line.observation)).toContain('length 50.0 px');
    expect((await env.step({ type: 'answer', answer: '27.5' })).info.score).toBeCloseTo(0.8);
    expect(() => env.oracle()).toThrow(/no oracle/);
    const open = await env.reset({ seed: 4 });
    expect(contentText(open.observation)).not.toContain('Options:');
    expect((await env.step({ type: 'answer', answer: 'A' })).info.score).toBe(0);
    await env.reset({ seed: 4 });
    expect((await env.step({ type: 'answer', answer: 'The plate' })).info).toMatchObject({ score: 1, expected: 'plate' });
  });

  it('names the file and line of a bad item and says what a line needs', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'drawing-bench-'));
    try {
      const file = join(folder, 'bad.jsonl');
      await writeFile(
        file,
        '{"image": "a.png", "question": "Q?", "answer": "A", "options": ["x", "y"]}\n{"question": "Q?", "answer": 1}\n',
      );
      await expect(loadSpatialSet(file)).rejects.toThrow(/bad\.jsonl:2: "image" must be a path.*Each line needs/);
      await writeFile(file, '{"image": "a.png", "question": "Q?", "options": ["x", "y"], "answer": "z"}\n');
      await expect(loadSpatialSet(file)).rejects.toThrow(FormatError);
      await expect(loadSpatialSet(file)).rejects.toThrow(/neither an option letter nor an option's text/);
      await writeFile(file, '{"image": "missing.png", "question": "Q?", "answer": 3}\n');
      const { env } = await drawingEnv({ dataset: file });
      await expect(env.reset({ seed: 0 })).rejects.toThrow(/missing\.png of the item on line 1 is missing/);
      await expect(loadSpatialSet(join(folder, 'absent.jsonl'))).rejects.toThrow(/dataset=<file\.jsonl>/);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
