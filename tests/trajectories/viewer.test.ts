import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { BrowserContext } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { image, text } from '../../core/content.js';
import { DEFAULT_REWARD_CONFIG } from '../../rewards/terms.js';
import type { EpisodeRecord, StepRecord } from '../../trajectories/record.js';
import { datasetCharts, niceScale } from '../../trajectories/viewer/charts.js';
import { imageHtml } from '../../trajectories/viewer/episode.js';
import { episodeRow } from '../../trajectories/viewer/rows.js';
import { escapeAttribute, escapeHtml, shortNumber, urlPath } from '../../trajectories/viewer/text.js';
import { DatasetWriter } from '../../trajectories/writer.js';
import { hasChromium, launchChromium } from '../helpers/chromium.js';
import { PROBE_SPEC, solidPng, syntheticRecord } from '../helpers/trajectory-fixtures.js';

const run = promisify(execFile);
const SEEDS = [7, 2, 11, 0, 5, 3, 9, 1, 10, 4, 8, 6];
const LONG_TOKEN = 'x'.repeat(600);
const BIDI = 'price \u202Egnp.exe\u202C ok';

describe('viewer text helpers', () => {
  it('escapes markup and shows bidi controls as inert visible markers', () => {
    expect(escapeHtml('<script>"a"&\'b\'</script>')).toBe('&lt;script&gt;&quot;a&quot;&amp;&#39;b&#39;&lt;/script&gt;');
    const shown = escapeHtml(BIDI);
    expect(shown).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u200e\u200f]/);
    expect(shown).toContain('<span class="bidi">⟨U+202E⟩</span>');
    expect(escapeAttribute('a\u2067b\u200Fc')).toBe('a⟨U+2067⟩b⟨U+200F⟩c');
  });

  it('percent-encodes each path segment', () => {
    expect(urlPath('../run #1 50%/images/ab/c.png')).toBe('../run%20%231%2050%25/images/ab/c.png');
    expect(urlPath('a\\b c')).toBe('a/b%20c');
  });

  it('rounds floats for people', () => {
    expect(shortNumber(-0.23000000000000007)).toBe('-0.23');
    expect(shortNumber(1.3749999)).toBe('1.375');
    expect(shortNumber(-0.0001)).toBe('0');
  });

  it('shows large images at natural size (smooth) and enlarges only small grids (pixelated), linked to the file', () => {
    const large = imageHtml({ sha256: 'a', width: 1338, height: 700, mime: 'image/png' }, 'x/a.png');
    expect(large).toContain('width="1338" height="700"');
    expect(large).not.toContain('grid');
    expect(large).toMatch(/^<a class="image" href="x\/a.png"/);
    expect(large).toContain('loading="lazy"');
    const small = imageHtml({ sha256: 'b', width: 8, height: 8, mime: 'image/png' }, 'b.png');
    expect(small).toContain('width="320" height="320" class="grid"');
  });

  it('chooses round value axes', () => {
    expect(niceScale(100)).toMatchObject({ max: 100, step: 20 });
    expect(niceScale(7, true)).toMatchObject({ max: 7, step: 1, tickDecimals: 0 });
    expect(niceScale(0.93)).toMatchObject({ max: 1, step: 0.2, tickDecimals: 1 });
  });
});

function step(turn: number, overrides: Partial<StepRecord>, observation: StepRecord['observation']): StepRecord {
  return {
    turn,
    output: { text: `<tool_call>{"name":"zoom","arguments":{"factor":2}}</tool_call>` },
    action: { type: 'tool_call', name: 'zoom', arguments: { factor: 2 } },
    observation,
    reward: 0,
    terminated: false,
    truncated: false,
    invalid: null,
    timing: { policyMs: 0, envMs: 0 },
    ...overrides,
  };
}

