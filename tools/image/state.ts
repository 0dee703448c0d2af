import type { ImageRef } from '../../core/content.js';
import type { CoordinateFrame } from './frame.js';
import type { PixelSource } from './pixels.js';
import type { ImageScene } from './scene.js';

/**
 * The part of an env's state the image tools act on. Any env whose state has these fields can
 * list the tools of `tools/image`.
 */
export interface ImageToolState {
  /** The original image of the episode; every coordinate refers to it. */
  readonly image: ImageRef;
  /** The original plus everything drawn so far; draws paint on it, zoom and crop read it. */
  current: ImageRef;
  /** The frame coordinates are given and returned in. */
  readonly coordinates: CoordinateFrame;
  /** The image's scene graph, for synthetic images; privileged tools need it. */
  readonly scene?: ImageScene;
}

/** Options shared by the image tool factories. */
export interface ImageToolOptions {
  /** The frame named in the tool descriptions; it should match the states' `coordinates`. Default `pixel`. */
  readonly frame?: CoordinateFrame;
  /** Where decoded pixels come from; the process-wide cache by default. */
  readonly pixels?: PixelSource;
}
