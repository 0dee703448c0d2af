import type { Random } from '../../core/random.js';
import type { Calibration, DisplayWindow } from '../../tools/image/window.js';
import type { FindingKind, FindingLimit } from './findings.js';
import {
  addEllipse,
  addEllipsoid,
  addValueNoise,
  createPlane,
  type Ellipse,
  ellipseSpans,
  type LabelMask,
  type Plane,
  setEllipse,
} from './paint.js';

/** The kinds of scan generated. */
export type ScanFamily = 'chest' | 'ct' | 'histology';

/** Every family. */
export const SCAN_FAMILIES: readonly ScanFamily[] = ['chest', 'ct', 'histology'];

/** Where findings of a kind may be placed, and how they look there. */
export interface Site {
  readonly kind: FindingKind;
  /** Words for the place, e.g. `lung`, `behind the heart`. */
  readonly setting: string;
  /** Label (in {@link Anatomy.labels}) the finding and its surroundings must lie in. */
  readonly label: number;
  readonly limit: FindingLimit;
  readonly radius: readonly [number, number];
  /**
   * Added value at the core: in units, or, when `relative`, in multiples of the local noise (the
   * deviation of the texture about its local plane on the ring around the finding, as the
   * contrast measurement takes it, plus the white noise), so that the
   * finding stands the same number of noise deviations above its own surround wherever it lands.
   */
  readonly contrast: readonly [number, number];
  readonly relative?: boolean;
  /** Allowed outlines. */
  readonly spiculated: boolean;
  /** The window that shows findings here, given the local background value. */
  window(background: number, contrast: number): DisplayWindow;
}

/** A scan's background before findings and noise. */
export interface Anatomy {
  readonly family: ScanFamily;
  /** Values in units (grey scans) or stain density (histology), no noise yet. */
  readonly plane: Plane;
  /** Tissue labels per pixel, for placing findings. */
  readonly labels: Uint8Array;
  readonly calibration: Calibration;
  readonly defaultWindow: DisplayWindow;
  /** Stored bits per sample. */
  readonly bits: 8 | 16;
  /** Standard deviation of the white noise added after findings, in units. */
  readonly noise: number;
  readonly sites: readonly Site[];
  /** Name of the scan for prompts, e.g. `chest radiograph`. */
  readonly name: string;
}

/** Labels of CT slices. */
const CT = { air: 0, fat: 1, soft: 2, lung: 3, bone: 4 } as const;
/** Labels of chest radiographs. */
const CHEST = { outside: 0, body: 1, lung: 2, dense: 3 } as const;
/** Labels of histology slides. */
const HISTOLOGY = { stroma: 1, lumen: 0, nucleus: 2 } as const;

/** Builds the background of a scan of `family`. */
export function buildAnatomy(family: ScanFamily, random: Random, width: number, height: number): Anatomy {
  switch (family) {
    case 'ct':
      return buildCt(random, width, height);
    case 'chest':
      return buildChest(random, width, height);
    case 'histology':
      return buildHistology(random, width, height);
  }
}

function jitter(random: Random, value: number, spread: number): number {
  return Math.round(value * (1 + random.uniform(-spread, spread)) * 16) / 16;
}

function labelEllipse(labels: Uint8Array, plane: Plane, ellipse: Ellipse, label: number): void {
  ellipseSpans(plane, ellipse, (y, x0, x1) => labels.fill(label, y * plane.width + x0, y * plane.width + x1));
}

