import { ValidationError } from '../../core/errors.js';
import type { Random } from '../../core/random.js';
import { measureText } from '../../tools/image/text.js';
import { type Appearance, COLOUR_NAMES, colourAt, formatTime, type Scenario, SHAPES, type Shape, type VideoObject } from './scenario.js';

/** The question kinds of video-v0. */
export const QUESTION_KINDS = ['first', 'order', 'count', 'colour', 'sign'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

/** Parses a comma list of question kinds; `all` (or empty) means every kind. */
export function parseKinds(value: string): QuestionKind[] {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed === 'all') return [...QUESTION_KINDS];
  const names = [
    ...new Set(
      trimmed
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== ''),
    ),
  ];
  const unknown = names.filter((name) => !(QUESTION_KINDS as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new ValidationError(
      `Unknown question kinds ${unknown.map((name) => `"${name}"`).join(', ')}; use a comma list of ${QUESTION_KINDS.join(', ')}, or all.`,
      [`questionKinds: ${unknown.join(', ')}`],
    );
  }
  return names as QuestionKind[];
}

/** How an answer is checked. */
export type Gold =
  | { readonly type: 'time'; readonly seconds: number; readonly tolerance: number }
  | { readonly type: 'choice'; readonly letter: string; readonly options: readonly string[] }
  | { readonly type: 'count'; readonly value: number }
  | { readonly type: 'word'; readonly value: string };

/** The frames that prove an answer, for the oracle. */
export interface Evidence {
  /** Seconds the proof lies in: the oracle narrows onto this span. */
  readonly span: readonly [number, number];
  /** Times (seconds) of the frames that show the answer, in order. */
  readonly times: readonly number[];
  /** For a sign: the pixel box to zoom into on the last proving frame. */
  readonly zoom?: { readonly x1: number; readonly y1: number; readonly x2: number; readonly y2: number };
  /** One line per proving frame: what it shows. */
  readonly notes: readonly string[];
}

/** A question with its gold answer and the evidence behind it. */
export interface VideoQuestion {
  readonly kind: QuestionKind;
  readonly text: string;
  readonly gold: Gold;
  /** The gold answer as text. */
  readonly answer: string;
  /** Whether the question names a time (FrameThinker pays a bonus for a time query then). */
  readonly namesTime: boolean;
  readonly evidence: Evidence;
}

/** Options of {@link generateQuestion}. */
export interface QuestionOptions {
  readonly kinds: readonly QuestionKind[];
  /** Seconds an answer to a `first` question may be off. */
  readonly tolerance: number;
}

/** One question about the scenario, of a kind drawn from `options.kinds` (falls back to `sign`, always possible). */
export function generateQuestion(random: Random, scenario: Scenario, options: QuestionOptions): VideoQuestion {
  const kinds = random.shuffle(options.kinds);
  for (const kind of kinds) {
    const question = MAKERS[kind](random.fork(kind), scenario, options);
    if (question !== undefined) return question;
  }
  return signQuestion(random, scenario);
}

type Maker = (random: Random, scenario: Scenario, options: QuestionOptions) => VideoQuestion | undefined;

const MAKERS: Readonly<Record<QuestionKind, Maker>> = {
  first: firstQuestion,
  order: orderQuestion,
  count: countQuestion,
  colour: colourQuestion,
  sign: signQuestion,
};

function seconds(scenario: Scenario, frame: number): number {
  return frame / scenario.format.fps;
}

function describeObject(object: VideoObject): string {
  return `the ${object.shape} labelled "${object.label}"`;
}

function firstQuestion(random: Random, scenario: Scenario, options: QuestionOptions): VideoQuestion | undefined {
  const object = random.pick(scenario.objects);
  const appearance = object.appearances[0] as Appearance;
  const time = seconds(scenario, appearance.start);
  const before = Math.max(0, appearance.start - 1);
  return {
    kind: 'first',
    text: `When does ${describeObject(object)} first appear? Answer with the time in seconds from the start (or as M:SS); within ${options.tolerance} s counts.`,
    gold: { type: 'time', seconds: time, tolerance: options.tolerance },
    answer: String(time),
    namesTime: false,
    evidence: {
      span: [seconds(scenario, before), seconds(scenario, Math.min(appearance.end - 1, appearance.start + 1))],
      times: appearance.start > 0 ? [seconds(scenario, before), time] : [time],
      notes:
        appearance.start > 0
          ? [
              `at ${formatTime(seconds(scenario, before))} ${describeObject(object)} is not there yet`,
              `at ${formatTime(time)} it has appeared`,
            ]
          : [`${describeObject(object)} is there from the very first frame`],
    },
  };
}

