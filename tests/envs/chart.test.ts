import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runEpisode } from '../../agents/episode.js';
import { OraclePolicy } from '../../agents/policies/oracle.js';
import { checkEnv } from '../../core/check-env.js';
import { contentImages, contentText } from '../../core/content.js';
import { FormatError, GymError, ValidationError } from '../../core/errors.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { Random } from '../../core/random.js';
import { makeEnv } from '../../core/registry.js';
import type { GuardedEnv } from '../../core/wrappers.js';
import '../../envs/index.js';
import { formatNumber } from '../../envs/chart/format.js';
import { CHART_TYPES, type ChartType, DEFAULT_GENERATION, generateTask } from '../../envs/chart/generate.js';
import { loadChartQA } from '../../envs/chart/load.js';
import { QUESTION_KINDS, type QuestionKind } from '../../envs/chart/questions.js';
import { layoutChart, renderChart } from '../../envs/chart/render.js';
import { findElement, valueToPixel } from '../../envs/chart/scene.js';
import { goldFromLabel, normalizeAnswer, parseNumber, relaxedAccuracy, scoreAnswer } from '../../envs/chart/score.js';

const FIXTURE = resolve('tests/fixtures/chartqa/test_augmented.json');
const opened: GuardedEnv[] = [];

async function chartEnv(
  options: Record<string, unknown> = {},
  images = new MemoryImageStore(),
): Promise<{ env: GuardedEnv; images: MemoryImageStore }> {
  const env = await makeEnv('chart-v0', { images, options });
  opened.push(env);
  return { env, images };
}

afterAll(async () => {
  for (const env of opened) await env.close();
});

describe('chart-v0 contract', () => {
  it('passes checkEnv with the oracle', async () => {
    const { env, images } = await chartEnv();
    const report = await checkEnv(env, { images });
    expect(report.usedOracle).toBe(true);
    expect(report.imagesChecked).toBeGreaterThan(3);
  });

  it('passes checkEnv on ChartQA items (no oracle, no locate)', async () => {
    const { env, images } = await chartEnv({ chartqa: FIXTURE, coordinates: 'qwen1000' });
    const report = await checkEnv(env, { images });
    expect(report.usedOracle).toBe(false);
    expect(env.tools.map((tool) => tool.name)).not.toContain('locate');
    expect(env.spec.instructions).toContain('0..1000');
  });

  it('lists the image tools, locate marked privileged, and fills every doc section', async () => {
    const { env } = await chartEnv();
    expect(env.tools.map((tool) => tool.name)).toEqual([
      'zoom_in',
      'crop',
      'draw_horizontal_line',
      'draw_vertical_line',
      'ocr',
      'locate',
      'answer',
    ]);
    expect(env.tools.find((tool) => tool.name === 'locate')?.annotations?.privileged).toBe(true);
    expect(env.spec.answers).toBe(true);
    expect(env.spec.maxTurns).toBe(8);
    for (const section of Object.values(env.spec.doc)) expect(section.length).toBeGreaterThan(10);
  });

  it('rejects unknown chart types with the valid list', async () => {
    await expect(makeEnv('chart-v0', { options: { chartTypes: 'bar,donut' } })).rejects.toThrow(ValidationError);
    await expect(makeEnv('chart-v0', { options: { chartTypes: 'bar,donut' } })).rejects.toThrow(/donut.*bar, horizontal-bar/);
  });
});

describe('chart-v0 oracle', () => {
  it('answers correctly with valid calls across every chart type and question kind', async () => {
    const seenTypes = new Set<string>();
    const seenKinds = new Set<string>();
    const envs = new Map<string, { env: GuardedEnv; images: MemoryImageStore }>();
    for (let index = 0; index < 42; index += 1) {
      const type = CHART_TYPES[index % CHART_TYPES.length] as ChartType;
      const kind = QUESTION_KINDS[index % QUESTION_KINDS.length] as QuestionKind;
      const coordinates = index % 3 === 0 ? 'qwen1000' : 'pixel';
      const key = `${type}/${kind}/${coordinates}`;
      let made = envs.get(key);
      if (made === undefined) {
        made = await chartEnv({ chartTypes: type, questionKinds: kind, coordinates, ocr: false });
        envs.set(key, made);
      }
      const record = await runEpisode(made.env, new OraclePolicy(), { seed: 100 + index, images: made.images });
      const where = `seed ${100 + index} ${key}: ${record.answer} vs ${record.expected}`;
      expect(record.success, where).toBe(true);
      expect(record.counts.invalidActions, where).toBe(0);
      expect(record.counts.toolCalls, where).toBeGreaterThan(0);
      expect(
        record.steps.every((step) => step.output.text.startsWith('<think>')),
        where,
      ).toBe(true);
      const extra = record.steps[0]?.extra as { chartType: string; questionKind: string };
      seenTypes.add(extra.chartType);
      seenKinds.add(extra.questionKind);
    }
    expect([...seenTypes].sort()).toEqual([...CHART_TYPES].sort());
    expect([...seenKinds].sort()).toEqual([...QUESTION_KINDS].sort());
  });

  it('is refused on ChartQA items', async () => {
    const { env } = await chartEnv({ chartqa: FIXTURE });
    await env.reset({ seed: 0 });
    expect(() => env.oracle()).toThrow(GymError);
  });
});