/** An axial CT slice of the chest in Hounsfield units, stored as HU + 1024. */
function buildCt(random: Random, width: number, height: number): Anatomy {
  const plane = createPlane(width, height, -1000);
  const labels = new Uint8Array(width * height);
  const layout = random.fork('layout');
  const body: Ellipse = {
    cx: width / 2,
    cy: height * 0.52,
    rx: jitter(layout, width * 0.44, 0.03),
    ry: jitter(layout, height * 0.36, 0.04),
  };
  const fat = layout.int(36, 70);
  const muscle: Ellipse = { ...body, rx: body.rx - fat, ry: body.ry - fat };
  const lungs = [-1, 1].map(
    (side): Ellipse => ({
      cx: width / 2 + side * jitter(layout, width * 0.19, 0.05),
      cy: height * 0.49,
      rx: jitter(layout, width * 0.15, 0.06),
      ry: jitter(layout, height * 0.24, 0.06),
    }),
  );
  const heart: Ellipse = {
    cx: width * 0.53,
    cy: height * 0.58,
    rx: jitter(layout, width * 0.09, 0.1),
    ry: jitter(layout, height * 0.085, 0.1),
  };
  const spine: Ellipse = { cx: width / 2, cy: body.cy + body.ry - fat - height * 0.08, rx: width * 0.045, ry: width * 0.045 };
  for (const [shape, value, label] of [
    [body, -100, CT.fat],
    [muscle, 45, CT.soft],
    ...lungs.map((lung) => [lung, -850, CT.lung] as const),
    [heart, 40, CT.soft],
    [spine, 900, CT.bone],
    [{ ...spine, rx: spine.rx - 14, ry: spine.ry - 14 }, 320, CT.bone],
  ] as const) {
    setEllipse(plane, shape, value);
    labelEllipse(labels, plane, shape, label);
  }
  const ribs = layout.int(10, 14);
  for (let index = 0; index < ribs; index += 1) {
    const angle = Math.PI * (0.05 + (0.9 * index) / (ribs - 1)) + Math.PI;
    const rib: Ellipse = {
      cx: body.cx + Math.round(Math.cos(angle) * (body.rx - fat - 22) * 16) / 16,
      cy: body.cy + Math.round(Math.sin(angle) * (body.ry - fat - 22) * 16) / 16,
      rx: layout.int(12, 18),
      ry: layout.int(9, 14),
    };
    setEllipse(plane, rib, 650);
    labelEllipse(labels, plane, rib, CT.bone);
  }
  const texture = random.fork('texture');
  const lungMask = maskOf(labels, CT.lung);
  const softMask = maskOf(labels, CT.soft, CT.fat);
  addValueNoise(
    plane,
    texture,
    [
      { cell: 32, amplitude: 60 },
      { cell: 5, amplitude: 36 },
    ],
    lungMask,
  );
  addValueNoise(
    plane,
    texture,
    [
      { cell: 64, amplitude: 12 },
      { cell: 5, amplitude: 30 },
    ],
    softMask,
  );
  const lungWindow = (): DisplayWindow => ({ center: -600, width: 1500 });
  return {
    family: 'ct',
    name: 'axial CT slice of the chest',
    plane,
    labels,
    calibration: { slope: 1, intercept: -1024, unit: 'HU' },
    defaultWindow: { center: 40, width: 400 },
    bits: 16,
    noise: 5,
    sites: [
      {
        kind: 'nodule',
        setting: 'lung',
        label: CT.lung,
        limit: 'window',
        radius: [7, 12],
        contrast: [240, 380],
        spiculated: true,
        window: lungWindow,
      },
      {
        kind: 'mass',
        setting: 'lung',
        label: CT.lung,
        limit: 'window',
        radius: [18, 30],
        contrast: [260, 400],
        spiculated: true,
        window: lungWindow,
      },
      {
        kind: 'calcification',
        setting: 'soft tissue',
        label: CT.soft,
        limit: 'size',
        radius: [1, 1.3],
        contrast: [7.5, 8.5],
        relative: true,
        spiculated: false,
        window: () => ({ center: 40, width: 400 }),
      },
    ],
  };
}