function orderQuestion(random: Random, scenario: Scenario): VideoQuestion | undefined {
  const gap = Math.max(2, Math.round(10 * scenario.format.fps));
  const chosen: VideoObject[] = [];
  for (const object of random.shuffle(scenario.objects)) {
    const start = (object.appearances[0] as Appearance).start;
    if (chosen.every((other) => Math.abs((other.appearances[0] as Appearance).start - start) >= gap)) chosen.push(object);
    if (chosen.length === 3) break;
  }
  if (chosen.length < 3) return undefined;
  const ordered = [...chosen].sort((a, b) => (a.appearances[0] as Appearance).start - (b.appearances[0] as Appearance).start);
  const name = (object: VideoObject): string => `${object.label} (${object.shape})`;
  const permutations = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ];
  const wrong = random.sample(permutations.slice(1), 3);
  const options = random
    .shuffle([[0, 1, 2], ...wrong])
    .map((order) => order.map((index) => name(ordered[index] as VideoObject)).join(', then '));
  const correct = ordered.map(name).join(', then ');
  const letter = String.fromCharCode(65 + options.indexOf(correct));
  const listed = options.map((option, index) => `${String.fromCharCode(65 + index)}. ${option}`).join('\n');
  const times = ordered.map((object) => seconds(scenario, (object.appearances[0] as Appearance).start));
  return {
    kind: 'order',
    text: `In which order do these objects first appear?\n${listed}\nAnswer with the letter.`,
    gold: { type: 'choice', letter, options },
    answer: letter,
    namesTime: false,
    evidence: {
      span: [times[0] as number, times[2] as number],
      times,
      notes: ordered.map((object, index) => `at ${formatTime(times[index] as number)} ${describeObject(object)} appears`),
    },
  };
}

function countQuestion(random: Random, scenario: Scenario): VideoQuestion | undefined {
  const shapes = random.shuffle(SHAPES);
  for (const shape of shapes) {
    const visits = visitsOf(scenario, shape);
    if (visits.length === 0 || visits.length > 8) continue;
    const times = visits.map(({ appearance }) => seconds(scenario, Math.floor((appearance.start + appearance.end - 1) / 2)));
    return {
      kind: 'count',
      text: `How many times does a ${shape} come into view? Count every entrance, including the same ${shape} coming back. Answer with a number.`,
      gold: { type: 'count', value: visits.length },
      answer: String(visits.length),
      namesTime: false,
      evidence: {
        span: [seconds(scenario, visits[0]?.appearance.start ?? 0), seconds(scenario, (visits.at(-1)?.appearance.end ?? 1) - 1)],
        times,
        notes: visits.map(
          ({ object, appearance }, index) =>
            `entrance ${index + 1}: "${object.label}" is on screen from ${formatTime(seconds(scenario, appearance.start))} to ${formatTime(seconds(scenario, appearance.end - 1))}`,
        ),
      },
    };
  }
  return undefined;
}

/** Every appearance of objects of one shape, in time order. */
function visitsOf(scenario: Scenario, shape: Shape): { object: VideoObject; appearance: Appearance }[] {
  return scenario.objects
    .filter((object) => object.shape === shape)
    .flatMap((object) => object.appearances.map((appearance) => ({ object, appearance })))
    .sort((a, b) => a.appearance.start - b.appearance.start);
}

function colourQuestion(random: Random, scenario: Scenario): VideoQuestion | undefined {
  const margin = Math.max(1, Math.round(2 * scenario.format.fps));
  const fps = scenario.format.fps;
  for (const object of random.shuffle(scenario.objects)) {
    const appearance = random.pick(object.appearances);
    // Whole seconds, so the time the question names is exactly a frame's time.
    const first = Math.ceil((appearance.start + margin) / fps) * fps;
    const last = Math.floor((appearance.end - 1 - margin) / fps) * fps;
    if (last < first) continue;
    const frame = first + random.int(0, Math.floor((last - first) / fps)) * fps;
    const colour = colourAt(object, frame);
    if (colourAt(object, frame - margin) !== colour || colourAt(object, frame + margin) !== colour) continue;
    const time = seconds(scenario, frame);
    return {
      kind: 'colour',
      text: `What colour is ${describeObject(object)} at ${formatTime(time)}? Answer with one of: ${COLOUR_NAMES.join(', ')}.`,
      gold: { type: 'word', value: colour },
      answer: colour,
      namesTime: true,
      evidence: { span: [time - 1, time + 1], times: [time], notes: [`at ${formatTime(time)} ${describeObject(object)} is ${colour}`] },
    };
  }
  return undefined;
}

function signQuestion(_random: Random, scenario: Scenario): VideoQuestion {
  const { sign } = scenario;
  const middle = Math.floor((sign.start + sign.end - 1) / 2);
  const time = seconds(scenario, middle);
  const metrics = measureText(sign.word, 'sans-bold', Math.round(scenario.format.height / 9));
  const width = Math.ceil(metrics.width + 16);
  const height = Math.ceil(metrics.ascent + metrics.descent + 12);
  return {
    kind: 'sign',
    text: 'At one point a sign shows a word for a few seconds. What word does it show? Answer with the word.',
    gold: { type: 'word', value: sign.word },
    answer: sign.word,
    namesTime: false,
    evidence: {
      span: [seconds(scenario, sign.start), seconds(scenario, sign.end - 1)],
      times: [time],
      zoom: {
        x1: Math.max(0, sign.position[0] - 6),
        y1: Math.max(0, sign.position[1] - 6),
        x2: Math.min(scenario.format.width, sign.position[0] + width + 6),
        y2: Math.min(scenario.format.height, sign.position[1] + height + 6),
      },
      notes: [
        `from ${formatTime(seconds(scenario, sign.start))} to ${formatTime(seconds(scenario, sign.end - 1))} a sign reads ${sign.word}`,
      ],
    },
  };
}
