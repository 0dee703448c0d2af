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

/** Only the text of a content, parts joined by newlines, images left out. */
export function contentText(content: Content): string {
  return content
    .filter((part): part is TextPart => part.type === 'text')
    .map((part) => part.text)
    .join('\n');
}

/**
 * The canonical text form: text parts joined by newlines with `<image>` where each image stands.
 * The number of placeholders always equals `contentImages(content).length`.
 */
export function contentToPlaceholderText(content: Content): string {
  return content.map((part) => (part.type === 'text' ? part.text : IMAGE_PLACEHOLDER)).join('\n');
}
