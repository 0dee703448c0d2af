import type { Random } from '../../core/random.js';
import type { PixelBox } from '../../tools/image/scene.js';
import type { Layout } from './generate.js';
import {
  angleAt,
  centre,
  cross,
  distance,
  growBox,
  lineOffset,
  objectBox,
  type Point,
  type SceneObject,
  segmentDistance,
  segmentHitsBox,
  segmentHitsObject,
} from './scene.js';

/** The question kinds of drawing-v0. */
export const QUESTION_KINDS = ['closer', 'direction', 'collinear', 'side', 'crosses', 'count', 'distance', 'angle'] as const;

/** A question kind. */
export type QuestionKind = (typeof QUESTION_KINDS)[number];

/** How hard the measurements are: how close the distances, offsets and margins get. */
export type Difficulty = 'easy' | 'medium' | 'hard';

/** The difficulty levels. */
export const DIFFICULTIES: readonly Difficulty[] = ['easy', 'medium', 'hard'];

interface Tuning {
  /** Relative difference of the two distances of `closer`. */
  readonly closer: readonly [number, number];
  /** Offset from the line, as a fraction of the line's length, for `collinear` (no) and `side`. */
  readonly offset: readonly [number, number];
  /** Least angle (degrees) between the target and the facing axes for `direction`. */
  readonly direction: number;
  /** Least clearance (pixels) between a path and the region's edge for `crosses`. */
  readonly region: number;
  /** Near misses added beside the line for `count`. */
  readonly nearMisses: number;
  /** Least gap (pixels) between a counted line and any object outline it does not cross, or its depth into one it crosses. */
  readonly countMargin: number;
}

const TUNING: Record<Difficulty, Tuning> = {
  easy: { closer: [0.08, 0.15], offset: [0.06, 0.12], direction: 20, region: 20, nearMisses: 0, countMargin: 8 },
  medium: { closer: [0.025, 0.06], offset: [0.03, 0.06], direction: 10, region: 10, nearMisses: 1, countMargin: 5 },
  hard: { closer: [0.01, 0.03], offset: [0.015, 0.03], direction: 5, region: 5, nearMisses: 2, countMargin: 3 },
};

/** The gold answer: an option (answered by its letter) or a number (scored by mean relative accuracy). */
export type Gold =
  | { readonly type: 'choice'; readonly options: readonly string[]; readonly index: number }
  | { readonly type: 'number'; readonly value: number; readonly decimals: number };

/** One drawing the oracle makes, in pixels, with its one-line rationale. */
export type PlanStep =
  | { readonly tool: 'draw_line'; readonly from: Point; readonly to: Point; readonly label: string; readonly thought: string }
  | { readonly tool: 'draw_box'; readonly box: PixelBox; readonly label: string; readonly thought: string }
  | {
      readonly tool: 'draw_shapes';
      readonly boxes: readonly { readonly box: PixelBox; readonly label: string }[];
      readonly thought: string;
    };

/** A generated question with its answer and the drawings that decide it. */
export interface Question {
  readonly kind: QuestionKind;
  readonly text: string;
  readonly gold: Gold;
  /** What the oracle draws, in order. */
  readonly steps: readonly PlanStep[];
  /** The oracle's last rationale: the measurements and the conclusion. */
  readonly conclusion: string;
  /** Names of the objects the question is about. */
  readonly targets: readonly string[];
}

/** The answer text of a gold answer: an option letter, or the number with its decimals. */
export function goldText(gold: Gold): string {
  return gold.type === 'choice' ? optionLetter(gold.index) : gold.value.toFixed(gold.decimals);
}

/** `A`, `B`, … for option 0, 1, … */
export function optionLetter(index: number): string {
  return String.fromCharCode(65 + index);
}

/** Asks a question of `kind` on the layout, moving objects where the kind needs it; null when this layout cannot host it. */
export function makeQuestion(random: Random, layout: Layout, kind: QuestionKind, difficulty: Difficulty): Question | null {
  const tuning = TUNING[difficulty];
  for (let attempt = 0; attempt < 40; attempt += 1) {
    const question = BUILDERS[kind](random, layout, tuning);
    if (question !== null) return question;
  }
  return null;
}

