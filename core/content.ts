/**
 * Observation and message content: an ordered list of text and image parts.
 *
 * Images travel as {@link ImageRef}s (a sha256 and the size), never as base64 inside the process;
 * the bytes live in an `ImageStore`. The canonical text form of a {@link Content} puts an `<image>`
 * placeholder where each image stands, with as many placeholders as images, which maps one to one
 * onto VAGEN, verl, LLaMA-Factory and TRL.
 */

/** A stored image: its content address and pixel size. */
export interface ImageRef {
  /** Lower-case hex sha256 of the encoded bytes. */
  readonly sha256: string;
  readonly width: number;
  readonly height: number;
  /** Always `image/png` for images made by thinkgym. */
  readonly mime: 'image/png';
}

/** A run of text. */
export interface TextPart {
  readonly type: 'text';
  readonly text: string;
}

/** An image, by reference. */
export interface ImagePart {
  readonly type: 'image';
  readonly image: ImageRef;
}

/** One part of a {@link Content}. */
export type ContentPart = TextPart | ImagePart;

/** An observation or a message body. */
export type Content = readonly ContentPart[];

/** The placeholder that marks an image's place in canonical text. */
export const IMAGE_PLACEHOLDER = '<image>';

/** A text part. */
export function text(value: string): TextPart {
  return { type: 'text', text: value };
}

/** An image part. */
export function image(ref: ImageRef): ImagePart {
  return { type: 'image', image: ref };
}

/** The images of a content, in order. */
export function contentImages(content: Content): ImageRef[] {
  const images: ImageRef[] = [];
  for (const part of content) if (part.type === 'image') images.push(part.image);
  return images;
}

/**
 * The one joining rule of thinkgym: adjacent parts of a content are separated by this string, and
 * empty text parts are dropped. The OpenAI wire (agents/openai-wire.ts), every exporter and the
 * env server all join content through {@link contentRuns}, so the text a model is trained on is
 * the text it was served.
 */
export const PART_SEPARATOR = '\n';

/**
 * A content as runs to emit in order: text runs that already carry the separators, and images.
 * Concatenating the runs with nothing between them (each image standing where it is) gives the
 * joined form, so a chat template that concatenates message parts (as Qwen-VL's does) renders the
 * same text as {@link contentToPlaceholderText}. Adjacent text parts merge into one run; two
 * adjacent images get a separator run between them.
 */
export function contentRuns(content: Content): ContentPart[] {
  const runs: ContentPart[] = [];
  let pending = '';
  let first = true;
  for (const part of content) {
    if (part.type === 'text' && part.text === '') continue;
    const separator = first ? '' : PART_SEPARATOR;
    first = false;
    if (part.type === 'text') {
      pending += separator + part.text;
      continue;
    }
    pending += separator;
    if (pending !== '') runs.push(text(pending));
    pending = '';
    runs.push(part);
  }
  if (pending !== '') runs.push(text(pending));
  return runs;
}

/**
 * The canonical text form: the parts joined by the one joining rule ({@link PART_SEPARATOR}, empty
 * text dropped) with `<image>` where each image stands. The number of placeholders always equals
 * `contentImages(content).length`.
 */
export function contentToPlaceholderText(content: Content): string {
  return contentRuns(content)
    .map((run) => (run.type === 'text' ? run.text : IMAGE_PLACEHOLDER))
    .join('');
}

/** Only the text of a content, joined by the one joining rule, images left out. */
export function contentText(content: Content): string {
  return contentToPlaceholderText(content.filter((part): part is TextPart => part.type === 'text'));
}

/** Strings joined as the text parts of one content would be (the one joining rule). */
export function joinTexts(values: readonly string[]): string {
  return contentText(values.map(text));
}
