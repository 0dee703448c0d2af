import type { Random } from '../../core/random.js';
import type { Samples } from '../../tools/image/samples.js';
import type { Calibration, DisplayWindow } from '../../tools/image/window.js';
import { type Anatomy, buildAnatomy, type ScanFamily, type Site, stainColour } from './anatomy.js';
import { surroundNoise } from './contrast.js';
import { drawSpicules, type Finding, findingBox, paintFinding } from './findings.js';
import { addWhiteNoise, clamp } from './paint.js';

/** A generated scan: its stored samples and what it holds. */
export interface Scan {
  readonly family: ScanFamily;
  /** Words for prompts, e.g. `axial CT slice of the chest`. */
  readonly name: string;
  readonly samples: Samples;
  readonly calibration: Calibration;
  readonly defaultWindow: DisplayWindow;
  readonly findings: readonly Finding[];
  /** A window that shows each kind of finding the family holds, wherever it sits. */
  readonly searchWindows: Readonly<Record<string, DisplayWindow>>;
}

/** Options of {@link generateScan}. */
export interface ScanOptions {
  readonly family: ScanFamily;
  /** Smallest side in pixels (at least 2048). */
  readonly minSize: number;
  /** Largest side in pixels. */
  readonly maxSize: number;
}

/** Pixels kept clear around the image midlines, so every finding lies plainly in one quadrant. */
const MIDLINE_CLEARANCE = 48;

/**
 * Generates a scan: anatomy (`anatomy.ts`), then 1 to 4 findings placed where their site allows
 * (calcifications sometimes in clusters of 2 to 4), then white noise, then the stored samples. Every
 * draw comes from `random` and its forks, and all arithmetic is integer or IEEE-exact, so a seed
 * gives the same samples byte for byte.
 */
export function generateScan(random: Random, options: ScanOptions): Scan {
  const sizes = random.fork('size');
  const steps = Math.floor((options.maxSize - options.minSize) / 64);
  const width = options.minSize + 64 * sizes.int(0, steps);
  const height = options.minSize + 64 * sizes.int(0, steps);
  const anatomy = buildAnatomy(options.family, random.fork('anatomy'), width, height);
  const searchWindows = windowsBySite(anatomy);
  const findings = placeFindings(anatomy, random.fork('findings'));
  for (const finding of findings) paintFinding(anatomy.plane, finding);
  addWhiteNoise(anatomy.plane, random.fork('noise'), anatomy.noise);
  return {
    family: options.family,
    name: anatomy.name,
    samples: toSamples(anatomy),
    calibration: anatomy.calibration,
    defaultWindow: anatomy.defaultWindow,
    findings,
    searchWindows,
  };
}

/** For each finding kind, its site's window at the site's typical background value and middle contrast. */
function windowsBySite(anatomy: Anatomy): Record<string, DisplayWindow> {
  const windows: Record<string, DisplayWindow> = {};
  for (const site of anatomy.sites) {
    let sum = 0;
    let count = 0;
    for (let index = 0; index < anatomy.labels.length; index += 97) {
      if (anatomy.labels[index] !== site.label) continue;
      sum += anatomy.plane.data[index] as number;
      count += 1;
    }
    const background = count === 0 ? anatomy.defaultWindow.center : Math.round(sum / count);
    const contrast = site.relative === true ? 0 : Math.round((site.contrast[0] + site.contrast[1]) / 2);
    windows[site.kind] = site.limit === 'window' ? site.window(background, contrast) : anatomy.defaultWindow;
  }
  return windows;
}

function placeFindings(anatomy: Anatomy, random: Random): Finding[] {
  const findings: Finding[] = [];
  const groups = random.int(1, 3);
  for (let group = 0; group < groups; group += 1) {
    const site = random.pick(anatomy.sites);
    const members = site.kind === 'calcification' && random.chance(0.5) ? random.int(2, 4) : 1;
    let anchor: { x: number; y: number } | undefined;
    for (let member = 0; member < members; member += 1) {
      const finding = placeOne(anatomy, site, random, findings, anchor, `finding-${findings.length + 1}`);
      if (finding === undefined) break;
      findings.push(finding);
      anchor ??= { x: finding.x, y: finding.y };
    }
  }
  if (findings.length === 0) {
    // Every family's last site is a calcification site with room almost everywhere; retry with it alone.
    const site = anatomy.sites[anatomy.sites.length - 1] as Site;
    for (let attempt = 0; attempt < 20 && findings.length === 0; attempt += 1) {
      const finding = placeOne(anatomy, site, random, findings, undefined, 'finding-1');
      if (finding !== undefined) findings.push(finding);
    }
  }
  return findings;
}

