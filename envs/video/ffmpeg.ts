import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { GymError } from '../../core/errors.js';

/**
 * Finding the ffmpeg binary. The lookup order is fixed and the choice is always reported (in the
 * task info of video-v0 and by `thinkgym doctor`), never silent:
 *
 * 1. the `THINKGYM_FFMPEG` environment variable (a path);
 * 2. `ffmpeg-static`, when its install downloaded a binary (it is optional: offline installs fail);
 * 3. `@ffmpeg-installer/ffmpeg`, whose binary ships inside the npm package;
 * 4. `ffmpeg` on the PATH.
 *
 * The project spawns ffmpeg with arguments rather than going through fluent-ffmpeg: that package
 * is deprecated upstream (its repository was archived in 2025), and what the env needs (a raw
 * frame pipe in, one seek-and-decode out) is a handful of arguments.
 */

/** The environment variable that names an ffmpeg binary; it wins over every other source. */
export const FFMPEG_VARIABLE = 'THINKGYM_FFMPEG';

/** Where a binary was found. */
export type FfmpegSource = 'env' | 'ffmpeg-static' | '@ffmpeg-installer/ffmpeg' | 'path';

/** The ffmpeg in use. */
export interface FfmpegBinary {
  readonly path: string;
  readonly source: FfmpegSource;
  /** The first line of `ffmpeg -version`, e.g. `ffmpeg version 6.1.1 ...`. */
  readonly version: string;
  /** The H.264 encoder when the build has one, else MPEG-4 part 2. */
  readonly encoder: 'libx264' | 'mpeg4';
}

const LOOKUP =
  `set ${FFMPEG_VARIABLE}=/path/to/ffmpeg, let the optional ffmpeg-static install download its binary, ` +
  'install @ffmpeg-installer/ffmpeg, or put ffmpeg on the PATH';

/** Options of {@link findFfmpeg}, for tests and callers with their own environment. */
export interface FindFfmpegOptions {
  /** Environment to read `THINKGYM_FFMPEG` and `PATH` from; `process.env` by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Skip the two npm packages (to test the PATH and error branches). */
  readonly skipPackages?: boolean;
}

const cache = new Map<string, FfmpegBinary>();

/**
 * The ffmpeg binary to use, found in the order above and checked by running `-version`. Throws a
 * {@link GymError} (`ffmpeg-missing`) naming the four ways to provide one when none works; a
 * `THINKGYM_FFMPEG` that does not run is an error too (it is never skipped silently).
 */
export function findFfmpeg(options: FindFfmpegOptions = {}): FfmpegBinary {
  const env = options.env ?? process.env;
  const key = `${env[FFMPEG_VARIABLE] ?? ''}\0${env.PATH ?? ''}\0${options.skipPackages === true}`;
  const known = cache.get(key);
  if (known !== undefined) return known;
  const tried: string[] = [];
  const variable = env[FFMPEG_VARIABLE];
  let found: FfmpegBinary | undefined;
  if (variable !== undefined && variable !== '') {
    found = probe(variable, 'env', env);
    if (found === undefined) {
      throw new GymError(
        'ffmpeg-missing',
        `${FFMPEG_VARIABLE}=${variable} does not run as ffmpeg (\`-version\` failed); fix it or unset it, or ${LOOKUP}.`,
        {
          data: { tried: [variable] },
        },
      );
    }
  }
  if (found === undefined && options.skipPackages !== true) {
    for (const [name, source] of [
      ['ffmpeg-static', 'ffmpeg-static'],
      ['@ffmpeg-installer/ffmpeg', '@ffmpeg-installer/ffmpeg'],
    ] as const) {
      const path = packageBinary(name);
      if (path === undefined) continue;
      tried.push(`${name} (${path})`);
      found = probe(path, source, env);
      if (found !== undefined) break;
    }
  }
  if (found === undefined) {
    tried.push('ffmpeg on PATH');
    found = probe('ffmpeg', 'path', env);
  }
  if (found === undefined) {
    throw new GymError('ffmpeg-missing', `No working ffmpeg found (tried ${tried.join(', ')}); ${LOOKUP}.`, { data: { tried } });
  }
  cache.set(key, found);
  return found;
}

/** The binary path an npm package provides, when the package is installed and its file exists. */
function packageBinary(name: 'ffmpeg-static' | '@ffmpeg-installer/ffmpeg'): string | undefined {
  const require = createRequire(import.meta.url);
  try {
    const exported = require(name) as string | { path?: string } | null;
    const path = typeof exported === 'string' ? exported : exported?.path;
    return path !== undefined && path !== null && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

function probe(path: string, source: FfmpegSource, env: Readonly<Record<string, string | undefined>>): FfmpegBinary | undefined {
  const version = spawnSync(path, ['-hide_banner', '-version'], { encoding: 'utf8', env: env as NodeJS.ProcessEnv, timeout: 20_000 });
  if (version.error !== undefined || version.status !== 0) return undefined;
  const first = version.stdout.split('\n')[0]?.trim() ?? '';
  if (!first.startsWith('ffmpeg')) return undefined;
  const encoders = spawnSync(path, ['-hide_banner', '-encoders'], { encoding: 'utf8', env: env as NodeJS.ProcessEnv, timeout: 20_000 });
  const encoder = /\blibx264\b/.test(encoders.stdout ?? '') ? 'libx264' : 'mpeg4';
  return { path, source, version: first, encoder };
}
