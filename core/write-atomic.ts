import { open, rename, writeFile } from 'node:fs/promises';

/**
 * Writes a file through a temporary name in the same folder and a rename, so a reader sees the
 * old file or the whole new one, never half of it. `durable` also flushes the data to disk before
 * the rename (for markers other processes act on after a crash).
 */
export async function writeAtomic(file: string, body: string | Uint8Array, options: { readonly durable?: boolean } = {}): Promise<void> {
  const temporary = `${file}.tmp-${process.pid}`;
  if (options.durable === true) {
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(body);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } else {
    await writeFile(temporary, body);
  }
  await rename(temporary, file);
}
