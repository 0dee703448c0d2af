import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GymError } from '../../core/errors.js';
import { parseBackendChoice } from '../../train/backend.js';
import { parseRecipe, type Recipe, readRecipeJson, resolveDataset } from '../../train/recipe.js';
import { RUN_FILES, runTraining } from '../../train/run.js';
import { isSuite, parseSuite, runSuite, SUITE_FILES } from '../../train/suite.js';
import { parseCommand } from '../args.js';
import { EXIT } from '../errors.js';

const USAGE = `Usage: thinkgym train --recipe <name|file.json> [options]

  --recipe R        a shipped recipe (maze-7x7, search-zoom) or a recipe JSON file; a recipe with
                    "variants" runs each variant in <out>/<variant>/ and draws them in one picture
  --out DIR         run directory (default runs/<recipe name>): config.json, metrics.jsonl, train.log,
                    checkpoints/sft and checkpoints/rl (model.json + weights), curves.png, index.html
  --resume          continue the run in --out from its last checkpoint
  --backend B       auto (default: tfjs-node-gpu, then tfjs-node, then wasm, then cpu) | node-gpu | node | wasm | cpu
  --quiet           no progress bar

Without a dataset in the recipe, the SFT demonstrations are generated first with the env's oracle
(\`thinkgym generate\`) into <out>/demos. A checkpoint acts as a policy:
\`thinkgym generate --policy tfjs:<out>/checkpoints/rl\`. See docs/TRAINING.md.`;

const FLAGS = {
  recipe: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'boolean' },
  backend: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

/** `thinkgym train`: SFT on oracle demonstrations, then multi-turn GRPO, as a recipe says. */
export async function train(argv: readonly string[]): Promise<number> {
  const { values } = parseCommand(argv, FLAGS, USAGE);
  if (values.help === true) {
    console.log(USAGE);
    return EXIT.ok;
  }
  if (values.recipe === undefined) {
    console.error(`--recipe is required.\n\n${USAGE}`);
    return EXIT.usage;
  }
  const backend = parseBackendChoice(values.backend);
  const { raw, file } = await readRecipeJson(values.recipe);
  const progress = values.quiet !== true && process.stderr.isTTY === true;
  if (isSuite(raw)) {
    const suite = parseSuite(raw, file);
    const out = values.out ?? join('runs', suite.name);
    await runSuite(
      { ...suite, variants: suite.variants.map((variant) => ({ ...variant, recipe: resolveDataset(variant.recipe, file) })) },
      {
        out,
        resume: values.resume === true,
        backend,
        progress,
        prepare: async (recipe, dir) => {
          if (recipe.sft === undefined || recipe.sft.dataset !== undefined) return;
          const code = await generateDemonstrations(recipe, join(dir, 'demos'));
          if (code !== EXIT.ok)
            throw new GymError('no-demonstrations', `Generating the demonstrations of ${recipe.name} in ${dir} failed (exit ${code}).`);
        },
      },
    );
    console.log(`${suite.name}: ${suite.variants.length} variants — ${join(out, SUITE_FILES.page)}`);
    return EXIT.ok;
  }
  const recipe = resolveDataset(parseRecipe(raw, file), file);
  const out = values.out ?? join('runs', recipe.name);
  if (recipe.sft !== undefined && recipe.sft.dataset === undefined) {
    const code = await generateDemonstrations(recipe, join(out, 'demos'));
    if (code !== EXIT.ok) return code;
  }
  const summary = await runTraining(recipe, {
    out,
    resume: values.resume === true,
    backend,
    progress,
  });
  console.log(
    `${recipe.name}: held-out success random ${pct(summary.random.successRate)}` +
      `${summary.sft === undefined ? '' : `, SFT ${pct(summary.sft.successRate)}`}` +
      `${summary.rl === undefined ? '' : `, RL ${pct(summary.rl.successRate)}`} — ${join(out, RUN_FILES.page)}`,
  );
  return EXIT.ok;
}

/** Oracle demonstrations through `thinkgym generate` itself (resumed when a previous run stopped half way). */
async function generateDemonstrations(recipe: Recipe, dir: string): Promise<number> {
  const sft = recipe.sft;
  if (sft === undefined) return EXIT.ok;
  const { generate } = await import('./generate.js');
  const argv = [
    '--env',
    recipe.env,
    '--out',
    dir,
    '--episodes',
    String(sft.seeds.count),
    '--seed',
    String(sft.seeds.first),
    '--quiet',
    ...Object.entries(recipe.envOptions).flatMap(([key, value]) => ['--option', `${key}=${String(value)}`]),
    ...(recipe.maxTurns === undefined ? [] : ['--max-turns', String(recipe.maxTurns)]),
    ...(existsSync(join(dir, 'trajectories.jsonl')) ? ['--resume'] : []),
  ];
  return generate(argv);
}

function pct(value: number): string {
  return `${(100 * value).toFixed(1)}%`;
}
