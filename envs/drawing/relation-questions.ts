import type { Layout } from './generate.js';
import { type Builder, candidates, indices, objectAt, px } from './question.js';
import {
  alongLine,
  boxClearance,
  centre,
  distance,
  growBox,
  lineOffset,
  objectBox,
  type Point,
  segmentHitsBox,
  signedTurn,
} from './scene.js';

/** Relation questions: direction from a viewpoint, collinearity, side of a line, a path across the region. */
export const RELATION_BUILDERS: Record<'direction' | 'collinear' | 'side' | 'crosses', Builder> = {
  direction: (random, layout, tuning) => {
    const [v, f, t] = random.sample(indices(layout), 3) as [number, number, number];
    const viewer = objectAt(layout, v);
    const facing = objectAt(layout, f);
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
    const target = objectAt(layout, t);
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
    const start = centre(objectAt(layout, a));
    const end = centre(objectAt(layout, b));
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
    const middle = objectAt(layout, c);
    const offset = Math.abs(lineOffset(start, end, centre(middle)));
    const names = [objectAt(layout, a).name, objectAt(layout, b).name, middle.name];
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
    const start = centre(objectAt(layout, a));
    const end = centre(objectAt(layout, b));
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
    const target = objectAt(layout, c);
    const lineY = start.y + ((target.x - start.x) * (end.y - start.y)) / (end.x - start.x);
    const names = [objectAt(layout, a).name, objectAt(layout, b).name];
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
    const start = centre(objectAt(layout, a));
    if (segmentHitsBox(start, start, growBox(region.box, tuning.region + 4))) return null;
    const decides = (end: Point): boolean | null => {
      if (segmentHitsBox(end, end, growBox(region.box, tuning.region + 4)) || distance(start, end) < 150) return null;
      if (segmentHitsBox(start, end, growBox(region.box, -tuning.region))) return true;
      if (!segmentHitsBox(start, end, growBox(region.box, tuning.region))) return false;
      return null;
    };
    const current = decides(centre(objectAt(layout, b)));
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
    const endObject = objectAt(layout, b);
    const end = centre(endObject);
    const names = [objectAt(layout, a).name, endObject.name];
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
};

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
