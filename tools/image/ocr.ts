import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { text } from '../../core/content.js';
import { GymError } from '../../core/errors.js';
import { type Tool, type ToolResult, toolError } from '../../core/tool.js';
import { boxProperties, checkBox, describeFrame, type FrameBox, formatBox, fromPixelBox } from './frame.js';
import { rawPipeline, sharedPixelCache } from './pixels.js';
import type { ImageToolOptions, ImageToolState } from './state.js';

/** A word an OCR engine read, with its box in the pixels of the image it was given. */
export interface OcrWord {
  readonly text: string;
  /** 0..100. */
  readonly confidence: number;
  readonly box: { readonly x1: number; readonly y1: number; readonly x2: number; readonly y2: number };
}

/** What an OCR engine read from one image. */
export interface OcrReading {
  readonly text: string;
  readonly words: readonly OcrWord[];
}

/** Reads text from PNG bytes. */
export interface OcrEngine {
  recognize(png: Buffer): Promise<OcrReading>;
  /** Frees the engine's workers; the engine starts again on the next call. */
  terminate(): Promise<void>;
}

type TesseractWorker = Awaited<ReturnType<typeof import('tesseract.js').createWorker>>;

/**
 * OCR with tesseract.js (LSTM, English), fully offline: the trained data comes from the
 * `@tesseract.js-data/eng` package and the WASM core from `tesseract.js-core`, both in
 * node_modules; nothing is downloaded or cached on disk. The worker starts on the first call and
 * is reused; call {@link terminate} when done (envs do it in `close`).
 */
export class TesseractOcr implements OcrEngine {
  private worker: Promise<TesseractWorker> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  async recognize(png: Buffer): Promise<OcrReading> {
    const run = this.queue.then(async () => {
      const worker = await this.start();
      const result = await worker.recognize(png, {}, { text: true, blocks: true });
      const words: OcrWord[] = [];
      for (const block of result.data.blocks ?? []) {
        for (const paragraph of block.paragraphs) {
          for (const line of paragraph.lines) {
            for (const word of line.words) {
              words.push({
                text: word.text,
                confidence: Math.round(word.confidence * 10) / 10,
                box: { x1: word.bbox.x0, y1: word.bbox.y0, x2: word.bbox.x1, y2: word.bbox.y1 },
              });
            }
          }
        }
      }
      return { text: result.data.text.trim(), words };
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async terminate(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) await (await worker).terminate();
  }

  private start(): Promise<TesseractWorker> {
    if (this.worker === undefined) {
      this.worker = (async () => {
        const tesseract = await import('tesseract.js');
        const require = createRequire(import.meta.url);
        let langPath: string;
        try {
          langPath = join(dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
        } catch (error) {
          throw new GymError('ocr-data-missing', 'OCR needs the @tesseract.js-data/eng package (English trained data); install it.', {
            cause: error,
          });
        }
        const worker = await tesseract.createWorker('eng', tesseract.OEM.LSTM_ONLY, {
          langPath,
          gzip: true,
          cacheMethod: 'none',
          logger: () => undefined,
          errorHandler: () => undefined,
        });
        await worker.setParameters({ tessedit_pageseg_mode: tesseract.PSM.SINGLE_BLOCK, user_defined_dpi: '300' });
        return worker;
      })();
      this.worker.catch(() => {
        this.worker = undefined;
      });
    }
    return this.worker;
  }
}

let sharedEngine: TesseractOcr | undefined;

/** The process-wide OCR engine the default `ocr` tool uses. */
export function sharedOcrEngine(): TesseractOcr {
  sharedEngine ??= new TesseractOcr();
  return sharedEngine;
}

/** Arguments of `ocr`. */
export interface OcrArgs {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

/** Options of {@link createOcrTool}. */
export interface OcrToolOptions extends ImageToolOptions {
  /** The engine to read with; the shared tesseract engine by default. */
  readonly engine?: OcrEngine;
}

const OCR_PADDING = 12;
const OCR_MAX_SIDE = 2400;

/**
 * `ocr`: reads the text inside a box of the ORIGINAL image (drawn lines left out, so they do not
 * garble the letters). The region is enlarged so small chart labels are legible to the engine.
 * Returns the text, and word boxes in the episode's frame as structured data.
 */
export function createOcrTool<State extends ImageToolState>(options: OcrToolOptions = {}): Tool<State, OcrArgs> {
  const frame = options.frame ?? 'pixel';
  const pixels = options.pixels ?? sharedPixelCache;
  return {
    name: 'ocr',
    description:
      'Read the printed text inside a box of the original image (optical character recognition); returns the text found. ' +
      `${describeFrame(frame)} Tight boxes around labels read best.`,
    parameters: {
      type: 'object',
      properties: boxProperties(frame, 'the region to read'),
      required: ['x1', 'y1', 'x2', 'y2'],
      additionalProperties: false,
    },
    annotations: { readOnly: true },
    async run(args, context): Promise<ToolResult> {
      const state = context.state;
      const checked = checkBox(args, state.coordinates, state.image);
      if (!checked.ok) return toolError(checked.message);
      const { region } = checked;
      const wanted = region.height < 150 ? 3 : region.height < 400 ? 2 : 1;
      const factor = Math.max(1, Math.min(wanted, OCR_MAX_SIDE / Math.max(region.width, region.height)));
      const width = Math.max(1, Math.round(region.width * factor));
      const height = Math.max(1, Math.round(region.height * factor));
      const raw = await pixels.raw(state.image, context.images);
      const png = await rawPipeline(raw)
        .extract(region)
        .resize(width, height, { kernel: 'lanczos3', fit: 'fill' })
        .extend({ top: OCR_PADDING, bottom: OCR_PADDING, left: OCR_PADDING, right: OCR_PADDING, background: '#ffffff' })
        .png()
        .toBuffer();
      const engine = options.engine ?? sharedOcrEngine();
      const reading = await engine.recognize(png);
      const toOriginal = (box: OcrWord['box']): FrameBox =>
        fromPixelBox(
          {
            x1: region.left + (box.x1 - OCR_PADDING) / (width / region.width),
            y1: region.top + (box.y1 - OCR_PADDING) / (height / region.height),
            x2: region.left + (box.x2 - OCR_PADDING) / (width / region.width),
            y2: region.top + (box.y2 - OCR_PADDING) / (height / region.height),
          },
          state.coordinates,
          state.image,
        );
      const words = reading.words.filter((word) => word.text.trim() !== '').map((word) => ({ ...word, box: toOriginal(word.box) }));
      const box = fromPixelBox(
        { x1: region.left, y1: region.top, x2: region.left + region.width, y2: region.top + region.height },
        state.coordinates,
        state.image,
      );
      const found = reading.text.replace(/\s*\n\s*/g, ' | ');
      const message = found === '' ? `No text found in ${formatBox(box)}.` : `Text in ${formatBox(box)}: ${found}`;
      return { content: [text(message)], data: { text: reading.text, words } };
    },
  };
}
