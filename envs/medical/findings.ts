import type { Random } from '../../core/random.js';
import type { PixelBox } from '../../tools/image/scene.js';
import type { DisplayWindow } from '../../tools/image/window.js';
import { clamp, type Plane } from './paint.js';

/** What a finding is. */
export type FindingKind = 'nodule' | 'mass' | 'calcification';

/** Every finding kind, for options and questions. */
export const FINDING_KINDS: readonly FindingKind[] = ['nodule', 'mass', 'calcification'];

/** The outline of a finding. */
export type FindingShape = 'round' | 'spiculated';

/** How sharply a finding's edge stands out. */
export type FindingMargin = 'well-defined' | 'ill-defined';

/**
 * Why a finding hides in the default (downscaled, default-window) view: `size` findings are smaller
 * than a pixel of it, `window` findings sit where the default window clips every value to black or
 * white.
 */
export type FindingLimit = 'size' | 'window';

/** A thin line radiating from a spiculated finding, as a unit direction and a length in pixels. */
export interface Spicule {
  readonly dx: number;
  readonly dy: number;
  readonly length: number;
}

/** One finding painted into a scan. */
export interface Finding {
  /** `finding-1`, `finding-2`… in painting order. */
  readonly id: string;
  readonly kind: FindingKind;
  readonly shape: FindingShape;
  readonly margin: FindingMargin;
  /** Centre in pixels of the original scan. */
  readonly x: number;
  readonly y: number;
  /** Radius of the body in pixels (spicules reach further). */
  readonly radius: number;
  /** Value added at the core, in the scan's units (e.g. +300 HU). */
  readonly contrast: number;
  /** Where it sits, in words (e.g. `lung`, `behind the heart`). */
  readonly setting: string;
  readonly limit: FindingLimit;
  /** A window that shows it well. */
  readonly window: DisplayWindow;
  readonly spicules: readonly Spicule[];
}

/** The box holding a finding and its spicules, in pixels. */
export function findingBox(finding: Finding): PixelBox {
  const reach = Math.max(finding.radius, ...finding.spicules.map((spicule) => finding.radius + spicule.length));
  return { x1: finding.x - reach, y1: finding.y - reach, x2: finding.x + reach, y2: finding.y + reach };
}

/** Spicules for a spiculated finding: 7 to 11 directions, lengths 0.8 to 1.8 radii. */
export function drawSpicules(random: Random, radius: number): Spicule[] {
  const count = random.int(7, 11);
  const spicules: Spicule[] = [];
  for (let index = 0; index < count; index += 1) {
    const angle = ((index + random.uniform(-0.3, 0.3)) / count) * 2 * Math.PI;
    spicules.push({
      dx: Math.round(Math.cos(angle) * 4096) / 4096,
      dy: Math.round(Math.sin(angle) * 4096) / 4096,
      length: Math.round(radius * random.uniform(0.8, 1.8) * 16) / 16,
    });
  }
  return spicules;
}

/**
 * The weight (0..1) of a finding at offset (dx, dy) from its centre: 1 inside the body, a one-pixel
 * anti-aliased edge when well-defined, a ramp over ±35% of the radius when ill-defined, and thin
 * tapering lines along the spicules.
 */
export function findingWeight(finding: Finding, dx: number, dy: number): number {
  const distance = Math.sqrt(dx * dx + dy * dy);
  const radius = finding.radius;
  let weight: number;
  if (finding.margin === 'well-defined') {
    weight = clamp(radius + 0.5 - distance, 0, 1);
  } else {
    const ramp = Math.max(1, 0.35 * radius);
    weight = clamp((radius + ramp - distance) / (2 * ramp), 0, 1);
  }
  for (const spicule of finding.spicules) {
    const along = dx * spicule.dx + dy * spicule.dy - radius * 0.8;
    if (along <= 0 || along >= spicule.length) continue;
    const across = Math.abs(dx * spicule.dy - dy * spicule.dx);
    const half = 1.1 * (1 - along / spicule.length) + 0.3;
    const line = clamp(half + 0.5 - across, 0, 1) * 0.8;
    if (line > weight) weight = line;
  }
  return weight;
}

/** Adds `round(contrast × weight)` over the finding's box. */
export function paintFinding(plane: Plane, finding: Finding): void {
  const box = findingBox(finding);
  const x0 = Math.max(0, Math.floor(box.x1) - 2);
  const x1 = Math.min(plane.width - 1, Math.ceil(box.x2) + 2);
  const y0 = Math.max(0, Math.floor(box.y1) - 2);
  const y1 = Math.min(plane.height - 1, Math.ceil(box.y2) + 2);
  for (let y = y0; y <= y1; y += 1) {
    const row = y * plane.width;
    for (let x = x0; x <= x1; x += 1) {
      const weight = findingWeight(finding, x + 0.5 - finding.x, y + 0.5 - finding.y);
      if (weight > 0) plane.data[row + x] = (plane.data[row + x] as number) + Math.round(finding.contrast * weight);
    }
  }
}
