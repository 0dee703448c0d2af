import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageRef } from './content.js';
import { GymError } from './errors.js';

/**
 * Content-addressed storage for PNG images. `put` returns the same {@link ImageRef} for the same
 * bytes, so identical renders are stored once and determinism checks compare hashes.
 */
export interface ImageStore {
  /** Stores PNG bytes and returns their reference. Idempotent. */
  put(png: Uint8Array): Promise<ImageRef>;
  /** The PNG bytes of a stored image; throws `GymError('image-missing')` when absent. */
  get(sha256: string): Promise<Buffer>;
  /** Whether the image is stored. */
  has(sha256: string): Promise<boolean>;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Builds the reference of PNG bytes: sha256 plus the size read from the IHDR chunk. */
export function describePng(png: Uint8Array): ImageRef {
  const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
    throw new GymError('not-png', 'Image stores hold PNG bytes only; encode with sharp(...).png() first.');
  }
  return {
    sha256: createHash('sha256').update(bytes).digest('hex'),
    width: bytes.readUInt32BE(16),
    height: bytes.readUInt32BE(20),
    mime: 'image/png',
  };
}

/** The relative path of an image inside a dataset: `images/ab/<sha256>.png`. */
export function imageRelativePath(sha256: string): string {
  return join('images', sha256.slice(0, 2), `${sha256}.png`);
}

/** An in-memory store, for tests, evaluation and short runs. */
export class MemoryImageStore implements ImageStore {
  private readonly images = new Map<string, Buffer>();

  async put(png: Uint8Array): Promise<ImageRef> {
    const ref = describePng(png);
    if (!this.images.has(ref.sha256)) this.images.set(ref.sha256, Buffer.from(png));
    return ref;
  }

  async get(sha256: string): Promise<Buffer> {
    const bytes = this.images.get(sha256);
    if (bytes === undefined) throw missing(sha256);
    return bytes;
  }

  async has(sha256: string): Promise<boolean> {
    return this.images.has(sha256);
  }

  /** Number of stored images. */
  get size(): number {
    return this.images.size;
  }
}

/**
 * A store in a directory laid out as a dataset's `images/xx/<sha256>.png`. Writes go to a
 * temporary file first and are renamed into place, so a crash never leaves a torn image. Each
 * `images/xx` folder is created and listed once, on its first image, so storing a new image costs
 * a write and a rename, with no `stat` or `mkdir`.
 */
export class DirectoryImageStore implements ImageStore {
  /** The dataset root: images go under `<root>/images/`. */
  readonly root: string;
  /** Hashes known to be on disk: written by this store or listed in their folder. */
  private readonly written = new Set<string>();
  /** Folders created and listed, by their two-character prefix. */
  private readonly folders = new Map<string, Promise<void>>();
  private temporaries = 0;

  constructor(root: string) {
    this.root = root;
  }

  /** Absolute path of an image in this store. */
  pathOf(sha256: string): string {
    return join(this.root, imageRelativePath(sha256));
  }

  async put(png: Uint8Array): Promise<ImageRef> {
    const ref = describePng(png);
    if (this.written.has(ref.sha256)) return ref;
    await this.folder(ref.sha256.slice(0, 2));
    if (this.written.has(ref.sha256)) return ref;
    const path = this.pathOf(ref.sha256);
    this.temporaries += 1;
    const temporary = `${path}.${process.pid}.${this.temporaries}.tmp`;
    await writeFile(temporary, png);
    await rename(temporary, path);
    this.written.add(ref.sha256);
    return ref;
  }

  async get(sha256: string): Promise<Buffer> {
    try {
      return await readFile(this.pathOf(sha256));
    } catch (error) {
      throw missing(sha256, error);
    }
  }

  async has(sha256: string): Promise<boolean> {
    return this.written.has(sha256) || exists(this.pathOf(sha256));
  }

  /** Creates `images/<prefix>` once and notes the images already in it (from an earlier run). */
  private folder(prefix: string): Promise<void> {
    let ready = this.folders.get(prefix);
    if (ready === undefined) {
      const path = join(this.root, 'images', prefix);
      ready = mkdir(path, { recursive: true })
        .then(() => readdir(path))
        .then((names) => {
          for (const name of names) if (name.endsWith('.png')) this.written.add(name.slice(0, -4));
        });
      // A failure (e.g. a read-only folder) is reported to this call and retried by the next.
      ready.catch(() => this.folders.delete(prefix));
      this.folders.set(prefix, ready);
    }
    return ready;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function missing(sha256: string, cause?: unknown): GymError {
  return new GymError('image-missing', `Image ${sha256} is not in the store; was it written with put()?`, {
    data: { sha256 },
    cause,
  });
}
