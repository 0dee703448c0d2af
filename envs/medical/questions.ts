import type { Random } from '../../core/random.js';
import { type CoordinateFrame, formatBox, fromPixelBox, type ImageSize } from '../../tools/image/frame.js';
import type { PixelBox } from '../../tools/image/scene.js';
import { type Finding, type FindingKind, findingBox } from './findings.js';

/** What a question asks. */
export type QuestionKind = 'presence' | 'count' | 'location' | 'box' | 'type' | 'shape';

/** Every question kind. */
export const QUESTION_KINDS: readonly QuestionKind[] = ['presence', 'count', 'location', 'box', 'type', 'shape'];

/** A quadrant of the image (not of the patient). */
export type Quadrant = 'upper left' | 'upper right' | 'lower left' | 'lower right';

/** The quadrants, in reading order. */
export const QUADRANTS: readonly Quadrant[] = ['upper left', 'upper right', 'lower left', 'lower right'];

/** A gold answer. */
export type Gold =
  | { readonly type: 'text'; readonly text: string; readonly aliases: readonly string[] }
  | { readonly type: 'number'; readonly value: number; readonly text: string }
  /** A box in pixels of the original image, scored by IoU >= 0.5; `text` is it in the episode's frame. */
  | { readonly type: 'box'; readonly box: PixelBox; readonly text: string };

/** A generated question about a scan. */
export interface Question {
  readonly kind: QuestionKind;
  readonly text: string;
  readonly gold: Gold;
  /** Options of a multiple-choice variant, in the order shown (lettered A, B, …). */
  readonly choices?: readonly string[];
  /** Ids of the findings the answer rests on (none for an absent finding). */
  readonly targets: readonly string[];
  /** The quadrant a presence question asks about. */
  readonly quadrant?: Quadrant;
  /** The finding kind asked about, when there is one. */
  readonly findingKind?: FindingKind;
  /** One sentence on why the answer holds. */
  readonly explanation: string;
}

/** The quadrant holding a point of an image of `size`. */
export function quadrantOf(x: number, y: number, size: ImageSize): Quadrant {
  const upper = y < size.height / 2;
  const left = x < size.width / 2;
  return upper ? (left ? 'upper left' : 'upper right') : left ? 'lower left' : 'lower right';
}

/** The pixel box of a quadrant. */
export function quadrantBox(quadrant: Quadrant, size: ImageSize): PixelBox {
  const halfWidth = Math.floor(size.width / 2);
  const halfHeight = Math.floor(size.height / 2);
  const left = quadrant.endsWith('left');
  const upper = quadrant.startsWith('upper');
  return {
    x1: left ? 0 : halfWidth,
    y1: upper ? 0 : halfHeight,
    x2: left ? halfWidth : size.width,
    y2: upper ? halfHeight : size.height,
  };
}

/** The box a `box` question expects: the finding's extent, at least 8 pixels from the centre each way. */
export function goldBox(finding: Finding): PixelBox {
  const box = findingBox(finding);
  const half = Math.max(box.x2 - finding.x + 2, 8);
  return { x1: finding.x - half, y1: finding.y - half, x2: finding.x + half, y2: finding.y + half };
}

/** Letters of multiple-choice options. */
export const LETTERS = ['A', 'B', 'C', 'D', 'E'] as const;

/** Context for generating questions. */
export interface QuestionContext {
  readonly findings: readonly Finding[];
  readonly size: ImageSize;
  readonly frame: CoordinateFrame;
  /** Finding kinds this scan family can hold. */
  readonly kinds: readonly FindingKind[];
  /** Question kinds allowed. */
  readonly allowed: readonly QuestionKind[];
}

/** Plural names of finding kinds. */
export const PLURAL: Readonly<Record<FindingKind, string>> = { nodule: 'nodules', mass: 'masses', calcification: 'calcifications' };

/**
 * Draws a question about the scan: a kind among the allowed ones that the scan can support
 * (location, box and shape need a finding that is alone of its kind or in its quadrant), and with
 * probability 0.35 its multiple-choice variant.
 */