/** A frontal chest radiograph: additive attenuation in detector units (12-bit, brighter = denser). */
function buildChest(random: Random, width: number, height: number): Anatomy {
  const plane = createPlane(width, height, 150);
  const labels = new Uint8Array(width * height);
  const layout = random.fork('layout');
  const body: Ellipse = {
    cx: width / 2,
    cy: height * 0.55,
    rx: jitter(layout, width * 0.46, 0.03),
    ry: jitter(layout, height * 0.55, 0.03),
  };
  addEllipsoid(plane, body, 1500);
  labelEllipse(labels, plane, body, CHEST.body);
  const lungs = [-1, 1].map(
    (side): Ellipse => ({
      cx: width / 2 + side * jitter(layout, width * 0.2, 0.05),
      cy: height * 0.46,
      rx: jitter(layout, width * 0.15, 0.05),
      ry: jitter(layout, height * 0.3, 0.05),
    }),
  );
  for (const lung of lungs) {
    addEllipsoid(plane, lung, -950);
    labelEllipse(labels, plane, lung, CHEST.lung);
  }
  const ribs = random.fork('ribs');
  for (const lung of lungs) {
    for (let index = 0; index < 9; index += 1) {
      const cy = lung.cy - lung.ry * 0.95 + index * lung.ry * 0.21 + ribs.uniform(-6, 6);
      addRib(
        plane,
        labels,
        { cx: width / 2, cy: cy - height * 0.12, rx: lung.rx * 2.1, ry: height * 0.14 },
        lung.cx < width / 2 ? -1 : 1,
        13,
        230,
      );
    }
  }
  const heart: Ellipse = {
    cx: width * 0.54,
    cy: height * 0.62,
    rx: jitter(layout, width * 0.16, 0.06),
    ry: jitter(layout, height * 0.15, 0.06),
  };
  addEllipsoid(plane, heart, 1400);
  addEllipsoid(plane, { cx: width / 2, cy: height * 0.5, rx: width * 0.04, ry: height * 0.55 }, 700);
  addEllipsoid(plane, { cx: width / 2, cy: height * 0.98, rx: width * 0.45, ry: height * 0.22 }, 1400);
  const texture = random.fork('texture');
  const bodyMask = maskOf(labels, CHEST.body, CHEST.lung);
  addValueNoise(plane, texture, [{ cell: 24, amplitude: 70 }], maskOf(labels, CHEST.lung));
  addValueNoise(plane, texture, [{ cell: 5, amplitude: 40 }], bodyMask);
  const defaultWindow: DisplayWindow = { center: 1100, width: 1400 };
  const high = defaultWindow.center + defaultWindow.width / 2;
  const spineEdge = Math.ceil(width * 0.04) + 24;
  for (let index = 0; index < labels.length; index += 1) {
    const nearSpine = Math.abs((index % width) + 0.5 - width / 2) < spineEdge;
    if ((plane.data[index] as number) > high + 260 && !nearSpine) labels[index] = CHEST.dense;
  }
  const denseWindow = (background: number, contrast: number): DisplayWindow => ({
    center: Math.round(background + contrast / 2),
    width: Math.max(400, Math.round(contrast * 5)),
  });
  return {
    family: 'chest',
    name: 'frontal chest radiograph',
    plane,
    labels,
    calibration: { slope: 1, intercept: 0, unit: 'intensity' },
    defaultWindow,
    bits: 16,
    noise: 6,
    sites: [
      {
        kind: 'nodule',
        setting: 'dense tissue behind the heart or diaphragm',
        label: CHEST.dense,
        limit: 'window',
        radius: [7, 12],
        contrast: [150, 240],
        spiculated: true,
        window: denseWindow,
      },
      {
        kind: 'mass',
        setting: 'dense tissue behind the heart or diaphragm',
        label: CHEST.dense,
        limit: 'window',
        radius: [18, 28],
        contrast: [160, 260],
        spiculated: true,
        window: denseWindow,
      },
      {
        kind: 'calcification',
        setting: 'lung',
        label: CHEST.lung,
        limit: 'size',
        radius: [1.1, 1.5],
        contrast: [7, 8],
        relative: true,
        spiculated: false,
        window: () => defaultWindow,
      },
    ],
  };
}

/**
 * Adds the band between an ellipse and one `thickness` pixels inside it, on one side of its centre
 * and below it (a rib's arc), and labels it `CHEST.body` so findings keep clear of rib edges.
 */
