import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseModelOutput } from '../../agents/parse.js';
import type { Content } from '../../core/content.js';
import { DirectoryImageStore } from '../../core/image-store.js';
import { registry } from '../../core/registry.js';
import { integerFlag, parseCommand, parseKeyValues, UsageError } from '../args.js';

const USAGE = `Usage: thinkgym play <env-id> [--seed N] [--option key=value]... [--images DIR]
  Plays an env in the terminal. Each observation prints its text and the paths of its images.
  Type a tool call as JSON ({"name": "move", "arguments": {"direction": "up"}}) or as model text
  (<tool_call>{...}</tool_call>, <answer>...</answer>). Commands: :tools, :reset [seed], :help, :quit.`;

/** `thinkgym play`: a person plays an env, typing tool calls as JSON or `<tool_call>` text. */
export async function play(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    { seed: { type: 'string' }, option: { type: 'string', multiple: true }, images: { type: 'string' }, help: { type: 'boolean' } },
    USAGE,
  );
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const id = positionals[0];
  if (id === undefined) throw new UsageError(`Name the env to play.\n\n${USAGE}`);
  const imageDirectory = values.images ?? (await mkdtemp(join(tmpdir(), 'thinkgym-play-')));
  const images = new DirectoryImageStore(imageDirectory);
  const env = await registry.makeEnv(id, { options: parseKeyValues(values.option), images });
  let seed = integerFlag(values.seed, 'seed', 0);
  const show = (content: Content): void => {
    for (const part of content) {
      if (part.type === 'text') console.log(part.text);
      else console.log(`[image ${part.image.width}x${part.image.height}] ${images.pathOf(part.image.sha256)}`);
    }
  };
  const start = async (): Promise<void> => {
    const reset = await env.reset({ seed });
    console.log(`\n=== ${id} seed ${seed} — tools: ${env.tools.map((tool) => tool.name).join(', ')} (:help for help)\n`);
    show(reset.observation);
  };
  await start();
  let ended = false;
  const lines = createInterface({ input: process.stdin, terminal: false });
  process.stdout.write('\n> ');
  for await (const raw of lines) {
    const line = raw.trim();
    if (line === ':quit' || line === ':q') break;
    if (line === ':help') console.log(USAGE);
    else if (line === ':tools')
      for (const tool of env.tools) console.log(`${tool.name}: ${tool.description}\n  ${JSON.stringify(tool.parameters)}`);
    else if (line.startsWith(':reset')) {
      seed = integerFlag(line.split(/\s+/)[1], 'seed', seed);
      await start();
      ended = false;
    } else if (line !== '') {
      if (ended) {
        console.log('The episode has ended. Type :reset to play again or :quit.');
      } else {
        const text = line.startsWith('{') ? `<tool_call>${line}</tool_call>` : line;
        const result = await env.step(parseModelOutput({ text }));
        show(result.observation);
        const status = result.terminated ? (result.info.success === true ? 'SOLVED' : 'ENDED') : result.truncated ? 'OUT OF TURNS' : '';
        console.log(`\n(turn ${result.info.turn}/${env.maxTurns}, reward ${result.reward}${status === '' ? '' : `, ${status}`})`);
        if (result.terminated || result.truncated) {
          ended = true;
          console.log('Episode over. :reset to play again, :quit to leave.');
        }
      }
    }
    process.stdout.write('\n> ');
  }
  lines.close();
  await env.close();
  console.log(`\nImages are in ${imageDirectory}`);
  return 0;
}