export function generateQuestion(random: Random, context: QuestionContext): Question {
  const order = random.shuffle(context.allowed);
  for (const kind of order) {
    const question = ask(kind, random, context);
    if (question !== undefined) return random.chance(0.35) ? toChoice(question, random, context) : question;
  }
  // Presence always works: every scan has at least one finding.
  return ask('presence', random, context) as Question;
}

function ask(kind: QuestionKind, random: Random, context: QuestionContext): Question | undefined {
  const { findings, size } = context;
  const ofKind = (wanted: FindingKind): Finding[] => findings.filter((finding) => finding.kind === wanted);
  const alone = findings.filter((finding) => ofKind(finding.kind).length === 1);
  switch (kind) {
    case 'presence': {
      const absent: { kind: FindingKind; quadrant: Quadrant }[] = [];
      for (const findingKind of context.kinds) {
        for (const quadrant of QUADRANTS) {
          if (!findings.some((finding) => finding.kind === findingKind && quadrantOf(finding.x, finding.y, size) === quadrant)) {
            absent.push({ kind: findingKind, quadrant });
          }
        }
      }
      const present = findings.length > 0 && (absent.length === 0 || random.chance(0.5));
      if (present) {
        const finding = random.pick(findings);
        const quadrant = quadrantOf(finding.x, finding.y, size);
        const targets = findings.filter((other) => other.kind === finding.kind && quadrantOf(other.x, other.y, size) === quadrant);
        return {
          kind,
          text: `Is there a ${finding.kind} in the ${quadrant} quadrant of the image? Answer yes or no.`,
          gold: { type: 'text', text: 'yes', aliases: [] },
          targets: targets.map((target) => target.id),
          quadrant,
          findingKind: finding.kind,
          explanation: `There ${targets.length === 1 ? 'is a' : `are ${targets.length}`} ${targets.length === 1 ? finding.kind : PLURAL[finding.kind]} in the ${quadrant} quadrant.`,
        };
      }
      const choice = random.pick(absent);
      return {
        kind,
        text: `Is there a ${choice.kind} in the ${choice.quadrant} quadrant of the image? Answer yes or no.`,
        gold: { type: 'text', text: 'no', aliases: [] },
        targets: [],
        quadrant: choice.quadrant,
        findingKind: choice.kind,
        explanation: `No ${choice.kind} lies in the ${choice.quadrant} quadrant.`,
      };
    }
    case 'count': {
      const kinds = [...new Set(findings.map((finding) => finding.kind))];
      if (kinds.length === 0) return undefined;
      const findingKind = kinds.includes('calcification') && random.chance(0.7) ? 'calcification' : random.pick(kinds);
      const targets = ofKind(findingKind);
      return {
        kind,
        text: `How many ${PLURAL[findingKind]} are there in the image? Answer with a number.`,
        gold: { type: 'number', value: targets.length, text: String(targets.length) },
        targets: targets.map((target) => target.id),
        findingKind,
        explanation: `There ${targets.length === 1 ? 'is 1' : `are ${targets.length}`} ${targets.length === 1 ? findingKind : PLURAL[findingKind]}.`,
      };
    }
    case 'location': {
      if (alone.length === 0) return undefined;
      const finding = random.pick(alone);
      const quadrant = quadrantOf(finding.x, finding.y, size);
      return {
        kind,
        text: `In which quadrant of the image is the ${finding.kind}? Answer upper left, upper right, lower left or lower right.`,
        gold: { type: 'text', text: quadrant, aliases: quadrantAliases(quadrant) },
        targets: [finding.id],
        findingKind: finding.kind,
        explanation: `The ${finding.kind} lies in the ${quadrant} quadrant.`,
      };
    }
    case 'box': {
      if (alone.length === 0) return undefined;
      const finding = random.pick(alone);
      const box = goldBox(finding);
      const shown = fromPixelBox(box, context.frame, size);
      const units = context.frame === 'pixel' ? 'pixels of the original image' : 'normalised 0..1000 units';
      return {
        kind,
        text: `Where is the ${finding.kind}? Answer with its bounding box as x1, y1, x2, y2 in ${units}.`,
        gold: { type: 'box', box, text: `${shown.x1}, ${shown.y1}, ${shown.x2}, ${shown.y2}` },
        targets: [finding.id],
        findingKind: finding.kind,
        explanation: `The ${finding.kind} spans ${formatBox(shown)}.`,
      };
    }
    case 'type': {
      if (context.kinds.length < 2 || findings.length === 0) return undefined;
      const finding = random.pick(findings);
      const reach = findingBox(finding).x2 - finding.x;
      const half = Math.max(3 * reach, 24);
      const region: PixelBox = {
        x1: Math.max(0, finding.x - half),
        y1: Math.max(0, finding.y - half),
        x2: Math.min(size.width, finding.x + half),
        y2: Math.min(size.height, finding.y + half),
      };
      const mixed = findings.some(
        (other) => other.kind !== finding.kind && other.x > region.x1 && other.x < region.x2 && other.y > region.y1 && other.y < region.y2,
      );
      if (mixed) return undefined;
      const shown = fromPixelBox(region, context.frame, size);
      return {
        kind,
        text: `What kind of finding lies inside the box ${formatBox(shown)}? Answer ${context.kinds.join(', ')}.`,
        gold: { type: 'text', text: finding.kind, aliases: [] },
        targets: [finding.id],
        findingKind: finding.kind,
        explanation: `The finding in that box is a ${finding.kind} (radius about ${Math.round(finding.radius)} pixels).`,
      };
    }
    case 'shape': {
      const candidates = findings.filter(
        (finding) =>
          finding.kind !== 'calcification' &&
          findings.filter(
            (other) => other.kind === finding.kind && quadrantOf(other.x, other.y, size) === quadrantOf(finding.x, finding.y, size),
          ).length === 1,
      );
      if (candidates.length === 0) return undefined;
      const finding = random.pick(candidates);
      const quadrant = quadrantOf(finding.x, finding.y, size);
      return {
        kind,
        text: `Is the outline of the ${finding.kind} in the ${quadrant} quadrant of the image round or spiculated? Answer round or spiculated.`,
        gold: { type: 'text', text: finding.shape, aliases: finding.shape === 'round' ? ['smooth'] : ['spiky'] },
        targets: [finding.id],
        findingKind: finding.kind,
        explanation: `Its outline is ${finding.shape}${finding.shape === 'spiculated' ? ', with thin lines radiating from it' : ''}.`,
      };
    }
  }
}

