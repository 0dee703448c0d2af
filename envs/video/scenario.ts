import type { Random } from '../../core/random.js';

/**
 * Seeded scenarios of generated videos: a timeline of scenes (cuts), labelled shapes that appear,
 * move, change colour and leave, a ticking counter and one sign with a short word (the needle).
 * Every time is a frame index, so a frame is visible or not without rounding; seconds are
 * `frame / fps`.
 */

/** Bumped whenever the same seed and options would give different frames; part of the cache key. */
export const SCENARIO_VERSION = 2;

/** Shapes objects take. */
export const SHAPES = ['circle', 'square', 'triangle', 'diamond'] as const;
export type Shape = (typeof SHAPES)[number];

/** Named object colours (well apart in hue, so they survive H.264's chroma subsampling). */
export const OBJECT_COLOURS = {
  red: [220, 40, 40],
  orange: [245, 140, 20],
  yellow: [245, 225, 40],
  green: [40, 190, 70],
  blue: [40, 110, 235],
  purple: [150, 60, 200],
  white: [245, 245, 245],
} as const satisfies Record<string, readonly [number, number, number]>;
export type ColourName = keyof typeof OBJECT_COLOURS;
export const COLOUR_NAMES = Object.keys(OBJECT_COLOURS) as ColourName[];

/** Scene backgrounds: dark, low-saturation tones no object colour is confused with. */
export const SCENES = [
  { name: 'harbour', colour: [28, 42, 62] },
  { name: 'forest', colour: [26, 52, 36] },
  { name: 'desert', colour: [78, 62, 40] },
  { name: 'city', colour: [52, 52, 58] },
  { name: 'cave', colour: [40, 30, 34] },
  { name: 'lab', colour: [30, 56, 60] },
] as const;

/** Words a sign may show. */
export const SIGN_WORDS = [
  'APPLE',
  'BRIDGE',
  'CANDLE',
  'DRAGON',
  'EMBER',
  'FALCON',
  'GARDEN',
  'HARBOR',
  'ISLAND',
  'JUNGLE',
  'KETTLE',
  'LANTERN',
  'MARBLE',
  'NECTAR',
  'ORBIT',
  'PEPPER',
  'QUARTZ',
  'RIVER',
  'SADDLE',
  'TIMBER',
  'UMBRELLA',
  'VELVET',
  'WALRUS',
  'YONDER',
  'ZEPHYR',
  'COMET',
  'MAPLE',
  'TULIP',
  'COBALT',
  'RAVEN',
] as const;

/** Frames an object is on screen: `[start, end)`. */
export interface Appearance {
  readonly start: number;
  readonly end: number;
  /** Top-left position (pixels) at the first and the last frame; it moves linearly between. */
  readonly from: readonly [number, number];
  readonly to: readonly [number, number];
}

/** A labelled shape. */
export interface VideoObject {
  readonly label: string;
  readonly shape: Shape;
  readonly appearances: readonly Appearance[];
  /** Colour from a frame on, sorted by frame; the first entry starts at its first appearance. */
  readonly colours: readonly { readonly frame: number; readonly colour: ColourName }[];
}

/** A scene: the background from `start` until the next scene. */
export interface SceneSpan {
  readonly start: number;
  readonly name: string;
  readonly colour: readonly [number, number, number];
}

/** The sign: a word on a board, shown over `[start, end)`. */
export interface Sign {
  readonly start: number;
  readonly end: number;
  readonly word: string;
  readonly position: readonly [number, number];
}

/** Geometry and timing of a generated video. */
export interface VideoFormat {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly frames: number;
}

/** A whole generated video: everything a frame is rendered from. */
export interface Scenario {
  readonly format: VideoFormat;
  readonly scenes: readonly SceneSpan[];
  readonly objects: readonly VideoObject[];
  readonly sign: Sign;
  /** The counter in the top-left corner goes up by one every `counterPeriod` frames. */
  readonly counterPeriod: number;
}

/** The side of an object's square box for a frame size. */
export function objectSize(format: Pick<VideoFormat, 'height'>): number {
  return Math.max(20, Math.round(format.height / 7));
}

/** Height of the strip at the bottom that carries the frame code. */
export function codeStripHeight(format: Pick<VideoFormat, 'width'>): number {
  return Math.max(6, Math.round(format.width / 64));
}

