import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseModelOutput } from '../../agents/parse.js';
import type { Content } from '../../core/content.js';
import { DirectoryImageStore } from '../../core/image-store.js';
import { registry } from '../../core/registry.js';
import { integerFlag, parseCommand, parseKeyValues, UsageError } from '../args.js';
import { createPlayReadline, detectImageProtocol, inlineImageSequence, readPlayInput, shorthandHelp } from '../play-input.js';

const USAGE = `Usage: thinkgym play <env-id> [--seed N] [--option key=value]... [--images DIR]
  Plays an env in the terminal. Each observation prints its text and its images: inline in kitty,
  ghostty, iTerm2 and WezTerm (THINKGYM_INLINE_IMAGES=kitty|iterm2|none to choose), else their paths.
  Type a tool call as shorthand: the tool name, then its arguments in order or as key=value
  (move up 3, move direction=left, answer 42, or a bare value such as up); as JSON
  ({"name": "move", "arguments": {"direction": "up"}}); or as model text (<tool_call>{...}</tool_call>,
  <answer>...</answer>). Arrow keys edit and recall lines, Tab completes; THINKGYM_PLAY_HISTORY=FILE
  keeps the history. Commands: :tools, :reset [seed], :help, :quit.`;

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
  const protocol = detectImageProtocol(process.env, process.stdout.isTTY === true);
  const show = async (content: Content): Promise<void> => {
    for (const part of content) {
      if (part.type === 'text') console.log(part.text);
      else {
        if (protocol !== 'none') process.stdout.write(inlineImageSequence(await images.get(part.image.sha256), protocol));
        console.log(`[image ${part.image.width}x${part.image.height}] ${images.pathOf(part.image.sha256)}`);
      }
    }
  };
  const start = async (): Promise<void> => {
    const reset = await env.reset({ seed });
    console.log(`\n=== ${id} seed ${seed} — tools: ${env.tools.map((tool) => tool.name).join(', ')} (:help for help)\n`);
    await show(reset.observation);
  };
  await start();
  let ended = false;
  const lines = createPlayReadline({
    input: process.stdin,
    output: process.stdout,
    tools: env.tools,
    commands: [':tools', ':reset', ':help', ':quit'],
    ...(process.env.THINKGYM_PLAY_HISTORY === undefined ? {} : { historyFile: process.env.THINKGYM_PLAY_HISTORY }),
  });
  lines.on('SIGINT', () => lines.close());
  const handle = async (line: string): Promise<boolean> => {
    const input = readPlayInput(line, env.tools);
    if (input.kind === 'empty') return true;
    if (input.kind === 'error') console.log(input.message);
    else if (input.kind === 'command') {
      if (input.name === 'quit' || input.name === 'q') return false;
      if (input.name === 'help') console.log(`${USAGE}\n\nShorthand for ${id}:\n${shorthandHelp(env.tools)}`);
      else if (input.name === 'tools')
        for (const tool of env.tools) console.log(`${tool.name}: ${tool.description}\n  ${JSON.stringify(tool.parameters)}`);
      else if (input.name === 'reset') {
        seed = integerFlag(input.argument === '' ? undefined : input.argument, 'seed', seed);
        await start();
        ended = false;
      } else console.log(`Unknown command :${input.name}. Commands: :tools, :reset [seed], :help, :quit.`);
    } else if (ended) {
      console.log('The episode has ended. Type :reset to play again or :quit.');
    } else {
      const result = await env.step(parseModelOutput({ text: input.text }));
      await show(result.observation);
      const status = result.terminated ? (result.info.success === true ? 'SOLVED' : 'ENDED') : result.truncated ? 'OUT OF TURNS' : '';
      console.log(`\n(turn ${result.info.turn}/${env.maxTurns}, reward ${result.reward}${status === '' ? '' : `, ${status}`})`);
      if (result.terminated || result.truncated) {
        ended = true;
        console.log('Episode over. :reset to play again, :quit to leave.');
      }
    }
    return true;
  };
  console.log('');
  lines.prompt();
  for await (const raw of lines) {
    let going = true;
    try {
      going = await handle(raw);
    } catch (error) {
      // A bad command or a failed step must not end the game: say what went wrong, prompt again.
      console.log(`error: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!going) break;
    console.log('');
    lines.prompt();
  }
  lines.close();
  await env.close();
  console.log(`\nImages are in ${imageDirectory}`);
  return 0;
}
