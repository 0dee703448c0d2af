import { type Oracle, type OracleStep, scriptedOracle, type ToolCallAction } from '../../core/env.js';
import { GymError } from '../../core/errors.js';
import { type CoordinateFrame, formatBox, fromPixelBox, type ImageSize } from '../../tools/image/frame.js';
import { type PixelBox, unionBox } from '../../tools/image/scene.js';
import { type DisplayWindow, describeWindow } from '../../tools/image/window.js';
import { type Finding, findingBox } from './findings.js';
import { PLURAL, QUADRANTS, type Quadrant, quadrantBox, quadrantOf } from './questions.js';
import type { MedicalState } from './state.js';

/** Long side, in pixels, of the oracle's close-up views. */
export const CLOSE_UP_SIDE = 448;

/** Targets closer than this many pixels share one close-up. */
const GROUP_DISTANCE = 120;

/**
 * The medical-v0 oracle. It knows where the findings are, but acts as a careful reader would: when
 * the findings it needs hide in values the current window clips (ground-glass opacities in black
 * lung on a soft-tissue window, nodules in the white retrocardiac region), it first sets a window
 * that shows them; it scans the quadrants at full resolution (in reading order up to the one that
 * holds the answer, all four for counts, the asked one for presence), zooms in on each candidate,
 * then answers, with a one-line rationale before every call. At most 10 calls (the limit is 12).
 */
export function createMedicalOracle(state: MedicalState): Oracle {
  return scriptedOracle(planSolution(state), 'medical');
}

/** Every step the oracle takes in a synthetic episode, the answer last. */
export function planSolution(state: MedicalState): OracleStep[] {
  const synthetic = state.synthetic;
  if (synthetic === undefined) {
    throw new GymError('no-oracle', 'The medical oracle needs a synthetic episode; dataset items carry no ground truth to act on.');
  }
  const { task, findings } = synthetic;
  const frame = state.coordinates;
  const size: ImageSize = state.image;
  const targets = task.targets.map((id) => {
    const finding = findings.find((candidate) => candidate.id === id);
    if (finding === undefined) throw new GymError('oracle-target', `No finding ${id} for the question "${task.text}".`);
    return finding;
  });
  const steps: OracleStep[] = [];
  const kind = task.findingKind;
  const hidden = targets.find((target) => target.limit === 'window');
  const wanted: DisplayWindow | undefined =
    hidden?.window ?? (targets.length === 0 && kind !== undefined ? synthetic.searchWindows[kind] : undefined);
  if (wanted !== undefined && (wanted.center !== state.window.center || wanted.width !== state.window.width)) {
    const where = hidden?.setting ?? `the tissue where a ${kind ?? 'finding'} would sit`;
    steps.push({
      thought:
        `At the current window (${describeWindow(state.window, state.calibration)}) ${where} is clipped to flat ${clippedTone(state.window, wanted)}, ` +
        `so a faint ${kind ?? 'finding'} there would be invisible; I'll set the window to ${describeWindow(wanted, state.calibration)}.`,
      action: { type: 'tool_call', name: 'adjust_window', arguments: { center: wanted.center, width: wanted.width } },
    });
  }
  const sought = kind === undefined ? 'findings' : PLURAL[kind];
  const reason =
    kind === 'calcification' ? `${sought} are smaller than a pixel of the overview` : `${sought} this faint do not show in the overview`;
  for (const quadrant of scanOrder(task.kind, task.quadrant, targets, size)) {
    steps.push({
      thought: `${capitalize(reason)}, so I'll scan the ${quadrant} quadrant at full resolution.`,
      action: zoom(quadrantBox(quadrant, size), 1, frame, size),
    });
  }
  for (const group of groupTargets(targets).slice(0, 3)) {
    const region = closeUpRegion(group, size);
    const side = Math.max(region.x2 - region.x1, region.y2 - region.y1);
    const factor = Math.max(1, Math.min(4, Math.floor((CLOSE_UP_SIDE / side) * 10) / 10));
    const first = group[0] as Finding;
    const what = group.length === 1 ? `is a candidate ${first.kind}` : `are ${group.length} candidate ${PLURAL[first.kind]}`;
    steps.push({
      thought: `There ${what} near ${formatBox(fromPixelBox(unionBox(group.map(findingBox)), frame, size))}; I'll zoom in ${factor}x to see ${group.length === 1 ? 'its' : 'their'} size and outline.`,
      action: zoom(region, factor, frame, size),
    });
  }
  const answer = task.gold.text;
  steps.push({ thought: `${task.explanation} So the answer is ${answer}.`, action: { type: 'answer', answer } });
  return steps;
}

function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}

function clippedTone(current: DisplayWindow, wanted: DisplayWindow): string {
  return wanted.center < current.center ? 'black' : 'white';
}

/** Quadrants to scan: the asked one for presence, all four for counts, reading order up to the target's otherwise. */
function scanOrder(kind: string, asked: Quadrant | undefined, targets: readonly Finding[], size: ImageSize): Quadrant[] {
  if (kind === 'type') return [];
  if (asked !== undefined) return [asked];
  if (kind === 'count') return [...QUADRANTS];
  const last = Math.max(...targets.map((target) => QUADRANTS.indexOf(quadrantOf(target.x, target.y, size))));
  return QUADRANTS.slice(0, last + 1);
}

/** Targets grouped so that each group fits one close-up (clustered calcifications share one). */
function groupTargets(targets: readonly Finding[]): Finding[][] {
  const groups: Finding[][] = [];
  for (const target of targets) {
    const group = groups.find((members) => members.some((member) => Math.hypot(member.x - target.x, member.y - target.y) < GROUP_DISTANCE));
    if (group === undefined) groups.push([target]);
    else group.push(target);
  }
  return groups;
}

/** A square region around a group: its extent plus six radii (at least 48 pixels) on every side. */
export function closeUpRegion(group: readonly Finding[], size: ImageSize): PixelBox {
  const box = unionBox(group.map(findingBox));
  const reach = Math.max(...group.map((finding) => findingBox(finding).x2 - finding.x));
  const margin = Math.max(48, 6 * reach);
  const cx = (box.x1 + box.x2) / 2;
  const cy = (box.y1 + box.y2) / 2;
  const half = Math.ceil(Math.max(box.x2 - box.x1, box.y2 - box.y1) / 2 + margin);
  return {
    x1: Math.max(0, Math.floor(cx - half)),
    y1: Math.max(0, Math.floor(cy - half)),
    x2: Math.min(size.width, Math.ceil(cx + half)),
    y2: Math.min(size.height, Math.ceil(cy + half)),
  };
}

function zoom(region: PixelBox, factor: number, frame: CoordinateFrame, size: ImageSize): ToolCallAction {
  return { type: 'tool_call', name: 'zoom_in', arguments: { ...fromPixelBox(region, frame, size), factor } };
}
