import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { runEpisode } from '../agents/episode.js';
import { OraclePolicy } from '../agents/policies/oracle.js';
import { GymError } from '../core/errors.js';
import { MemoryImageStore } from '../core/image-store.js';
import { makeEnv } from '../core/registry.js';
import '../envs/maze/index.js';
import { DEFAULT_REWARD_CONFIG } from '../rewards/terms.js';
import { hasChromium, launchChromium } from '../tests/helpers/chromium.js';
import { readEpisodes } from '../trajectories/reader.js';
import type { EpisodeRecord } from '../trajectories/record.js';
import { renderEpisodesHtml, writeViewer } from '../trajectories/render-html.js';
import { DatasetWriter, manifestEnv, recordImages } from '../trajectories/writer.js';
import type { BenchRow, BenchRun } from './report.js';

/** Distinct maze episodes played by the oracle; larger datasets repeat them under new seeds. */
const DISTINCT = 20;
const SIZES = [200, 1000] as const;

/**
 * The trajectory viewer (`thinkgym render`) on 200- and 1,000-episode maze datasets (oracle
 * episodes with PNG observations, written through the real writer): time to write the pages, the
 * index page's size, and the time headless chromium takes to load it (to the `load` event),
 * against one page holding every episode (`renderEpisodesHtml`). Needs /usr/bin/chromium for the
 * load times.
 */
export const run: BenchRun = async () => {
  const root = await mkdtemp(join(tmpdir(), 'thinkgym-bench-viewer-'));
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const browser = hasChromium() ? await launchChromium() : undefined;
  if (browser === undefined) notes.push('load times not measured: /usr/bin/chromium is missing (apt-get install -y chromium)');
  try {
    const source = await playMazes();
    for (const size of SIZES) {
      const dataset = join(root, `maze-${size}`);
      await writeDataset(dataset, source, size);
      const index = join(root, `view-${size}`, 'index.html');
      const started = performance.now();
      const result = await writeViewer({ datasetDirectory: dataset, out: index, title: `maze ${size}` });
      const writeSeconds = (performance.now() - started) / 1000;
      const episodes: EpisodeRecord[] = [];
      for await (const record of readEpisodes(dataset)) episodes.push(record);
      const single = join(root, `view-${size}`, 'single.html');
      await writeFile(
        single,
        renderEpisodesHtml(episodes, { title: `maze ${size}`, datasetDirectory: dataset, outputDirectory: join(root, `view-${size}`) }),
      );
      const indexKiB = (await stat(index)).size / 1024;
      const singleKiB = (await stat(single)).size / 1024;
      const pages = (await readdir(result.filesDirectory)).filter((name) => name.endsWith('.html'));
      rows.push({
        name: `index page size (${size} episodes)`,
        value: indexKiB,
        unit: 'KiB',
        baseline: { name: 'one page of all', value: singleKiB },
        higherIsBetter: false,
      });
      rows.push({
        name: `write index + ${pages.length} episode pages + charts (${size})`,
        value: writeSeconds,
        unit: 's',
        higherIsBetter: false,
      });
      if (browser !== undefined) {
        const indexLoad = await loadTime(browser.context, index, 3);
        const singleLoad = await loadTime(browser.context, single, 1);
        const pageLoad = await loadTime(browser.context, join(result.filesDirectory, pages[Math.floor(pages.length / 2)] ?? ''), 3);
        rows.push({
          name: `index load in chromium (${size} episodes)`,
          value: indexLoad.ms,
          unit: 'ms',
          baseline: { name: 'one page of all', value: singleLoad.ms },
          higherIsBetter: false,
        });
        rows.push({ name: `episode page load (${size})`, value: pageLoad.ms, unit: 'ms', higherIsBetter: false });
        notes.push(
          `${size}: index ${Math.round(indexLoad.height)} px tall, one page of all ${Math.round(singleLoad.height)} px; ${result.charts} charts; load = navigation start to the load event, median`,
        );
      }
    }
    notes.push(`datasets: ${DISTINCT} distinct maze-v0 oracle episodes (PNG + ASCII observations) written again under new seeds`);
  } finally {
    await browser?.close();
    await rm(root, { recursive: true, force: true });
  }
  return { title: 'trajectory viewer (thinkgym render)', rows, notes };
};

async function playMazes(): Promise<{ records: EpisodeRecord[]; images: MemoryImageStore }> {
  const images = new MemoryImageStore();
  const env = await makeEnv('maze-v0', { images });
  const records: EpisodeRecord[] = [];
  for (let seed = 0; seed < DISTINCT; seed += 1) {
    const record = await runEpisode(env, new OraclePolicy(), { seed, images });
    if (!record.success) throw new GymError('bench-failed', `maze oracle failed on seed ${seed}`);
    records.push(record);
  }
  await env.close();
  return { records, images };
}

async function writeDataset(dir: string, source: { records: EpisodeRecord[]; images: MemoryImageStore }, size: number): Promise<void> {
  const env = await makeEnv('maze-v0', { images: new MemoryImageStore() });
  const writer = await DatasetWriter.open(dir, {
    envs: { 'maze-v0': manifestEnv(env.spec, env.tools) },
    policy: 'oracle',
    format: 'hermes',
    rewards: DEFAULT_REWARD_CONFIG,
  });
  for (const record of source.records) for (const sha256 of recordImages(record)) await writer.images.put(await source.images.get(sha256));
  for (let seed = 0; seed < size; seed += 1) {
    const record = source.records[seed % source.records.length];
    if (record !== undefined) await writer.append({ ...record, seed });
  }
  await writer.close();
}

async function loadTime(context: BrowserContext, file: string, runs: number): Promise<{ ms: number; height: number }> {
  const times: number[] = [];
  let height = 0;
  for (let attempt = 0; attempt < runs; attempt += 1) {
    const page = await context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 120_000 });
    const timing = await page.evaluate(() => {
      const entry = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      return { load: entry?.loadEventStart ?? 0, height: document.documentElement.scrollHeight };
    });
    times.push(timing.load);
    height = timing.height;
    await page.close();
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)] ?? 0, height };
}
