import { type Builder, candidates, indices, objectAt, type PlanStep, px, round } from './question.js';
import { alongLine, angleAt, centre, distance, heading, nearerOf, objectBox, type SceneObject, segmentHitsObject } from './scene.js';

/** Measurement questions: the closer of two, how many objects a line crosses, a distance, an angle. */
export const MEASURE_BUILDERS: Record<'closer' | 'count' | 'distance' | 'angle', Builder> = {
  closer: (random, layout, tuning) => {
    const [t, a, b] = random.sample(indices(layout), 3) as [number, number, number];
    const target = objectAt(layout, t);
    const first = objectAt(layout, a);
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
    const second = objectAt(layout, b);
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

  count: (random, layout, tuning) => {
    const [a, b] = random.sample(indices(layout), 2) as [number, number];
    const start = centre(objectAt(layout, a));
    const end = centre(objectAt(layout, b));
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
      const item = objectAt(layout, index);
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
      const item = objectAt(layout, index);
      const inner = segmentHitsObject(start, end, item, -tuning.countMargin);
      if (inner !== segmentHitsObject(start, end, item, tuning.countMargin)) return null;
      if (inner) crossed.push(item);
    }
    const names = [objectAt(layout, a).name, objectAt(layout, b).name];
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
    const start = centre(objectAt(layout, a));
    const end = centre(objectAt(layout, b));
    const pixels = distance(start, end);
    if (pixels < 100) return null;
    const decimals = layout.unit === 'm' ? 2 : 1;
    const value = round(pixels / layout.scale, decimals);
    const unitName = layout.unit === 'm' ? 'metres' : 'centimetres';
    const bar = layout.scaleBar * layout.scale;
    const names = [objectAt(layout, a).name, objectAt(layout, b).name];
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
    const vertex = centre(objectAt(layout, v));
    const first = centre(objectAt(layout, b));
    const second = centre(objectAt(layout, c));
    if (distance(vertex, first) < 100 || distance(vertex, second) < 100) return null;
    const angle = angleAt(vertex, first, second);
    if (angle < 15 || angle > 165) return null;
    const names = [objectAt(layout, v).name, objectAt(layout, b).name, objectAt(layout, c).name];
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
