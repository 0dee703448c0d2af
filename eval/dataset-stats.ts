import { type ToolCallCounts, toolCallStats } from '../rewards/tool-credit.js';
import { episodeVisualLoad, QWEN2_VL, type VisualTokenModel } from '../rewards/visual-tokens.js';
import { type EpisodeFilter, predicate } from '../trajectories/filters.js';
import { readEpisodes } from '../trajectories/reader.js';

/** Tool calls and visual load over a dataset, for `inspect`. */
export interface DatasetCallStats {
  readonly episodes: number;
  /** Successful, failed and repeated calls by tool name, over all episodes. */
  readonly toolCalls: Readonly<Record<string, ToolCallCounts>>;
  /** Episodes with at least one repeated call. */
  readonly episodesWithRepeats: number;
  readonly visual: {
    readonly model: VisualTokenModel;
    readonly meanImages: number;
    readonly meanPixels: number;
    readonly meanVisualTokens: number;
    readonly maxVisualTokens: number;
    /** Steps where an image cap withheld images. */
    readonly budgetHits: number;
  };
}

/** Streams a dataset once and counts tool-call outcomes and the visual tokens of each episode's context. */
export async function datasetCallStats(source: string, model: VisualTokenModel = QWEN2_VL): Promise<DatasetCallStats> {
  const toolCalls: Record<string, { successful: number; failed: number; repeated: number }> = {};
  let episodes = 0;
  let episodesWithRepeats = 0;
  let images = 0;
  let pixels = 0;
  let tokens = 0;
  let maxTokens = 0;
  let budgetHits = 0;
  for await (const record of readEpisodes(source)) {
    episodes += 1;
    const stats = toolCallStats(record.steps);
    if (stats.repeated > 0) episodesWithRepeats += 1;
    for (const [name, counts] of Object.entries(stats.byTool)) {
      const total = toolCalls[name] ?? { successful: 0, failed: 0, repeated: 0 };
      total.successful += counts.successful;
      total.failed += counts.failed;
      total.repeated += counts.repeated;
      toolCalls[name] = total;
    }
    const load = episodeVisualLoad(record, model);
    images += load.images;
    pixels += load.pixels;
    tokens += load.visualTokens;
    maxTokens = Math.max(maxTokens, load.visualTokens);
    budgetHits += record.steps.filter((step) => step.extra?.imageBudget !== undefined).length;
  }
  const mean = (value: number): number => (episodes === 0 ? 0 : Math.round((value / episodes) * 1000) / 1000);
  return {
    episodes,
    toolCalls,
    episodesWithRepeats,
    visual: {
      model,
      meanImages: mean(images),
      meanPixels: mean(pixels),
      meanVisualTokens: mean(tokens),
      maxVisualTokens: maxTokens,
      budgetHits,
    },
  };
}

/** The stats as text lines under `inspect`'s summary. */
export function formatCallStats(stats: DatasetCallStats): string {
  const names = Object.keys(stats.toolCalls).sort();
  const lines = [
    `tool calls  ${names.length === 0 ? 'none' : `(successful / failed / repeated; ${stats.episodesWithRepeats} episode(s) with repeats)`}`,
    ...names.map((name) => {
      const counts = stats.toolCalls[name] as ToolCallCounts;
      return `  ${name.padEnd(20)} ${counts.successful} / ${counts.failed} / ${counts.repeated}`;
    }),
    `visual      per episode: mean ${stats.visual.meanImages} images, ${Math.round(stats.visual.meanPixels)} px, ${stats.visual.meanVisualTokens} tokens (${stats.visual.model.family}, max ${stats.visual.maxVisualTokens}); image caps reached ${stats.visual.budgetHits} time(s)`,
  ];
  return lines.join('\n');
}

/**
 * An export filter that drops episodes whose context holds more than `limit` visual tokens (the
 * task's and every observation's images, estimated for `model`); exports count the drops under
 * `max-visual-tokens`, so a report names every episode left out for its length.
 */
export function maxVisualTokens(limit: number, model: VisualTokenModel = QWEN2_VL): EpisodeFilter {
  return predicate('max-visual-tokens', (record) => episodeVisualLoad(record, model).visualTokens <= limit);
}