type Builder = (random: Random, layout: Layout, tuning: Tuning) => Question | null;

const BUILDERS: Record<QuestionKind, Builder> = {
  closer: (random, layout, tuning) => {
    const [t, a, b] = random.sample(indices(layout), 3) as [number, number, number];
    const target = object(layout, t);
    const first = object(layout, a);
    const near = distance(centre(target), centre(first));
    if (near < 130) return null;
    const ratio = 1 + (random.chance(0.5) ? 1 : -1) * random.uniform(tuning.closer[0], tuning.closer[1]);
    const far = near * ratio;
    const base = Math.atan2(first.y - target.y, first.x - target.x);
    const moved = layout.relocate(
      b,
      candidates(60, () => {
        const angle = base + (random.chance(0.5) ? 1 : -1) * random.uniform(0.6, Math.PI);
        return { x: target.x + far * Math.cos(angle), y: target.y + far * Math.sin(angle) };
      }),
    );
    if (!moved) return null;
    const second = object(layout, b);
    const distances = [near, distance(centre(target), centre(second))] as const;
    const pair = random.chance(0.5) ? ([first, second] as const) : ([second, first] as const);
    const index = nearerOf(centre(target), pair.map(centre));
    const winner = pair[index] as SceneObject;
    const loser = pair[1 - index] as SceneObject;
    const percent = (100 * (Math.max(...distances) / Math.min(...distances) - 1)).toFixed(1);
    return {
      kind: 'closer',
      text: `Which object is closer to the ${target.name} (measured between centres)?`,
      gold: { type: 'choice', options: pair.map((item) => `the ${item.name}`), index },
      steps: pair.map((item) => ({
        tool: 'draw_line' as const,
        from: centre(target),
        to: centre(item),
        label: `to ${item.name}`,
        thought: `Trace a line from the ${target.name}'s centre to the ${item.name}'s centre to measure that distance.`,
      })),
      conclusion:
        `The line to the ${winner.name} is ${px(distance(centre(target), centre(winner)))} px and the line to the ${loser.name} ` +
        `${px(distance(centre(target), centre(loser)))} px (${percent}% longer), so the ${winner.name} is closer.`,
      targets: [target.name, ...pair.map((item) => item.name)],
    };
  },

  direction: (random, layout, tuning) => {
    const [v, f, t] = random.sample(indices(layout), 3) as [number, number, number];
    const viewer = object(layout, v);
    const facing = object(layout, f);
    if (distance(centre(viewer), centre(facing)) < 100) return null;
    // Aim for a random quadrant, so front and back, left and right come up equally often.
    const margin = tuning.direction;
    const front = random.chance(0.5);
    const wanted =
      (random.chance(0.5) ? 1 : -1) * (front ? random.uniform(margin, 90 - margin) : random.uniform(90 + margin, 180 - margin));
    const base = Math.atan2(facing.y - viewer.y, facing.x - viewer.x) + (wanted * Math.PI) / 180;
    const moved = layout.relocate(
      t,
      candidates(60, () => {
        const reach = random.uniform(90, 320);
        return { x: viewer.x + reach * Math.cos(base), y: viewer.y + reach * Math.sin(base) };
      }),
    );
    if (!moved) return null;
    const target = object(layout, t);
    const turn = signedTurn(centre(viewer), centre(facing), centre(target));
    const size = Math.abs(turn);
    if (Math.min(size, 180 - size, Math.abs(size - 90)) < margin - 1e-9) return null;
    const options = ['front-left', 'front-right', 'back-left', 'back-right'];
    const index = (size < 90 ? 0 : 2) + (turn > 0 ? 1 : 0);
    const axis = perpendicularThrough(layout, centre(viewer), centre(facing));
    return {
      kind: 'direction',
      text: `You stand at the ${viewer.name} and face the ${facing.name}. In which direction is the ${target.name}?`,
      gold: { type: 'choice', options, index },
      steps: [
        {
          tool: 'draw_line',
          from: centre(viewer),
          to: centre(facing),
          label: 'facing',
          thought: `Draw the facing direction from the ${viewer.name} to the ${facing.name}.`,
        },
        {
          tool: 'draw_line',
          from: axis[0],
          to: axis[1],
          label: 'left-right',
          thought: `Draw the left-right axis through the ${viewer.name}, square to the facing line, to split front from back.`,
        },
        {
          tool: 'draw_line',
          from: centre(viewer),
          to: centre(target),
          label: `to ${target.name}`,
          thought: `Draw the line from the ${viewer.name} to the ${target.name} to see which quadrant it falls in.`,
        },
      ],
      conclusion:
        `The ${target.name} is ${size.toFixed(1)}° ${turn > 0 ? 'clockwise' : 'counter-clockwise'} from the facing direction: ` +
        `${size < 90 ? 'in front' : 'behind'} (${size < 90 ? 'under' : 'over'} 90°) and to the ${turn > 0 ? 'right' : 'left'}, so ${options[index]}.`,
      targets: [viewer.name, facing.name, target.name],
    };
  },

  collinear: (random, layout, tuning) => {
    const [a, b, c] = random.sample(indices(layout), 3) as [number, number, number];
    const start = centre(object(layout, a));
    const end = centre(object(layout, b));
    const length = distance(start, end);
    if (length < 220) return null;
    const yes = random.chance(0.5);
    const moved = layout.relocate(
      c,
      candidates(60, () => {
        const t = random.uniform(0.3, 0.7);
        const offset = yes ? 0 : (random.chance(0.5) ? 1 : -1) * Math.max(6, length * random.uniform(tuning.offset[0], tuning.offset[1]));
        return alongLine(start, end, t, offset);
      }),
    );
    if (!moved) return null;
    const middle = object(layout, c);
    const offset = Math.abs(lineOffset(start, end, centre(middle)));
    const names = [object(layout, a).name, object(layout, b).name, middle.name];
    return {
      kind: 'collinear',
      text: `Do the centres of the ${names[0]}, the ${names[1]} and the ${names[2]} lie on one straight line?`,
      gold: { type: 'choice', options: ['yes', 'no'], index: yes ? 0 : 1 },
      steps: [
        {
          tool: 'draw_line',
          from: start,
          to: end,
          label: `${names[0]}-${names[1]}`,
          thought: `Draw the straight line from the ${names[0]}'s centre to the ${names[1]}'s centre.`,
        },
        {
          tool: 'draw_box',
          box: objectBox(middle, 3),
          label: middle.name,
          thought: `Mark the ${middle.name} to check whether the line runs through its centre cross.`,
        },
      ],
      conclusion: yes
        ? `The line passes through the ${middle.name}'s centre (${offset.toFixed(1)} px away), so yes.`
        : `The line misses the ${middle.name}'s centre by ${offset.toFixed(1)} px (${((100 * offset) / length).toFixed(1)}% of its length), so no.`,
      targets: names,
    };
  },

  side: (random, layout, tuning) => {
    const [a, b, c] = random.sample(indices(layout), 3) as [number, number, number];
    const start = centre(object(layout, a));
    const end = centre(object(layout, b));
    const length = distance(start, end);
    if (length < 160 || Math.abs(end.y - start.y) > 0.8 * Math.abs(end.x - start.x)) return null;
    const above = random.chance(0.5);
    const moved = layout.relocate(
      c,
      candidates(60, () => {
        const point = alongLine(start, end, random.uniform(-0.3, 1.3), 0);
        const offset = Math.max(6, length * random.uniform(tuning.offset[0], tuning.offset[1]));
        return { x: point.x, y: point.y + (above ? -offset : offset) };
      }),
    );
    if (!moved) return null;
    const target = object(layout, c);
    const lineY = start.y + ((target.x - start.x) * (end.y - start.y)) / (end.x - start.x);
    const names = [object(layout, a).name, object(layout, b).name];
    return {
      kind: 'side',
      text: `Is the centre of the ${target.name} above or below the straight line through the centres of the ${names[0]} and the ${names[1]} (extended across the image)?`,
      gold: { type: 'choice', options: ['above', 'below'], index: above ? 0 : 1 },
      steps: [
        {
          tool: 'draw_line',
          ...extendedLine(layout, start, end),
          label: `${names[0]}-${names[1]} line`,
          thought: `Draw the line through the ${names[0]} and the ${names[1]}, extended to the image edges.`,
        },
        {
          tool: 'draw_box',
          box: objectBox(target, 3),
          label: target.name,
          thought: `Mark the ${target.name} to compare its centre with the line.`,
        },
      ],
      conclusion:
        `At x=${px(target.x)} the line is at y=${px(lineY)} and the ${target.name}'s centre at y=${px(target.y)}, ` +
        `${px(Math.abs(lineY - target.y))} px ${above ? 'higher' : 'lower'}, so ${above ? 'above' : 'below'}.`,
      targets: [target.name, ...names],
    };
  },

  crosses: (random, layout, tuning) => {
    const region = layout.region;
    const want = random.chance(0.5);
    const [a, b] = random.sample(indices(layout), 2) as [number, number];
    const start = centre(object(layout, a));
    if (segmentHitsBox(start, start, growBox(region.box, tuning.region + 4))) return null;
    const decides = (end: Point): boolean | null => {
      if (segmentHitsBox(end, end, growBox(region.box, tuning.region + 4)) || distance(start, end) < 150) return null;
      if (segmentHitsBox(start, end, growBox(region.box, -tuning.region))) return true;
      if (!segmentHitsBox(start, end, growBox(region.box, tuning.region))) return false;
      return null;
    };
    const current = decides(centre(object(layout, b)));
    if (current !== want) {
      const moved = layout.relocate(
        b,
        candidates(80, () => {
          const point = { x: random.uniform(layout.floor.x1, layout.floor.x2), y: random.uniform(layout.floor.y1, layout.floor.y2) };
          return decides(point) === want ? point : null;
        }),
      );
      if (!moved) return null;
    }
    const endObject = object(layout, b);
    const end = centre(endObject);
    const names = [object(layout, a).name, endObject.name];
    const clearance = boxClearance(start, end, region.box);
    return {
      kind: 'crosses',
      text: `Does the straight path from the centre of the ${names[0]} to the centre of the ${names[1]} cross the ${region.name}?`,
      gold: { type: 'choice', options: ['yes', 'no'], index: want ? 0 : 1 },
      steps: [
        { tool: 'draw_box', box: region.box, label: region.name, thought: `Outline the ${region.name}.` },
        {
          tool: 'draw_line',
          from: start,
          to: end,
          label: 'path',
          thought: `Trace the straight path from the ${names[0]} to the ${names[1]}.`,
        },
      ],
      conclusion: want
        ? `The path runs through the ${region.name}, so yes.`
        : `The path passes ${px(clearance)} px clear of the ${region.name}, so no.`,
      targets: names,
    };
  },

  count: (random, layout, tuning) => {
    const [a, b] = random.sample(indices(layout), 2) as [number, number];
    const start = centre(object(layout, a));
    const end = centre(object(layout, b));
    const length = distance(start, end);
    if (length < 0.4 * layout.width) return null;
    const others = random.shuffle(indices(layout).filter((index) => index !== a && index !== b));
    const onLine = random.int(0, 3);
    const plan = [
      ...others.slice(0, onLine).map(() => 'on' as const),
      ...others.slice(onLine, onLine + tuning.nearMisses).map(() => 'near' as const),
    ];
    plan.forEach((where, position) => {
      const index = others[position] as number;
      const item = object(layout, index);
      const half = Math.min(item.width, item.height) / 2;
      layout.relocate(
        index,
        candidates(40, () => {
          const offset =
            where === 'on'
              ? random.uniform(-0.4, 0.4) * half
              : (random.chance(0.5) ? 1 : -1) * (Math.hypot(item.width, item.height) / 2 + tuning.countMargin + random.uniform(2, 12));
          return alongLine(start, end, random.uniform(0.15, 0.85), offset);
        }),
      );
    });
    const crossed: SceneObject[] = [];
    for (const index of indices(layout)) {
      if (index === a || index === b) continue;
      const item = object(layout, index);
      const inner = segmentHitsObject(start, end, item, -tuning.countMargin);
      if (inner !== segmentHitsObject(start, end, item, tuning.countMargin)) return null;
      if (inner) crossed.push(item);
    }
    const names = [object(layout, a).name, object(layout, b).name];
    const steps: PlanStep[] = [
      {
        tool: 'draw_line',
        from: start,
        to: end,
        label: 'line',
        thought: `Trace the straight line from the ${names[0]} to the ${names[1]}.`,
      },
    ];
    if (crossed.length === 1) {
      const only = crossed[0] as SceneObject;
      steps.push({
        tool: 'draw_box',
        box: objectBox(only, 3),
        label: only.name,
        thought: `Mark the ${only.name}, which the line runs through.`,
      });
    } else if (crossed.length > 1) {
      steps.push({
        tool: 'draw_shapes',
        boxes: crossed.map((item) => ({ box: objectBox(item, 3), label: item.name })),
        thought: `Mark every object the line runs through: ${crossed.map((item) => `the ${item.name}`).join(', ')}.`,
      });
    }
    return {
      kind: 'count',
      text: `How many other labelled objects does the straight line from the centre of the ${names[0]} to the centre of the ${names[1]} pass through? Count objects, not their printed names.`,
      gold: { type: 'number', value: crossed.length, decimals: 0 },
      steps,
      conclusion:
        crossed.length === 0
          ? 'The line touches no other labelled object, so 0.'
          : `The line passes through ${crossed.map((item) => `the ${item.name}`).join(', ')}: ${crossed.length}.`,
      targets: names,
    };
  },

  distance: (random, layout) => {
    const [a, b] = random.sample(indices(layout), 2) as [number, number];
    const start = centre(object(layout, a));
    const end = centre(object(layout, b));
    const pixels = distance(start, end);
    if (pixels < 100) return null;
    const decimals = layout.unit === 'm' ? 2 : 1;
    const value = round(pixels / layout.scale, decimals);
    const unitName = layout.unit === 'm' ? 'metres' : 'centimetres';
    const bar = layout.scaleBar * layout.scale;
    const names = [object(layout, a).name, object(layout, b).name];
    return {
      kind: 'distance',
      text: `How far apart are the centres of the ${names[0]} and the ${names[1]}, in ${unitName}? The scale bar in the bottom-left corner is ${layout.scaleBar} ${layout.unit} long.`,
      gold: { type: 'number', value, decimals },
      steps: [
        {
          tool: 'draw_line',
          from: layout.scaleBarAt,
          to: { x: layout.scaleBarAt.x + bar, y: layout.scaleBarAt.y },
          label: 'scale',
          thought: `Measure the ${layout.scaleBar} ${layout.unit} scale bar.`,
        },
        {
          tool: 'draw_line',
          from: start,
          to: end,
          label: `${names[0]}-${names[1]}`,
          thought: `Measure the line from the ${names[0]}'s centre to the ${names[1]}'s centre.`,
        },
      ],
      conclusion: `The line is ${px(pixels)} px and ${layout.scaleBar} ${layout.unit} is ${px(bar)} px, so ${px(pixels)} / ${px(bar)} × ${layout.scaleBar} = ${value.toFixed(decimals)} ${layout.unit}.`,
      targets: names,
    };
  },

  angle: (random, layout) => {
    const [v, b, c] = random.sample(indices(layout), 3) as [number, number, number];
    const vertex = centre(object(layout, v));
    const first = centre(object(layout, b));
    const second = centre(object(layout, c));
    if (distance(vertex, first) < 100 || distance(vertex, second) < 100) return null;
    const angle = angleAt(vertex, first, second);
    if (angle < 15 || angle > 165) return null;
    const names = [object(layout, v).name, object(layout, b).name, object(layout, c).name];
    const value = round(angle, 1);
    return {
      kind: 'angle',
      text: `Standing at the centre of the ${names[0]}, what is the angle, in degrees, between the direction to the ${names[1]} and the direction to the ${names[2]}?`,
      gold: { type: 'number', value, decimals: 1 },
      steps: [names[1], names[2]].map((name, position) => ({
        tool: 'draw_line' as const,
        from: vertex,
        to: position === 0 ? first : second,
        label: `to ${name}`,
        thought: `Draw the direction from the ${names[0]} to the ${name}.`,
      })),
      conclusion: `The two directions point ${heading(vertex, first).toFixed(1)}° and ${heading(vertex, second).toFixed(1)}°, so the angle between them is ${value.toFixed(1)}°.`,
      targets: names,
    };
  },
};