describe('chart-v0 determinism', () => {
  it('gives identical PNG bytes and question for a seed, different ones for another', async () => {
    const first = await chartEnv();
    const second = await chartEnv();
    const a = await first.env.reset({ seed: 42 });
    const b = await second.env.reset({ seed: 42 });
    const c = await first.env.reset({ seed: 43 });
    const [imageA] = contentImages(a.observation);
    const [imageB] = contentImages(b.observation);
    const [imageC] = contentImages(c.observation);
    if (imageA === undefined || imageB === undefined || imageC === undefined) throw new Error('no image in the observation');
    const bytesA = await first.images.get(imageA.sha256);
    const bytesB = await second.images.get(imageB.sha256);
    expect(createHash('sha256').update(bytesA).digest('hex')).toBe(createHash('sha256').update(bytesB).digest('hex'));
    expect(contentText(a.observation)).toBe(contentText(b.observation));
    expect(imageC.sha256).not.toBe(imageA.sha256);
  });

  it('plays the same episodes on one env (its chart canvas drawn over) as on a fresh env each', async () => {
    const reused = await chartEnv({ ocr: false });
    const seeds = [7, 8, 9, 7, 10, 11];
    const hashesOf = (record: Awaited<ReturnType<typeof runEpisode>>): string[] =>
      record.steps.flatMap((step) => contentImages(step.observation).map((image) => image.sha256));
    for (const seed of seeds) {
      const again = await runEpisode(reused.env, new OraclePolicy(), { seed, images: reused.images });
      const fresh = await chartEnv({ ocr: false });
      const once = await runEpisode(fresh.env, new OraclePolicy(), { seed, images: fresh.images });
      expect(hashesOf(again), `seed ${seed}`).toEqual(hashesOf(once));
      expect(hashesOf(again).length, `seed ${seed}`).toBeGreaterThan(1);
    }
  });

  it('draws all text as paths and reaches every part of the image', async () => {
    const task = generateTask(new Random(5));
    const { svg } = layoutChart(task.chart);
    expect(svg).not.toContain('<text');
    const rendered = renderChart(task.chart);
    expect(rendered.png.readUInt32BE(16)).toBe(task.chart.style.width);
    expect(rendered.png.readUInt32BE(20)).toBe(task.chart.style.height);
  });
});