function quadrantAliases(quadrant: Quadrant): string[] {
  const [vertical, horizontal] = quadrant.split(' ') as [string, string];
  const top = vertical === 'upper' ? 'top' : 'bottom';
  return [`${top} ${horizontal}`, `${vertical}-${horizontal}`, `${top}-${horizontal}`];
}

function toChoice(question: Question, random: Random, context: QuestionContext): Question {
  const gold = question.gold;
  let options: string[];
  switch (question.kind) {
    case 'presence':
      options = ['yes', 'no'];
      break;
    case 'location':
      options = random.shuffle(QUADRANTS);
      break;
    case 'type':
      options = random.shuffle([...context.kinds, 'no finding']);
      break;
    case 'shape':
      options = random.shuffle(['round', 'spiculated']);
      break;
    case 'count': {
      const value = gold.type === 'number' ? gold.value : 0;
      const distractors = random.sample(
        [value - 2, value - 1, value + 1, value + 2, value + 3].filter((option) => option >= 0),
        3,
      );
      options = random.shuffle([value, ...distractors]).map(String);
      break;
    }
    case 'box':
      return question;
  }
  const answer = gold.text;
  const index = options.indexOf(answer);
  const letter = LETTERS[index] as string;
  const listed = options.map((option, position) => `(${LETTERS[position]}) ${option}`).join(' ');
  const stem = question.text.replace(/ Answer .*$/, '');
  return {
    ...question,
    text: `${stem} Options: ${listed}. Answer with the letter of the correct option.`,
    gold: {
      type: 'text',
      text: letter,
      aliases: [answer, `${letter}) ${answer}`, `(${letter}) ${answer}`, ...(gold.type === 'text' ? gold.aliases : [])],
    },
    choices: options,
  };
}
