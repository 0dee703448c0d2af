import type { ImageRef } from '../core/content.js';
import { type ImageStore, MemoryImageStore } from '../core/image-store.js';

/**
 * An in-memory image store that can be emptied between RL iterations (rollouts render thousands
 * of frames that are never needed again). Only clear it while no episode is running.
 */
export class ClearableImageStore implements ImageStore {
  private store = new MemoryImageStore();

  put(png: Uint8Array): Promise<ImageRef> {
    return this.store.put(png);
  }

  get(sha256: string): Promise<Buffer> {
    return this.store.get(sha256);
  }

  has(sha256: string): Promise<boolean> {
    return this.store.has(sha256);
  }

  /** Drops every stored image. */
  clear(): void {
    this.store = new MemoryImageStore();
  }
}
