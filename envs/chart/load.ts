import { access, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import sharp from 'sharp';
import { FormatError } from '../../core/errors.js';
import { compileSchema } from '../../core/schema.js';
import { readDatasetText } from '../text-file.js';

/**
 * Loader for the ChartQA format: a JSON list of `{imgname, query, label}` (the `*_augmented.json`
 * and `*_human.json` files of each split) and a folder of chart images (`png/` beside the JSON by
 * default). Items have no scene graph, so they serve evaluation only.
 */

/** One ChartQA question. */
export interface ChartQAItem {
  /** File name of the chart image inside the images folder. */
  readonly imgname: string;
  readonly query: string;
  /** The gold answer as written in the dataset. */
  readonly label: string;
}

/** A loaded ChartQA file. */
export interface ChartQASet {
  /** The JSON file read. */
  readonly file: string;
  /** The folder images are read from. */
  readonly images: string;
  readonly items: readonly ChartQAItem[];
}

const ITEMS_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      imgname: { type: 'string', minLength: 1 },
      query: { type: 'string', minLength: 1 },
      label: { anyOf: [{ type: 'string' }, { type: 'number' }] },
    },
    required: ['imgname', 'query', 'label'],
  },
} as const;

/**
 * Reads a ChartQA JSON file. `images` defaults to the `png` folder beside it. Throws a
 * {@link FormatError} naming the file and the first problems when the JSON is not a list of
 * `{imgname, query, label}`; numeric labels are kept as their decimal text.
 */
export async function loadChartQA(file: string, images?: string): Promise<ChartQASet> {
  const path = resolve(file);
  const text = await readDatasetText(
    path,
    `Cannot read the ChartQA file ${path}; pass the path of a *_augmented.json or *_human.json file.`,
  );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new FormatError(`${path} is not valid JSON: ${(error as Error).message}`, { file: path }, error);
  }
  const validation = compileSchema<{ imgname: string; query: string; label: string | number }[]>(ITEMS_SCHEMA).validate(parsed);
  if (!validation.ok) {
    throw new FormatError(
      `${path} is not in ChartQA format (a JSON list of {imgname, query, label}): ${validation.problems.slice(0, 3).join('; ')}`,
      { file: path },
    );
  }
  if (validation.value.length === 0) throw new FormatError(`${path} holds no questions.`, { file: path });
  const items = validation.value.map((item) => ({ imgname: item.imgname, query: item.query, label: String(item.label) }));
  const folder = resolve(images ?? join(dirname(path), 'png'));
  await checkImages(path, folder, items);
  return { file: path, images: folder, items };
}

/** Checks, once and before any episode, that every item's image is in the folder; lists the missing ones. */
async function checkImages(file: string, folder: string, items: readonly ChartQAItem[]): Promise<void> {
  const missing: { index: number; imgname: string }[] = [];
  const names = [...new Set(items.map((item) => item.imgname))];
  const present = new Set<string>();
  for (let start = 0; start < names.length; start += 64) {
    const batch = names.slice(start, start + 64);
    const found = await Promise.all(
      batch.map((name) =>
        access(join(folder, name)).then(
          () => true,
          () => false,
        ),
      ),
    );
    batch.forEach((name, index) => {
      if (found[index] === true) present.add(name);
    });
  }
  items.forEach((item, index) => {
    if (!present.has(item.imgname)) missing.push({ index, imgname: item.imgname });
  });
  if (missing.length === 0) return;
  const listed = missing.slice(0, 20).map((entry) => `  item ${entry.index}: ${entry.imgname}`);
  if (missing.length > 20) listed.push(`  … and ${missing.length - 20} more`);
  throw new FormatError(
    `${file}: ${missing.length} of ${items.length} items have no image in ${folder}; pass the images folder (the images option) or remove those items:\n${listed.join('\n')}`,
    { file },
  );
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The PNG bytes of an item's image (other formats are converted to PNG). */
export async function readChartQAImage(set: ChartQASet, item: ChartQAItem): Promise<Buffer> {
  const path = join(set.images, item.imgname);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new FormatError(`Image ${path} of ChartQA item "${item.query}" is missing; check the images folder.`, { file: path }, error);
  }
  if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return bytes;
  return sharp(bytes).png({ compressionLevel: 6, palette: false }).toBuffer();
}
