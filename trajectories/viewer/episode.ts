import type { Content, ImageRef } from '../../core/content.js';
import type { EpisodeRecord, StepRecord } from '../record.js';
import { escapeAttribute, escapeHtml, shortNumber } from './text.js';

/** Turns an image hash into the URL a page uses for it (relative and percent-encoded). */
export type ImageUrl = (sha256: string) => string;

/** Images narrower and shorter than this are grid pictures shown enlarged with crisp pixels. */
const SMALL_IMAGE = 160;
/** The side an enlarged small image is brought up to (at most), in CSS pixels. */
const ENLARGED_SIDE = 320;
/** Episodes with more turns than this show the first and last few and fold the rest. */
const FOLD_AFTER = 6;
/** Turns shown before the fold. */
const SHOWN_BEFORE_FOLD = 3;

/**
 * One image at its natural size (the stylesheet caps it at the column width and lets the browser
 * downscale smoothly), lazy-loaded and linked to the full-size file. Small images (grid boards,
 * crops) are enlarged by a whole factor with pixelated scaling so cells stay sharp.
 */
export function imageHtml(image: ImageRef, url: string): string {
  const side = Math.max(image.width, image.height);
  const scale = side < SMALL_IMAGE ? Math.max(1, Math.floor(ENLARGED_SIDE / Math.max(1, side))) : 1;
  const size = `${image.width}×${image.height}`;
  return (
    `<a class="image" href="${url}" title="open full size (${size})">` +
    `<img src="${url}" loading="lazy" decoding="async" width="${image.width * scale}" height="${image.height * scale}"` +
    `${scale > 1 ? ' class="grid"' : ''} alt="image ${size}"></a>`
  );
}

/** Content parts as HTML: text in `<pre>`, images through {@link imageHtml}. */
export function contentHtml(parts: Content, imageUrl: ImageUrl): string {
  return parts
    .map((part) => (part.type === 'text' ? `<pre>${escapeHtml(part.text)}</pre>` : imageHtml(part.image, imageUrl(part.image.sha256))))
    .join('\n');
}

/** A step's one-line header: turn, the action (or the invalid reason and message), env reward. */
export function stepTitle(step: StepRecord): string {
  const reward = `reward ${shortNumber(step.reward)}`;
  if (step.invalid !== null) return `Turn ${step.turn} — invalid (${step.invalid.reason}): ${step.invalid.message} — ${reward}`;
  const action = step.action;
  const text =
    action.type === 'tool_call'
      ? `${action.name}(${JSON.stringify(action.arguments)})`
      : action.type === 'answer'
        ? `answer: ${action.answer}`
        : `invalid (${action.reason})`;
  return `Turn ${step.turn} — ${text} — ${reward}`;
}

function stepHtml(step: StepRecord, imageUrl: ImageUrl): string {
  const calls = (step.output.toolCalls ?? []).map((call) => `${call.name}(${call.arguments})`).join('\n');
  const output = `${step.output.text}${calls === '' ? '' : `\n${calls}`}`;
  return `<div class="step${step.invalid === null ? '' : ' invalid'}"><h4>${escapeHtml(stepTitle(step))}</h4>
<div class="model"><pre>${escapeHtml(output)}</pre></div>
<div class="observation">${contentHtml(step.observation, imageUrl)}</div></div>`;
}

/** The episode's summary line under its heading (rounded numbers, answer against expected). */
export function episodeFacts(episode: EpisodeRecord): string {
  const terms = Object.entries(episode.rewardTerms)
    .map(([name, value]) => `${name} ${shortNumber(value)}`)
    .join(', ');
  const answer =
    episode.expected === null && episode.answer === null
      ? ''
      : `; answered ${episode.answer ?? '—'}${episode.expected === null ? '' : `, expected ${episode.expected}`}`;
  return (
    `policy ${episode.policy}, format ${episode.format}, ${episode.counts.turns} turns, ${episode.counts.toolCalls} tool calls, ` +
    `${episode.counts.invalidActions} invalid; reward ${shortNumber(episode.totalReward)} (${terms})${answer}`
  );
}

/**
 * One episode as an HTML `<section>`: heading, facts, task, then every turn (raw model output,
 * parsed action or invalid reason, observation). Long episodes show their first turns and the last
 * one, the turns between folded in a `<details>` (images inside load only when opened).
 */
export function episodeSectionHtml(episode: EpisodeRecord, imageUrl: ImageUrl, id: string): string {
  const steps = episode.steps.map((step) => stepHtml(step, imageUrl));
  let body = steps.join('\n');
  if (steps.length > FOLD_AFTER) {
    const folded = steps.slice(SHOWN_BEFORE_FOLD, -1);
    const first = episode.steps[SHOWN_BEFORE_FOLD]?.turn ?? SHOWN_BEFORE_FOLD + 1;
    const last = episode.steps[episode.steps.length - 2]?.turn ?? first;
    body = [
      ...steps.slice(0, SHOWN_BEFORE_FOLD),
      `<details class="fold"><summary>turns ${first}–${last} (${folded.length} more)</summary>\n${folded.join('\n')}</details>`,
      steps[steps.length - 1] ?? '',
    ].join('\n');
  }
  return `<section class="episode" id="${escapeAttribute(id)}"><h2>${escapeHtml(episode.env)} seed ${episode.seed} — ${episode.success ? 'solved' : 'not solved'}</h2>
<p>${escapeHtml(episodeFacts(episode))}</p>
<div class="task">${contentHtml(episode.task, imageUrl)}</div>
${body}</section>`;
}