describe('thinkgym render in a real browser', () => {
  let root: string;
  let folder: string;
  let browser: BrowserContext | undefined;
  let closeBrowser: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'thinkgym-viewer-'));
    folder = join(root, 'run #1 50%');
    await mkdir(folder);
    const writer = await DatasetWriter.open(join(folder, 'data'), {
      envs: { 'probe-v0': { version: 0, options: {}, instructions: PROBE_SPEC.instructions, answers: true, maxTurns: 12, tools: [] } },
      policy: 'scripted',
      format: 'hermes',
      rewards: DEFAULT_REWARD_CONFIG,
      seeds: SEEDS,
    });
    const chart = await writer.images.put(
      await sharp({ create: { width: 900, height: 300, channels: 3, background: { r: 250, g: 250, b: 240 } } })
        .png()
        .toBuffer(),
    );
    for (const seed of SEEDS) {
      const grid = await writer.images.put(await solidPng(seed));
      const long = seed === 7;
      const steps: StepRecord[] = [
        step(
          1,
          {
            output: { text: `<think>${LONG_TOKEN} ${BIDI}</think><tool_call>{"name":"zoom","arguments":{"factor":"two"}}</tool_call>` },
            action: { type: 'invalid', reason: 'bad-arguments', message: '`factor` must be integer' },
            invalid: { reason: 'bad-arguments', message: '`factor` must be integer' },
          },
          [text('`factor` must be integer')],
        ),
        ...Array.from({ length: long ? 9 : 1 }, (_, index) => step(index + 2, {}, [text('Zoomed:'), image(chart)])),
      ];
      const record: EpisodeRecord = {
        ...syntheticRecord(seed, grid, chart),
        steps,
        success: seed % 3 === 0,
        answer: seed % 3 === 0 ? 'blue' : 'red',
        expected: 'blue',
        rewardTerms: { accuracy: seed % 3 === 0 ? 1 : 0, format: 1, invalidCall: -1, env: -0.23000000000000007 },
        totalReward: 0.77 + (seed % 3 === 0 ? 1 : 0) - 1e-16,
        counts: { turns: steps.length, toolCalls: steps.length - 1, invalidActions: 1 },
      };
      await writer.append(record);
    }
    await writer.close();
    if (hasChromium()) ({ context: browser, close: closeBrowser } = await launchChromium());
    else console.warn('viewer browser checks skipped: /usr/bin/chromium is missing (apt-get install -y chromium)');
  }, 60_000);

  afterAll(async () => {
    await closeBrowser?.();
    await rm(root, { recursive: true, force: true });
  });

  it('thinkgym render --limit writes an index that says N of M and one page per episode', async () => {
    const { stdout } = await run(
      process.execPath,
      ['bin/thinkgym.js', 'render', join(folder, 'data'), '--out', join(folder, 'view', 'index.html'), '--limit', '10'],
      {
        cwd: process.cwd(),
      },
    );
    expect(stdout).toContain('rendered 10 of 12 episodes');
    const index = await readFile(join(folder, 'view', 'index.html'), 'utf8');
    expect(index).toContain('Showing 10 of 12 episodes');
    expect(index).toContain('<meta name="viewport"');
    const pages = (await readdir(join(folder, 'view', 'index-files'))).filter((name) => name.endsWith('.html'));
    expect(pages).toHaveLength(10);
    expect((await readdir(join(folder, 'view', 'index-files', 'charts'))).sort()).toEqual(
      ['reward-terms.png', 'success-by-env.png', 'turns-and-tool-calls.png', 'tool-usage.png'].sort(),
    );
  }, 60_000);

  it('index: sorted by seed, overall row, answer and expected columns, charts load', async () => {
    if (browser === undefined) return;
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1000, height: 800 });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(pathToFileURL(join(folder, 'view', 'index.html')).href);
    const table = await page.evaluate(() =>
      Array.from(document.querySelectorAll('tbody tr')).map((row) =>
        Array.from(row.querySelectorAll('td')).map((cell) => cell.textContent ?? ''),
      ),
    );
    expect(table[0]?.[0]).toBe('all 10 shown');
    expect(table[0]?.[2]).toBe('40.0% success');
    expect(table.slice(1).map((row) => row[0])).toEqual(
      SEEDS.slice()
        .sort((a, b) => a - b)
        .slice(0, 10)
        .map((seed) => `probe-v0 #${seed}`),
    );
    expect(table[1]?.slice(7)).toEqual(['blue', 'blue']);
    expect(table[2]?.slice(7)).toEqual(['red', 'blue']);
    expect(table[1]?.[6]).toBe('1.77');
    const charts = await page.evaluate(async () => {
      const images = Array.from(document.images);
      for (const element of images) element.loading = 'eager';
      await Promise.all(images.map((element) => element.decode().catch(() => undefined)));
      return images.map((element) => ({ natural: element.naturalWidth, lazy: element.getAttribute('loading') }));
    });
    expect(charts.length).toBe(4);
    for (const chart of charts) expect(chart.natural).toBe(720);
    expect(errors).toEqual([]);
    // on a phone-sized screen the table scrolls inside its box; the page itself does not widen
    await page.setViewportSize({ width: 420, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
    await page.close();
  }, 30_000);

  it('episode page: images load through the encoded folder, no horizontal overflow, bidi neutralised, invalid reason shown', async () => {
    if (browser === undefined) return;
    const page = await browser.newPage();
    await page.setViewportSize({ width: 800, height: 800 });
    // seed 7 is the 8th by seed: the long episode
    await page.goto(pathToFileURL(join(folder, 'view', 'index-files', 'episode-0008.html')).href);
    const facts = await page.evaluate(async () => {
      const details = document.querySelector('details');
      const images = Array.from(document.images);
      const lazy = images.every((element) => element.getAttribute('loading') === 'lazy');
      if (details !== null) details.open = true;
      for (const element of images) element.loading = 'eager';
      await Promise.all(images.map((element) => element.decode().catch(() => undefined)));
      const style = (element: Element) => getComputedStyle(element).imageRendering;
      return {
        lazy,
        natural: images.map((element) => element.naturalWidth),
        shown: images.map((element) => element.getBoundingClientRect().width),
        rendering: images.map(style),
        linked: images.every(
          (element) => element.parentElement?.tagName === 'A' && (element.parentElement as HTMLAnchorElement).href === element.src,
        ),
        scrollWidth: document.documentElement.scrollWidth,
        headings: Array.from(document.querySelectorAll('h2, h4')).map((element) => element.textContent ?? ''),
        summary: document.querySelector('details summary')?.textContent ?? '',
        bidi: document.querySelector('.bidi')?.textContent ?? '',
        text: document.body.textContent ?? '',
        title: document.title,
      };
    });
    expect(facts.lazy).toBe(true);
    expect(facts.natural.length).toBeGreaterThan(5);
    expect(facts.natural.every((width) => width > 0)).toBe(true);
    expect(facts.linked).toBe(true);
    // the 8 px grid image is enlarged with crisp pixels; the 900 px chart fits the column, smoothly
    expect(facts.natural[0]).toBe(8);
    expect(facts.shown[0]).toBe(320);
    expect(facts.rendering[0]).toBe('pixelated');
    expect(facts.natural[1]).toBe(900);
    expect(facts.shown[1]).toBeLessThan(800);
    expect(facts.rendering[1]).toBe('auto');
    expect(facts.scrollWidth).toBeLessThanOrEqual(800);
    expect(facts.summary).toBe('turns 4–9 (6 more)');
    expect(facts.headings[0]).toBe('probe-v0 seed 7 — not solved');
    expect(facts.headings[1]).toBe('Turn 1 — invalid (bad-arguments): `factor` must be integer — reward 0');
    expect(facts.text).toContain('env -0.23');
    expect(facts.text).not.toContain('0000000');
    expect(facts.bidi).toBe('⟨U+202E⟩');
    expect(facts.text).toContain('price ⟨U+202E⟩gnp.exe⟨U+202C⟩ ok');
    expect(facts.title).toBe(`probe-v0 seed 7 — thinkgym — ${join(folder, 'data')}`);
    await page.close();
  }, 30_000);
});