describe('questions and the scene graph', () => {
  it('agree for many seeds: targets exist, values match the data and the pixels', () => {
    for (let seed = 0; seed < 150; seed += 1) {
      const { chart, question } = generateTask(new Random(seed), DEFAULT_GENERATION);
      const { scene } = layoutChart(chart);
      const where = `seed ${seed} (${chart.data.type}, ${question.kind}): ${question.text}`;
      const targets = question.targets.map((id) => findElement(scene, id));
      expect(
        targets.every((target) => target !== undefined),
        where,
      ).toBe(true);
      for (const target of targets) {
        if (target === undefined) continue;
        if (target.kind === 'stack') {
          const total = chart.data.series.reduce((sum, series) => sum + (series.values[target.categoryIndex ?? -1] ?? 0), 0);
          expect(target.value, where).toBeCloseTo(total, 6);
        } else {
          expect(target.value, where).toBe(chart.data.series[target.seriesIndex ?? 0]?.values[target.categoryIndex ?? -1]);
        }
        if (scene.valueAxis !== undefined && target.anchor !== undefined && target.value !== undefined) {
          const end = scene.valueAxis.orientation === 'vertical' ? target.anchor.y : target.anchor.x;
          expect(end, where).toBeCloseTo(valueToPixel(scene.valueAxis, (target.base ?? 0) + target.value), 6);
        }
      }
      const values = targets.map((target) => target?.value ?? Number.NaN);
      const gold = question.answer;
      if (question.kind === 'retrieval' && gold.type === 'number') expect(gold.value, where).toBe(values[0]);
      if (question.kind === 'difference' && gold.type === 'number')
        expect(gold.value, where).toBeCloseTo(Math.abs((values[0] ?? 0) - (values[1] ?? 0)), 6);
      if (question.kind === 'count' && gold.type === 'number') {
        expect(gold.value, where).toBe(values.filter((value) => value > (question.threshold ?? Number.POSITIVE_INFINITY)).length);
      }
      if (question.kind === 'extremum' && gold.type === 'name') {
        const extreme = question.text.includes('highest') || question.text.includes('largest') ? Math.max(...values) : Math.min(...values);
        expect(targets.find((target) => target?.value === extreme)?.category, where).toBe(gold.text);
      }
      for (const element of scene.elements) {
        expect(element.box.x1, `${where} ${element.id}`).toBeGreaterThanOrEqual(-1);
        expect(element.box.y1, `${where} ${element.id}`).toBeGreaterThanOrEqual(-1);
        expect(element.box.x2, `${where} ${element.id}`).toBeLessThanOrEqual(scene.width + 1);
        expect(element.box.y2, `${where} ${element.id}`).toBeLessThanOrEqual(scene.height + 1);
      }
      const scale = chart.data.scale;
      if (scale !== undefined && !chart.style.valueLabels) {
        for (const value of chart.data.series.flatMap((series) => series.values)) {
          expect(
            Math.abs(value / scale.quantum - Math.round(value / scale.quantum)),
            `${where}: ${value} is off the ${scale.quantum} grid`,
          ).toBeLessThan(1e-6);
        }
        expect([2, 5]).toContain(Math.round(scale.step / scale.quantum));
      }
      const printed = scene.elements.filter((element) => element.kind === 'value-label').map((element) => element.name);
      if (chart.style.valueLabels && chart.data.type !== 'pie' && printed.length > 0) {
        const label = scene.elements.find((element) => element.kind === 'value-label');
        const decimals = chart.data.valueDecimals;
        expect(label?.name, where).toContain(formatNumber(label?.value ?? 0, decimals, chart.style.thousands));
      }
    }
  });

  it('prints tick labels that match the axis scale', () => {
    const { chart } = generateTask(new Random(3), { ...DEFAULT_GENERATION, chartTypes: ['bar'] });
    const { scene } = layoutChart(chart);
    const ticks = scene.elements.filter((element) => element.kind === 'tick-label');
    expect(ticks.map((tick) => tick.value)).toEqual(scene.valueAxis?.ticks);
    expect(ticks.at(-1)?.value).toBe(chart.data.scale?.max);
  });
});

describe('relaxed accuracy', () => {
  it('accepts numbers within 5% and parses commas, percent signs and units', () => {
    expect(relaxedAccuracy('105', '100')).toBe(1);
    expect(relaxedAccuracy('95', '100')).toBe(1);
    expect(relaxedAccuracy('105.1', '100')).toBe(0);
    expect(relaxedAccuracy('1,234', '1234')).toBe(1);
    expect(relaxedAccuracy('45%', '45')).toBe(1);
    expect(relaxedAccuracy('$12.5 million', '12.5')).toBe(1);
    expect(relaxedAccuracy('-3.1', '-3')).toBe(1);
    expect(relaxedAccuracy('0', '0')).toBe(1);
    expect(relaxedAccuracy('0.01', '0')).toBe(0);
    expect(relaxedAccuracy('about forty', '40')).toBe(0);
    expect(parseNumber('It rose from 35 to 42, by 7')).toBe(7);
    expect(parseNumber('no digits')).toBeUndefined();
  });

  it('matches names exactly, ignoring case, spaces and punctuation', () => {
    expect(relaxedAccuracy(' Laptops. ', 'laptops')).toBe(1);
    expect(relaxedAccuracy('"Q1 2021"', 'Q1  2021')).toBe(1);
    expect(relaxedAccuracy('Laptop', 'Laptops')).toBe(0);
    expect(relaxedAccuracy('yes', 'Yes')).toBe(1);
    expect(relaxedAccuracy('No', 'Yes')).toBe(0);
    expect(normalizeAnswer('  The   END!  ')).toBe('the end');
  });

  it('scores trend aliases and keeps year names exact in synthetic golds', () => {
    const gold = { type: 'name', text: 'increase', aliases: ['increased', 'rose'] } as const;
    expect(scoreAnswer('Increased', gold)).toBe(1);
    expect(scoreAnswer('decrease', gold)).toBe(0);
    expect(scoreAnswer('2018', { type: 'name', text: '2019', aliases: [] })).toBe(0);
    expect(goldFromLabel('2019').type).toBe('number');
    expect(goldFromLabel('Brazil').type).toBe('name');
    expect(goldFromLabel('12.5%')).toMatchObject({ type: 'number', value: 12.5 });
  });

  it('is what the env pays for an answer', async () => {
    const { env } = await chartEnv({ chartTypes: 'pie', questionKinds: 'retrieval', ocr: false });
    await env.reset({ seed: 9 });
    const oracle = env.oracle();
    let step = await oracle.next({ observation: [], info: { turn: 0 } });
    while (step.action.type !== 'answer') step = await oracle.next({ observation: [], info: { turn: 0 } });
    const gold = Number(step.action.answer);
    const near = await env.step({ type: 'answer', answer: `${(gold * 1.04).toFixed(2)}%` });
    expect(near.reward).toBe(1);
    expect(near.info.success).toBe(true);
    await env.reset({ seed: 9 });
    const far = await env.step({ type: 'answer', answer: String(gold * 1.2) });
    expect(far.reward).toBe(0);
    expect(far.info.expected).toBe(String(gold));
  });
});