/** Generates a scenario; draws only from `random`. */
export function generateScenario(random: Random, format: VideoFormat): Scenario {
  const { frames, fps, width, height } = format;
  const second = (seconds: number): number => Math.max(1, Math.round(seconds * fps));
  const scenes: SceneSpan[] = [];
  const sceneOrder = random.fork('scenes');
  const sceneCount = Math.max(2, Math.min(30, Math.round(frames / second(120))));
  const cuts = evenCuts(sceneOrder, frames, sceneCount, second(20));
  let previous = -1;
  for (const start of cuts) {
    let index = sceneOrder.int(0, SCENES.length - 1);
    if (index === previous) index = (index + 1) % SCENES.length;
    previous = index;
    const scene = SCENES[index] as (typeof SCENES)[number];
    scenes.push({ start, name: scene.name, colour: scene.colour });
  }
  const size = objectSize(format);
  const top = Math.round(height * 0.18);
  const bottom = height - codeStripHeight(format) - size - 4;
  const objectRandom = random.fork('objects');
  const count = Math.max(5, Math.min(23, Math.round(frames / second(60)) + 4));
  const labels = objectRandom.sample([...'ABCDEFGHJKLMNPRSTUVWXYZ'], count);
  const objects: VideoObject[] = labels.map((label) => {
    const shape = objectRandom.pick(SHAPES);
    const visits = objectRandom.int(1, 3);
    const appearances: Appearance[] = [];
    const slot = Math.floor(frames / visits);
    for (let visit = 0; visit < visits; visit += 1) {
      const length = Math.min(objectRandom.int(second(8), second(60)), Math.max(second(4), slot - second(6)));
      const earliest = visit * slot + second(2);
      const latest = Math.max(earliest, (visit + 1) * slot - length - second(2));
      const start = objectRandom.int(earliest, latest);
      const place = (): [number, number] => [objectRandom.int(4, width - size - 4), objectRandom.int(top, Math.max(top, bottom))];
      appearances.push({ start, end: Math.min(frames, start + length), from: place(), to: place() });
    }
    const first = appearances[0] as Appearance;
    const colours: { frame: number; colour: ColourName }[] = [{ frame: first.start, colour: objectRandom.pick(COLOUR_NAMES) }];
    const changes = objectRandom.int(0, 2);
    for (let change = 0; change < changes; change += 1) {
      const appearance = objectRandom.pick(appearances);
      const length = appearance.end - appearance.start;
      if (length < second(12)) continue;
      const frame = appearance.start + objectRandom.int(second(5), length - second(5));
      if (colours.some((entry) => Math.abs(entry.frame - frame) < second(5))) continue;
      const last = colours.filter((entry) => entry.frame < frame).at(-1)?.colour;
      const next = objectRandom.pick(COLOUR_NAMES.filter((name) => name !== last));
      colours.push({ frame, colour: next });
    }
    colours.sort((a, b) => a.frame - b.frame);
    return { label, shape, appearances, colours: fixColourChain(colours) };
  });
  const signRandom = random.fork('sign');
  const signLength = Math.min(second(signRandom.int(3, 5)), Math.max(2, Math.floor(frames / 10)));
  const signStart = signRandom.int(Math.floor(frames * 0.1), Math.max(Math.floor(frames * 0.1), Math.floor(frames * 0.9) - signLength));
  const sign: Sign = {
    start: signStart,
    end: signStart + signLength,
    word: signRandom.pick(SIGN_WORDS),
    position: [signRandom.int(8, Math.max(8, width - Math.round(width * 0.4))), signRandom.int(top, Math.max(top, bottom - size))],
  };
  return { format, scenes, objects, sign, counterPeriod: second(signRandom.int(5, 15)) };
}

/** Drops entries that repeat the colour before them (after sorting two changes can meet). */
function fixColourChain(colours: readonly { frame: number; colour: ColourName }[]): { frame: number; colour: ColourName }[] {
  const chain: { frame: number; colour: ColourName }[] = [];
  for (const entry of colours) if (chain.at(-1)?.colour !== entry.colour) chain.push(entry);
  return chain;
}

/** `count` scene starts from frame 0, each scene at least `minimum` frames long where the video allows. */
function evenCuts(random: Random, frames: number, count: number, minimum: number): number[] {
  const cuts = [0];
  const step = frames / count;
  for (let index = 1; index < count; index += 1) {
    const centre = Math.round(index * step);
    const jitter = Math.max(0, Math.floor((step - minimum) / 2));
    cuts.push(Math.min(frames - 1, Math.max((cuts.at(-1) ?? 0) + 1, centre + random.int(-jitter, jitter))));
  }
  return [...new Set(cuts)].sort((a, b) => a - b);
}

/** The appearance of `object` that covers `frame`, if it is on screen then. */
export function appearanceAt(object: VideoObject, frame: number): Appearance | undefined {
  return object.appearances.find((appearance) => frame >= appearance.start && frame < appearance.end);
}

/** The object's colour at `frame` (the last change at or before it). */
export function colourAt(object: VideoObject, frame: number): ColourName {
  let colour = object.colours[0]?.colour ?? 'white';
  for (const entry of object.colours) if (entry.frame <= frame) colour = entry.colour;
  return colour;
}

/** Where the object's box is at `frame` within `appearance` (integer pixels). */
export function positionAt(appearance: Appearance, frame: number): [number, number] {
  const span = Math.max(1, appearance.end - 1 - appearance.start);
  const share = Math.min(1, Math.max(0, (frame - appearance.start) / span));
  return [
    Math.round(appearance.from[0] + (appearance.to[0] - appearance.from[0]) * share),
    Math.round(appearance.from[1] + (appearance.to[1] - appearance.from[1]) * share),
  ];
}

/** The scene on screen at `frame`. */
export function sceneAt(scenario: Scenario, frame: number): SceneSpan {
  let current = scenario.scenes[0] as SceneSpan;
  for (const scene of scenario.scenes) if (scene.start <= frame) current = scene;
  return current;
}

/** `M:SS` (or `H:MM:SS`) for a time in seconds, rounded down to the second. */
export function formatTime(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds + 1e-9));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = String(whole % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}
