import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { GymError } from '../../core/errors.js';
import { defaultCacheDir } from '../../envs/video/encode.js';
import { FFMPEG_VARIABLE, findFfmpeg } from '../../envs/video/ffmpeg.js';
import { FONT_FILES } from '../../tools/image/text.js';
import { parseCommand } from '../args.js';

const USAGE =
  'Usage: thinkgym doctor [--json]\n' +
  '  Reports the native parts the envs use: the ffmpeg binary (where it was found, its version and H.264 encoder),\n' +
  '  sharp and libvips versions, the DejaVu fonts charts and videos are drawn with, the OCR trained data, and the\n' +
  '  video cache folder. Exits 1 when a part is missing.';

/** One checked part. */
export interface DoctorCheck {
  readonly part: string;
  readonly ok: boolean;
  /** What was found, or what is wrong and how to fix it. */
  readonly detail: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** Checks every native part; never throws (a failed check says why). */
export async function doctorChecks(): Promise<DoctorCheck[]> {
  const require = createRequire(import.meta.url);
  const checks: DoctorCheck[] = [];
  try {
    const ffmpeg = findFfmpeg();
    checks.push({
      part: 'ffmpeg',
      ok: true,
      detail: `${ffmpeg.path} (from ${ffmpeg.source}; lookup order ${FFMPEG_VARIABLE}, ffmpeg-static, @ffmpeg-installer/ffmpeg, PATH); ${ffmpeg.version}; encoder ${ffmpeg.encoder}`,
      data: { ...ffmpeg },
    });
  } catch (error) {
    checks.push({ part: 'ffmpeg', ok: false, detail: error instanceof GymError ? error.message : String(error) });
  }
  try {
    const sharp = (await import('sharp')).default;
    const versions = sharp.versions as Record<string, string | undefined>;
    checks.push({
      part: 'sharp',
      ok: true,
      detail: `sharp ${versions.sharp ?? '?'}, libvips ${versions.vips ?? '?'}`,
      data: { ...versions },
    });
  } catch (error) {
    checks.push({
      part: 'sharp',
      ok: false,
      detail: `sharp does not load (${(error as Error).message}); reinstall it with npm rebuild sharp.`,
    });
  }
  try {
    const folder = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    const missing = Object.values(FONT_FILES).filter((file) => !existsSync(join(folder, file)));
    checks.push({
      part: 'fonts',
      ok: missing.length === 0,
      detail:
        missing.length === 0
          ? `DejaVu (${Object.keys(FONT_FILES).length} faces) in ${folder}`
          : `missing in ${folder}: ${missing.join(', ')}`,
      data: { folder, missing },
    });
  } catch {
    checks.push({ part: 'fonts', ok: false, detail: 'the dejavu-fonts-ttf package is not installed; run npm install.' });
  }
  try {
    const folder = join(dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
    const files = existsSync(folder) ? readdirSync(folder) : [];
    checks.push({
      part: 'ocr data',
      ok: files.some((file) => file.startsWith('eng.traineddata')),
      detail: files.length > 0 ? `English trained data in ${folder} (${files.join(', ')})` : `no trained data in ${folder}`,
      data: { folder, files },
    });
  } catch {
    checks.push({ part: 'ocr data', ok: false, detail: 'the @tesseract.js-data/eng package is not installed; run npm install.' });
  }
  checks.push({
    part: 'video cache',
    ok: true,
    detail: `${defaultCacheDir()} (video-v0 option cacheDir overrides it)`,
    data: { folder: defaultCacheDir() },
  });
  checks.push(await (await import('../../train/backend.js')).backendCheck());
  return checks;
}

/** `thinkgym doctor`: the native parts in use and their versions. */
export async function doctor(argv: readonly string[]): Promise<number> {
  const { values } = parseCommand(argv, { json: { type: 'boolean' }, help: { type: 'boolean' } }, USAGE);
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const checks = await doctorChecks();
  if (values.json === true) console.log(JSON.stringify(checks, null, 2));
  else for (const check of checks) console.log(`${check.ok ? 'ok     ' : 'MISSING'} ${check.part}: ${check.detail}`);
  return checks.every((check) => check.ok) ? 0 : 1;
}
