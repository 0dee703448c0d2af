import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { RendererVersions } from './record.js';

/** Packages whose files shape image pixels: the fonts text is drawn with, and the font reader. */
const PIXEL_PACKAGES = ['dejavu-fonts-ttf', 'opentype.js'] as const;

/**
 * The versions of sharp, its libvips, and the font packages, read from the installed modules.
 * Loads sharp, so call it where images are made (the CLI's `generate`), not from the light entry.
 */
export async function rendererVersions(): Promise<RendererVersions> {
  const sharp = (await import('sharp')).default;
  const versions = sharp.versions as Readonly<Record<string, string | undefined>>;
  const packages: Record<string, string> = {};
  for (const name of PIXEL_PACKAGES) {
    const version = await packageVersion(name);
    if (version !== undefined) packages[name] = version;
  }
  return { sharp: versions.sharp ?? 'unknown', libvips: versions.vips ?? 'unknown', packages };
}

/** A package's version from its package.json, found from any file the package resolves to. */
async function packageVersion(name: string): Promise<string | undefined> {
  const require = createRequire(import.meta.url);
  let start: string;
  try {
    start = require.resolve(`${name}/package.json`);
  } catch {
    try {
      start = require.resolve(name);
    } catch {
      return undefined;
    }
  }
  for (let folder = dirname(start); ; folder = dirname(folder)) {
    try {
      const json = JSON.parse(await readFile(join(folder, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (json.name === name && typeof json.version === 'string') return json.version;
    } catch {
      // No package.json here: go up.
    }
    if (dirname(folder) === folder) return undefined;
  }
}
