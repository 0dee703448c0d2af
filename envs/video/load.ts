import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FormatError, type GymError } from '../../core/errors.js';
import { readDatasetText } from '../text-file.js';
import { probeVideo, type VideoProbe } from './extract.js';
import { type FfmpegBinary, findFfmpeg } from './ffmpeg.js';
import type { Gold } from './questions.js';

/**
 * Loader of video QA sets for evaluation: a JSONL file, one item per line,
 *
 *     {"video": "clips/a.mp4", "question": "…", "answer": "B", "options": ["…", "…"], "span": [12, 30]}
 *
 * with `video` relative to the JSONL file (any file ffmpeg decodes: mp4, mkv, webm…), `options`
 * (multiple choice; the answer is a letter or one option's text) and `span` (start and end seconds
 * of the part that matters) optional. Every video is probed when the set loads, so a missing or
 * undecodable file is an error naming its line, before any episode runs.
 */

/** One item of a video QA set. */
export interface VideoItem {
  /** 1-based line in the JSONL file. */
  readonly line: number;
  /** Absolute path of the video. */
  readonly video: string;
  readonly question: string;
  readonly answer: string;
  readonly options?: readonly string[];
  readonly span?: readonly [number, number];
  readonly probe: VideoProbe;
}

/** A loaded set. */
export interface VideoSet {
  readonly file: string;
  readonly items: readonly VideoItem[];
  readonly ffmpeg: FfmpegBinary;
}

/** Reads and checks a video QA JSONL file (see the module note). Throws {@link FormatError} with the file and line. */
export async function loadVideoSet(file: string, ffmpeg: FfmpegBinary = findFfmpeg()): Promise<VideoSet> {
  const path = resolve(file);
  const content = await readDatasetText(path, `Cannot read the video QA file ${path}; pass dataset=<file.jsonl>.`);
  const folder = dirname(path);
  const items: VideoItem[] = [];
  const lines = content.split('\n');
  for (const [position, raw] of lines.entries()) {
    const line = position + 1;
    if (raw.trim() === '') continue;
    const fail = (message: string, cause?: unknown): never => {
      throw new FormatError(`${path}:${line}: ${message}`, { file: path, line }, cause);
    };
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      fail(`not valid JSON (${(error as Error).message}).`, error);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      fail('each line must be a JSON object with video, question and answer.');
    const record = value as Record<string, unknown>;
    for (const field of ['video', 'question', 'answer'] as const) {
      const field_value = record[field];
      if (field === 'answer' && typeof field_value === 'number') continue;
      if (typeof field_value !== 'string' || field_value.trim() === '') fail(`"${field}" must be a non-empty string.`);
    }
    const options = record.options;
    if (
      options !== undefined &&
      (!Array.isArray(options) || options.length < 2 || !options.every((option) => typeof option === 'string'))
    ) {
      fail('"options" must be a list of at least two strings.');
    }
    const span = record.span;
    if (
      span !== undefined &&
      (!Array.isArray(span) ||
        span.length !== 2 ||
        !span.every((time) => typeof time === 'number' && time >= 0) ||
        (span[0] as number) >= (span[1] as number))
    ) {
      fail('"span" must be [start, end] in seconds with 0 <= start < end.');
    }
    const video = resolve(folder, record.video as string);
    if (!existsSync(video)) fail(`the video ${video} does not exist ("video" is a path relative to the JSONL file).`);
    let probe: VideoProbe;
    try {
      probe = await probeVideo(ffmpeg, video);
    } catch (error) {
      fail(`ffmpeg cannot decode the video ${video}: ${(error as GymError).message}`, error);
      throw error;
    }
    if (probe.duration <= 0 || probe.fps <= 0) fail(`the video ${video} has no duration or frame rate ffmpeg can read.`);
    items.push({
      line,
      video,
      question: (record.question as string).trim(),
      answer: String(record.answer).trim(),
      ...(options === undefined ? {} : { options: options as string[] }),
      ...(span === undefined ? {} : { span: span as [number, number] }),
      probe,
    });
  }
  if (items.length === 0) throw new FormatError(`${path} holds no items; write one JSON object per line.`, { file: path });
  return { file: path, items, ffmpeg };
}

/** How an item's answer is checked: a choice when it has options, a count when the answer is an integer, else a word. */
export function itemGold(item: VideoItem): Gold {
  if (item.options !== undefined) {
    const letter = /^[A-Za-z]$/.test(item.answer)
      ? item.answer.toUpperCase()
      : String.fromCharCode(
          65 +
            Math.max(
              0,
              item.options.findIndex((option) => option.trim().toLowerCase() === item.answer.toLowerCase()),
            ),
        );
    return { type: 'choice', letter, options: item.options };
  }
  if (/^\d+$/.test(item.answer)) return { type: 'count', value: Number(item.answer) };
  return { type: 'word', value: item.answer };
}
