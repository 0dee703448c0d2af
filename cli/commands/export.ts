import { resolve } from 'node:path';
import { maxVisualTokens } from '../../eval/dataset-stats.js';
import type { ExportResult } from '../../trajectories/export-common.js';
import { exportOpenAI } from '../../trajectories/export-openai.js';
import { exportShareGpt } from '../../trajectories/export-sharegpt.js';
import { dedupe, type EpisodeFilter, maxTurns, noInvalidActions, successOnly } from '../../trajectories/filters.js';
import { integerFlag, parseCommand, UsageError } from '../args.js';

const USAGE = `Usage: thinkgym export <dataset-dir> --format sharegpt|openai|verl --out <file> [filters]

  --format sharegpt    LLaMA-Factory multimodal ShareGPT (.json array or .jsonl) + dataset_info.json beside it
  --format openai      OpenAI chat fine-tuning JSONL (tools, tool_calls, tool messages, image_url)
  --format verl        verl RL prompts, parquet, one row per task (prompt with <image>, images, tools_kwargs)
  --out FILE           output file
  --success-only       keep only solved episodes
  --max-turns N        keep episodes of at most N turns
  --no-invalid         keep episodes without invalid actions
  --dedupe             keep the first episode of each env + seed + policy
  --max-visual-tokens N  drop episodes whose images pass N visual tokens in context (Qwen2-VL estimate;
                       counted as skipped: max-visual-tokens)
  --images MODE        openai only: data-url (default) or path (file paths, which OpenAI rejects)
  --allow-image-paths  openai only: accept --images path, for a loader that reads local files itself
  --absolute-paths     sharegpt only: absolute image paths (default: relative to the output file)`;

/** `thinkgym export`: writes an SFT file from a dataset. */
export async function exportDataset(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      format: { type: 'string' },
      out: { type: 'string' },
      'success-only': { type: 'boolean' },
      'max-turns': { type: 'string' },
      'no-invalid': { type: 'boolean' },
      dedupe: { type: 'boolean' },
      'max-visual-tokens': { type: 'string' },
      images: { type: 'string' },
      'allow-image-paths': { type: 'boolean' },
      'absolute-paths': { type: 'boolean' },
      help: { type: 'boolean' },
    },
    USAGE,
  );
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const directory = positionals[0];
  if (directory === undefined) throw new UsageError(`Name the dataset directory.\n\n${USAGE}`);
  if (values.out === undefined) throw new UsageError(`--out is required.\n\n${USAGE}`);
  const filters: EpisodeFilter[] = [];
  if (values['success-only'] === true) filters.push(successOnly());
  if (values['max-turns'] !== undefined) filters.push(maxTurns(integerFlag(values['max-turns'], 'max-turns', 1, 1)));
  if (values['no-invalid'] === true) filters.push(noInvalidActions());
  if (values.dedupe === true) filters.push(dedupe());
  if (values['max-visual-tokens'] !== undefined)
    filters.push(maxVisualTokens(integerFlag(values['max-visual-tokens'], 'max-visual-tokens', 1, 1)));
  const onProblem = (problem: { line: number; message: string }): void =>
    console.error(`skipping line ${problem.line}: ${problem.message}`);
  const out = resolve(values.out);
  let result: ExportResult;
  if (values.format === 'sharegpt') {
    result = await exportShareGpt(directory, out, {
      filters,
      onProblem,
      imagePaths: values['absolute-paths'] === true ? 'absolute' : 'relative',
    });
  } else if (values.format === 'openai') {
    const images = values.images ?? 'data-url';
    if (images !== 'data-url' && images !== 'path') throw new UsageError(`--images must be data-url or path, got "${images}".`);
    if (images === 'path' && values['allow-image-paths'] !== true) {
      throw new UsageError(
        '--images path writes local file paths into image_url, which OpenAI fine-tuning rejects (it takes http(s) or data URLs); ' +
          'leave out --images to inline the images, or add --allow-image-paths if your loader reads local files.',
      );
    }
    result = await exportOpenAI(directory, out, { filters, onProblem, images });
  } else if (values.format === 'verl') {
    const { exportVerl } = await import('../../trajectories/export-verl.js');
    result = await exportVerl(directory, out, { filters, onProblem });
  } else {
    throw new UsageError(`--format must be sharegpt, openai or verl, got "${values.format ?? ''}".\n\n${USAGE}`);
  }
  const skipped = Object.entries(result.skipped)
    .map(([reason, count]) => `${count} ${reason}`)
    .join(', ');
  console.log(`wrote ${result.written} conversations to ${result.file}${skipped === '' ? '' : ` (skipped: ${skipped})`}`);
  return result.written === 0 ? 1 : 0;
}
