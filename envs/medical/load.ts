import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { FormatError } from '../../core/errors.js';
import { decodeSamples, type Samples } from '../../tools/image/samples.js';
import type { PixelBox } from '../../tools/image/scene.js';
import { type Calibration, type DisplayWindow, RAW_CALIBRATION } from '../../tools/image/window.js';
import { readDatasetText } from '../text-file.js';
import { decodeDicom, dicomSamples, isDicom } from './dicom.js';

/**
 * Loader for medical VQA sets in the VQA-RAD / SLAKE style: a JSON list (or JSONL, one object a
 * line) of `{image | image_name | img_name, question, answer, answer_type?, bbox?}`, with images
 * (8- or 16-bit PNG, JPEG, TIFF, or DICOM) in a folder (the file's own by default). `bbox` is
 * `[x1, y1, x2, y2]` in pixels; an item with one is scored by IoU. Items have no ground truth to
 * act on, so they serve evaluation only.
 */

/** One question about one image. */
export interface MedicalItem {
  /** Image path relative to the images folder. */
  readonly image: string;
  readonly question: string;
  readonly answer: string;
  /** `CLOSED` / `OPEN` in VQA-RAD and SLAKE. */
  readonly answerType?: string;
  readonly bbox?: PixelBox;
}

/** A loaded dataset file. */
export interface MedicalDataset {
  readonly file: string;
  readonly images: string;
  readonly items: readonly MedicalItem[];
}

/** An image ready for the env: samples at their own depth, their units and default window. */
export interface DecodedImage {
  readonly samples: Samples;
  readonly calibration: Calibration;
  readonly window: DisplayWindow;
}

/**
 * Reads a dataset file. `.jsonl` files hold one object a line; other files a JSON list (or an
 * object whose `data` or `questions` is the list). Bad items throw a {@link FormatError} naming the
 * file, the item (line for JSONL) and what to fix.
 */
export async function loadMedicalDataset(file: string, images?: string): Promise<MedicalDataset> {
  const path = resolve(file);
  const text = await readDatasetText(path, `Cannot read the dataset file ${path}; pass a VQA-RAD / SLAKE style .json or .jsonl file.`);
  const records: { value: unknown; line?: number; index: number }[] = [];
  if (extname(path).toLowerCase() === '.jsonl') {
    const lines = text.split(/\r?\n/);
    for (const [index, line] of lines.entries()) {
      if (line.trim() === '') continue;
      try {
        records.push({ value: JSON.parse(line), line: index + 1, index: records.length });
      } catch (error) {
        throw new FormatError(
          `${path}:${index + 1}: not valid JSON (${(error as Error).message}).`,
          { file: path, line: index + 1 },
          error,
        );
      }
    }
  } else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new FormatError(`${path} is not valid JSON: ${(error as Error).message}`, { file: path }, error);
    }
    const list = Array.isArray(parsed) ? parsed : listInside(parsed);
    if (list === undefined) throw new FormatError(`${path} must hold a JSON list of question objects.`, { file: path });
    for (const [index, value] of list.entries()) records.push({ value, index });
  }
  if (records.length === 0) throw new FormatError(`${path} holds no questions.`, { file: path });
  const items = records.map((record) => toItem(record.value, path, record.index, record.line));
  return { file: path, images: resolve(images ?? dirname(path)), items };
}

function listInside(value: unknown): unknown[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const object = value as Record<string, unknown>;
  for (const key of ['data', 'questions', 'items']) if (Array.isArray(object[key])) return object[key] as unknown[];
  return undefined;
}

function toItem(value: unknown, file: string, index: number, line: number | undefined): MedicalItem {
  const where = line === undefined ? `${file} item ${index + 1}` : `${file}:${line}`;
  const fail = (problem: string): never => {
    throw new FormatError(`${where}: ${problem}`, line === undefined ? { file } : { file, line });
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('each item must be an object.');
  const object = value as Record<string, unknown>;
  const image = object.image ?? object.image_name ?? object.img_name;
  if (typeof image !== 'string' || image.trim() === '') return fail('needs an image path in `image`, `image_name` or `img_name`.');
  if (typeof object.question !== 'string' || object.question.trim() === '') return fail('needs a non-empty `question` string.');
  const answer = object.answer;
  if (typeof answer !== 'string' && typeof answer !== 'number' && typeof answer !== 'boolean') {
    return fail('needs an `answer` (string, number or boolean).');
  }
  let bbox: PixelBox | undefined;
  if (object.bbox !== undefined) {
    const box = object.bbox;
    if (!Array.isArray(box) || box.length !== 4 || !box.every((entry) => typeof entry === 'number' && Number.isFinite(entry))) {
      return fail('`bbox` must be [x1, y1, x2, y2] in pixels.');
    }
    const [x1, y1, x2, y2] = box as [number, number, number, number];
    if (x2 <= x1 || y2 <= y1) return fail(`\`bbox\` [${box.join(', ')}] is empty; x2 must exceed x1 and y2 exceed y1.`);
    bbox = { x1, y1, x2, y2 };
  }
  const answerType = typeof object.answer_type === 'string' ? object.answer_type : undefined;
  return {
    image: image.trim(),
    question: object.question.trim(),
    answer: String(answer).trim(),
    ...(answerType === undefined ? {} : { answerType }),
    ...(bbox === undefined ? {} : { bbox }),
  };
}

/** Reads and decodes the image of an item: DICOM by its `DICM` marker, anything else through sharp. */
export async function readDatasetImage(dataset: MedicalDataset, item: MedicalItem): Promise<DecodedImage> {
  const path = resolve(dataset.images, item.image);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new FormatError(`Image ${path} of the question "${item.question}" is missing; check the images folder.`, { file: path }, error);
  }
  return decodeImageFile(bytes, path);
}

/** Decodes image bytes: DICOM through dicom-parser, PNG/JPEG/TIFF (8 or 16 bit) through sharp. */
export async function decodeImageFile(bytes: Uint8Array, file: string): Promise<DecodedImage> {
  if (isDicom(bytes) || extname(file).toLowerCase() === '.dcm') return dicomSamples(decodeDicom(bytes, file));
  let samples: Samples;
  try {
    samples = await decodeSamples(bytes);
  } catch (error) {
    throw new FormatError(`${file}: ${(error as Error).message}`, { file }, error);
  }
  const top = 2 ** samples.bits - 1;
  return { samples, calibration: RAW_CALIBRATION, window: { center: (top + 1) / 2, width: top + 1 } };
}