function addRib(plane: Plane, labels: Uint8Array, ellipse: Ellipse, side: -1 | 1, thickness: number, amount: number): void {
  const inner: Ellipse = { ...ellipse, rx: ellipse.rx - thickness, ry: ellipse.ry - thickness };
  ellipseSpans(plane, ellipse, (y, x0, x1) => {
    if (y < ellipse.cy) return;
    const row = y * plane.width;
    const t = (y + 0.5 - inner.cy) / inner.ry;
    const half = t * t < 1 ? inner.rx * Math.sqrt(1 - t * t) : 0;
    const innerStart = Math.round(inner.cx - half);
    const innerEnd = Math.round(inner.cx + half);
    const from = side < 0 ? x0 : Math.max(x0, Math.ceil(ellipse.cx));
    const to = side < 0 ? Math.min(x1, Math.ceil(ellipse.cx)) : x1;
    for (let x = from; x < to; x += 1) {
      if (half > 0 && x >= innerStart && x < innerEnd) continue;
      plane.data[row + x] = (plane.data[row + x] as number) + amount;
      if (labels[row + x] === CHEST.lung) labels[row + x] = CHEST.body;
    }
  });
}

/**
 * A haematoxylin-and-eosin-like slide, painted as haematoxylin density (nuclei, calcifications):
 * 0 = pink stroma, higher = more purple; stored as 8-bit RGB by the generator.
 */
function buildHistology(random: Random, width: number, height: number): Anatomy {
  const plane = createPlane(width, height, 0);
  const labels = new Uint8Array(width * height).fill(HISTOLOGY.stroma);
  const layout = random.fork('layout');
  const lumens = layout.int(5, 9);
  for (let index = 0; index < lumens; index += 1) {
    const lumen: Ellipse = {
      cx: layout.int(0, width),
      cy: layout.int(0, height),
      rx: layout.int(60, 220),
      ry: layout.int(50, 180),
    };
    setEllipse(plane, lumen, -400);
    labelEllipse(labels, plane, lumen, HISTOLOGY.lumen);
  }
  const nuclei = random.fork('nuclei');
  const count = Math.round((width * height) / 900);
  for (let index = 0; index < count; index += 1) {
    const x = nuclei.int(0, width - 1);
    const y = nuclei.int(0, height - 1);
    if (labels[y * width + x] !== HISTOLOGY.stroma) continue;
    const nucleus: Ellipse = { cx: x + 0.5, cy: y + 0.5, rx: nuclei.uniform(2.5, 5), ry: nuclei.uniform(2, 3.5) };
    addEllipse(plane, nucleus, nuclei.int(25, 45));
    labelEllipse(labels, plane, { ...nucleus, rx: nucleus.rx + 3, ry: nucleus.ry + 3 }, HISTOLOGY.nucleus);
  }
  const texture = random.fork('texture');
  addValueNoise(
    plane,
    texture,
    [
      { cell: 48, amplitude: 40 },
      { cell: 5, amplitude: 45 },
    ],
    maskOf(labels, HISTOLOGY.stroma, HISTOLOGY.nucleus),
  );
  return {
    family: 'histology',
    name: 'H&E-stained histology slide',
    plane,
    labels,
    calibration: { slope: 1, intercept: 0, unit: 'grey level' },
    defaultWindow: { center: 128, width: 256 },
    bits: 8,
    noise: 4,
    sites: [
      {
        kind: 'calcification',
        setting: 'stroma',
        label: HISTOLOGY.stroma,
        limit: 'size',
        radius: [0.8, 1.05],
        contrast: [9.5, 10.5],
        relative: true,
        spiculated: false,
        window: () => ({ center: 128, width: 256 }),
      },
    ],
  };
}

function maskOf(labels: Uint8Array, ...wanted: number[]): LabelMask {
  return { map: labels, labels: wanted };
}

/** Haematoxylin-and-eosin colours of a density value (0 = stroma pink, 400+ = dark purple, negative = white). */
export function stainColour(density: number): readonly [number, number, number] {
  if (density < 0) {
    const t = Math.min(1, -density / 400);
    return [Math.round(236 + 16 * t), Math.round(190 + 60 * t), Math.round(214 + 36 * t)];
  }
  const d = Math.min(density, 1023);
  return [Math.max(0, Math.round(236 - d * 0.42)), Math.max(0, Math.round(190 - d * 0.46)), Math.max(0, Math.round(214 - d * 0.2))];
}