describe('ChartQA loader', () => {
  it('loads the fixture and plays item i mod N', async () => {
    const set = await loadChartQA(FIXTURE);
    expect(set.items).toHaveLength(7);
    expect(set.images).toBe(resolve('tests/fixtures/chartqa/png'));
    const { env } = await chartEnv({ chartqa: FIXTURE });
    const first = await env.reset({ seed: 0 });
    expect(contentText(first.observation)).toContain(set.items[0]?.query ?? '?');
    const wrapped = await env.reset({ seed: set.items.length });
    expect(contentText(wrapped.observation)).toBe(contentText(first.observation));
    const last = await env.reset({ seed: -1 });
    expect(contentText(last.observation)).toContain(set.items[6]?.query ?? '?');
    const answered = await env.step({ type: 'answer', answer: set.items[6]?.label ?? '?' });
    expect(answered.info.success).toBe(true);
    expect(answered.info.extra).toMatchObject({ source: 'chartqa', index: 6 });
  });

  it('reads a zoom of a ChartQA image and refuses locate', async () => {
    const { env } = await chartEnv({ chartqa: FIXTURE });
    await env.reset({ seed: 1 });
    const zoom = await env.step({ type: 'tool_call', name: 'zoom_in', arguments: { x1: 0, y1: 0, x2: 100, y2: 80, factor: 2 } });
    expect(contentImages(zoom.observation)[0]?.width).toBe(200);
    const locate = await env.step({ type: 'tool_call', name: 'locate', arguments: { name: 'x' } });
    expect(locate.info.invalid?.reason).toBe('unknown-tool');
  });

  it('says what is wrong with a malformed file', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'chartqa-'));
    const file = join(directory, 'bad.json');
    await writeFile(file, JSON.stringify([{ imgname: 'a.png', question: 'q?', label: '1' }]));
    await expect(loadChartQA(file)).rejects.toThrow(FormatError);
    await expect(loadChartQA(file)).rejects.toThrow(/query/);
    await expect(loadChartQA(join(directory, 'missing.json'))).rejects.toThrow(/Cannot read/);
  });
});

describe('chart-v0 ocr', () => {
  it('reads the chart title through the env', async () => {
    const { env } = await chartEnv({ chartTypes: 'bar' });
    await env.reset({ seed: 4 });
    const { chart } = generateTask(new Random(4), { ...DEFAULT_GENERATION, chartTypes: ['bar'] });
    const title = layoutChart(chart).scene.elements.find((element) => element.kind === 'title');
    if (title === undefined) throw new Error('no title');
    const result = await env.step({
      type: 'tool_call',
      name: 'ocr',
      arguments: {
        x1: Math.floor(title.box.x1) - 4,
        y1: Math.floor(title.box.y1) - 4,
        x2: Math.ceil(title.box.x2) + 4,
        y2: Math.ceil(title.box.y2) + 4,
      },
    });
    expect(result.info.invalid).toBeUndefined();
    expect(normalizeAnswer(contentText(result.observation))).toContain(normalizeAnswer(chart.data.title));
  });
});