function placeOne(
  anatomy: Anatomy,
  site: Site,
  random: Random,
  others: readonly Finding[],
  anchor: { x: number; y: number } | undefined,
  id: string,
): Finding | undefined {
  const { width, height } = anatomy.plane;
  const radius = Math.round(random.uniform(site.radius[0], site.radius[1]) * 16) / 16;
  const spiculated = site.spiculated && random.chance(0.5);
  const spicules = spiculated ? drawSpicules(random, radius) : [];
  const reach = Math.max(radius, ...spicules.map((spicule) => radius + spicule.length));
  const clearance = Math.ceil(4 * reach + 12);
  for (let attempt = 0; attempt < 300; attempt += 1) {
    const x =
      anchor === undefined ? random.int(clearance, width - clearance - 1) : anchor.x + random.int(-40, 40) + random.pick([-1, 1]) * 10;
    const y =
      anchor === undefined ? random.int(clearance, height - clearance - 1) : anchor.y + random.int(-40, 40) + random.pick([-1, 1]) * 10;
    const cx = Math.floor(x) + 0.5;
    const cy = Math.floor(y) + 0.5;
    if (Math.abs(cx - width / 2) < MIDLINE_CLEARANCE + reach || Math.abs(cy - height / 2) < MIDLINE_CLEARANCE + reach) continue;
    if (!surroundedBy(anatomy, cx, cy, clearance, site.label) || !filledWith(anatomy, cx, cy, Math.ceil(2 * reach + 6), site.label))
      continue;
    const crowded = others.some((other) => {
      const otherReach = findingBox(other).x2 - other.x;
      const gap = Math.hypot(other.x - cx, other.y - cy);
      return gap < Math.max(clearance, 4 * otherReach + 12) + 2;
    });
    if (crowded) continue;
    const background = anatomy.plane.data[Math.floor(cy) * width + Math.floor(cx)] as number;
    const drawn = random.uniform(site.contrast[0], site.contrast[1]);
    // A full-resolution close-up shows the surround ring 2r..3.5r around the finding (see contrast.ts).
    const noise = Math.hypot(
      surroundNoise(
        (column, row) => anatomy.plane.data[row * width + column] as number,
        cx,
        cy,
        2 * radius,
        Math.max(3.5 * radius, 2 * radius + 1.5),
      ),
      anatomy.noise,
    );
    const contrast = Math.round(site.relative === true ? drawn * noise : drawn);
    return {
      id,
      kind: site.kind,
      shape: spiculated ? 'spiculated' : 'round',
      margin: site.kind === 'calcification' ? 'well-defined' : random.pick(['well-defined', 'ill-defined'] as const),
      x: cx,
      y: cy,
      radius,
      contrast,
      setting: site.setting,
      limit: site.limit,
      window: site.window(background, contrast),
      spicules,
    };
  }
  return undefined;
}

/** Whether every pixel within `radius` of (cx, cy) carries `label` (no other tissue close by). */
function filledWith(anatomy: Anatomy, cx: number, cy: number, radius: number, label: number): boolean {
  const { width, height } = anatomy.plane;
  for (let row = Math.floor(cy - radius); row <= Math.ceil(cy + radius); row += 1) {
    for (let column = Math.floor(cx - radius); column <= Math.ceil(cx + radius); column += 1) {
      if (Math.hypot(column + 0.5 - cx, row + 0.5 - cy) > radius) continue;
      if (row < 0 || column < 0 || row >= height || column >= width) return false;
      if (anatomy.labels[row * width + column] !== label) return false;
    }
  }
  return true;
}

/** Whether the centre and 24 points on a circle of `radius` around it all carry `label`, inside the image. */
function surroundedBy(anatomy: Anatomy, cx: number, cy: number, radius: number, label: number): boolean {
  const { width, height } = anatomy.plane;
  const probes = 24;
  for (let index = -1; index < probes; index += 1) {
    const angle = (index / probes) * 2 * Math.PI;
    const x = index < 0 ? cx : cx + Math.cos(angle) * radius;
    const y = index < 0 ? cy : cy + Math.sin(angle) * radius;
    const column = Math.floor(x);
    const row = Math.floor(y);
    if (column < 0 || row < 0 || column >= width || row >= height) return false;
    if (anatomy.labels[row * width + column] !== label) return false;
  }
  return true;
}

function toSamples(anatomy: Anatomy): Samples {
  const { plane, calibration } = anatomy;
  const { width, height } = plane;
  if (anatomy.family === 'histology') {
    const data = new Uint16Array(width * height * 3);
    const colours = new Uint8Array(1425 * 3);
    for (let density = -400; density <= 1024; density += 1) colours.set(stainColour(density), (density + 400) * 3);
    const values = plane.data;
    for (let index = 0; index < values.length; index += 1) {
      const entry = (Math.min(1024, Math.max(-400, values[index] as number)) + 400) * 3;
      data[index * 3] = colours[entry] as number;
      data[index * 3 + 1] = colours[entry + 1] as number;
      data[index * 3 + 2] = colours[entry + 2] as number;
    }
    return { data, width, height, channels: 3, bits: 8 };
  }
  const data = new Uint16Array(width * height);
  const top = 2 ** anatomy.bits - 1;
  const values = plane.data;
  if (calibration.slope === 1) {
    const offset = -calibration.intercept;
    for (let index = 0; index < values.length; index += 1) {
      const stored = (values[index] as number) + offset;
      data[index] = Math.min(top, Math.max(0, stored));
    }
  } else {
    for (let index = 0; index < values.length; index += 1) {
      data[index] = clamp(Math.round(((values[index] as number) - calibration.intercept) / calibration.slope), 0, top);
    }
  }
  return { data, width, height, channels: 1, bits: anatomy.bits };
}
