import type { ImageRef } from '../../core/content.js';
import type { ImageStore } from '../../core/image-store.js';

/** Options of a {@link DecodeCache}. */
export interface DecodeCacheOptions {
  /** Most bytes of decoded data kept; 0 keeps nothing (every call decodes the PNG again). */
  readonly maxBytes?: number;
}

/**
 * Decoded images kept per sha256, least recently used dropped first, bounded by the bytes they
 * hold. Images are content-addressed, so one cache can serve several envs. Concurrent requests for
 * one image share one decode, and a decode begun before {@link DecodeCache.clear} is not kept
 * after it. `PixelCache` (8-bit RGB) and `SampleCache` (full-depth samples) are its two kinds.
 */
export class DecodeCache<Decoded extends { readonly data: { readonly byteLength: number } }> {
  readonly maxBytes: number;
  private readonly entries = new Map<string, Decoded>();
  private readonly pending = new Map<string, Promise<Decoded>>();
  private bytes = 0;
  /** Bumped by {@link DecodeCache.clear}, so decodes begun before a clear are not kept after it. */
  private generation = 0;

  constructor(
    private readonly decode: (png: Buffer) => Promise<Decoded>,
    defaultMaxBytes: number,
    options: DecodeCacheOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? defaultMaxBytes;
  }

  /** The decoded image of `ref`, from the cache or decoded from the store once. */
  protected async decoded(ref: ImageRef, images: ImageStore): Promise<Decoded> {
    const cached = this.entries.get(ref.sha256);
    if (cached !== undefined) {
      this.entries.delete(ref.sha256);
      this.entries.set(ref.sha256, cached);
      return cached;
    }
    const running = this.pending.get(ref.sha256);
    if (running !== undefined) return running;
    const generation = this.generation;
    const started: Promise<Decoded> = images
      .get(ref.sha256)
      .then(this.decode)
      .then((decoded) => {
        if (generation === this.generation) this.remember(ref, decoded);
        return decoded;
      })
      .finally(() => {
        if (this.pending.get(ref.sha256) === started) this.pending.delete(ref.sha256);
      });
    this.pending.set(ref.sha256, started);
    return started;
  }

  /** Remembers an image the caller already has decoded (e.g. a scan it just generated and stored). */
  remember(ref: ImageRef, decoded: Decoded): void {
    const size = decoded.data.byteLength;
    if (this.maxBytes <= 0 || size > this.maxBytes || this.entries.has(ref.sha256)) return;
    this.entries.set(ref.sha256, decoded);
    this.bytes += size;
    for (const [sha256, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(sha256);
      this.bytes -= entry.data.byteLength;
    }
  }

  /** Drops every cached image; decodes still running are not kept when they finish. */
  clear(): void {
    this.entries.clear();
    this.pending.clear();
    this.bytes = 0;
    this.generation += 1;
  }

  /** Number of images held. */
  get size(): number {
    return this.entries.size;
  }
}