describe('dataset pictures', () => {
  it('cover success by env and kind, turns and tool calls, reward terms and tool usage', () => {
    const ref = { sha256: '0'.repeat(64), width: 8, height: 8, mime: 'image/png' as const };
    const base = syntheticRecord(0, ref, ref).steps[0];
    if (base === undefined) throw new Error('the synthetic record has a step');
    const rows = [0, 1, 2, 3].map((seed) =>
      episodeRow(
        syntheticRecord(seed, ref, ref, {
          env: seed < 2 ? 'chart-v0' : 'maze-v0',
          success: seed !== 1,
          rewardTerms: { accuracy: seed === 1 ? 0 : 1, invalidCall: -seed, env: seed === 2 ? 0.5 : -0.5 },
          steps: [{ ...base, extra: { questionKind: seed === 0 ? 'sum' : 'count' } }],
        }),
        seed,
      ),
    );
    const charts = datasetCharts(rows);
    expect(charts.map((chart) => chart.file)).toEqual([
      'success-by-env.png',
      'success-by-kind.png',
      'turns-and-tool-calls.png',
      'reward-terms.png',
      'tool-usage.png',
    ]);
    expect(charts[0]?.chart.data.series[0]?.values).toEqual([50, 100]);
    expect(charts[1]?.chart.data.categories).toEqual(['chart count (1)', 'chart sum (1)', 'maze count (2)']);
    expect(charts[3]?.chart.data.series.map((series) => series.name)).toEqual(['accuracy', '−invalidCall (negated)']);
    expect(charts[3]?.caption).toContain('Not drawn (they take both signs): env.');
    expect(charts[4]?.chart.data.series[0]?.values).toEqual([4]);
  }, 30_000);
});