function indices(layout: Layout): number[] {
  return layout.objects.map((_, index) => index);
}

function object(layout: Layout, index: number): SceneObject {
  return layout.objects[index] as SceneObject;
}

function* candidates(count: number, make: () => Point | null): Generator<Point | null> {
  for (let index = 0; index < count; index += 1) yield make();
}

/** Which of the candidates is nearest to `target` (the first on a tie). */
export function nearerOf(target: Point, candidates: readonly Point[]): number {
  let best = 0;
  candidates.forEach((point, index) => {
    if (distance(target, point) < distance(target, candidates[best] as Point)) best = index;
  });
  return best;
}

/** The point at fraction `t` along a→b, moved `offset` pixels square to it (positive to the right of a→b on screen). */
export function alongLine(a: Point, b: Point, t: number, offset: number): Point {
  const length = distance(a, b);
  const normal = { x: -(b.y - a.y) / length, y: (b.x - a.x) / length };
  return { x: a.x + t * (b.x - a.x) + offset * normal.x, y: a.y + t * (b.y - a.y) + offset * normal.y };
}

/** Turn from the facing direction (viewer→facing) to the target, degrees in (-180, 180]; positive is clockwise on screen (to the right). */
export function signedTurn(viewer: Point, facing: Point, target: Point): number {
  const size = angleAt(viewer, facing, target);
  return cross(viewer, facing, target) >= 0 ? size : -size;
}

