import type { Random } from '../../core/random.js';
import type { Layout } from './generate.js';
import { MEASURE_BUILDERS } from './measure-questions.js';
import type { Builder, Difficulty, Question, QuestionKind, Tuning } from './question.js';
import { RELATION_BUILDERS } from './relation-questions.js';

export * from './question.js';

/** What each difficulty level sets. */
export const TUNING: Record<Difficulty, Tuning> = {
  easy: { closer: [0.08, 0.15], offset: [0.06, 0.12], direction: 20, region: 20, nearMisses: 0, countMargin: 8 },
  medium: { closer: [0.025, 0.06], offset: [0.03, 0.06], direction: 10, region: 10, nearMisses: 1, countMargin: 5 },
  hard: { closer: [0.01, 0.03], offset: [0.015, 0.03], direction: 5, region: 5, nearMisses: 2, countMargin: 3 },
};

const BUILDERS: Record<QuestionKind, Builder> = { ...MEASURE_BUILDERS, ...RELATION_BUILDERS };

/** Asks a question of `kind` on the layout, moving objects where the kind needs it; null when this layout cannot host it. */
export function makeQuestion(random: Random, layout: Layout, kind: QuestionKind, difficulty: Difficulty): Question | null {
  const tuning = TUNING[difficulty];
  for (let attempt = 0; attempt < 40; attempt += 1) {
    const question = BUILDERS[kind](random, layout, tuning);
    if (question !== null) return question;
  }
  return null;
}