/** Heading of a→b in degrees, counter-clockwise from pointing right (y up on screen), 0..360. */
function heading(a: Point, b: Point): number {
  const angle = (Math.atan2(a.y - b.y, b.x - a.x) * 180) / Math.PI;
  return angle < 0 ? angle + 360 : angle;
}

/** The line through a and b, clipped to the image. */
function extendedLine(layout: Layout, a: Point, b: Point): { from: Point; to: Point } {
  const slope = (b.y - a.y) / (b.x - a.x);
  const at = (x: number): Point => ({ x, y: a.y + (x - a.x) * slope });
  const clip = (point: Point): Point => {
    if (point.y >= 0 && point.y <= layout.height) return point;
    const y = point.y < 0 ? 0 : layout.height;
    return { x: a.x + (y - a.y) / slope, y };
  };
  return { from: clip(at(0)), to: clip(at(layout.width)) };
}

/** A segment square to viewer→facing through the viewer, clipped to the floor. */
function perpendicularThrough(layout: Layout, viewer: Point, facing: Point): [Point, Point] {
  const reach = 90;
  const clamp = (point: Point): Point => ({
    x: Math.min(layout.width - 1, Math.max(1, point.x)),
    y: Math.min(layout.height - 1, Math.max(1, point.y)),
  });
  const left = alongLine(viewer, facing, 0, -reach);
  const right = alongLine(viewer, facing, 0, reach);
  return [clamp(left), clamp(right)];
}

/** How far a segment stays from a box (0 when it meets it). */
function boxClearance(a: Point, b: Point, box: PixelBox): number {
  let low = 0;
  let high = Math.max(box.x2 - box.x1, box.y2 - box.y1, distance(a, b));
  for (let step = 0; step < 30; step += 1) {
    const middle = (low + high) / 2;
    if (segmentHitsBox(a, b, growBox(box, middle))) high = middle;
    else low = middle;
  }
  return low;
}

function px(value: number): string {
  return value.toFixed(1);
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** Distance from an object's centre to a segment (exported for tests of the count kind). */
export function centreToSegment(item: SceneObject, a: Point, b: Point): number {
  return segmentDistance(centre(item), a, b);
}
