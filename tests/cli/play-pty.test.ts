import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseModelOutput } from '../../agents/parse.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { registry } from '../../core/registry.js';
import { ANSWER_TOOL, type ToolSpec } from '../../core/tool.js';
import '../../envs/maze/index.js';
import { detectImageProtocol, inlineImageSequence, readPlayInput, shorthandHelp, splitWords } from '../../cli/play-input.js';

const PYTHON = '/usr/bin/python3';
const ESCAPE = '\u001b';
const run = promisify(execFile);

/**
 * Drives a command in a real pseudo-terminal (python3's pty module): for each step, optionally
 * types `send`, then waits until `expect` appears after the previous step's match. Prints
 * {ok, failed, exit, transcript} as JSON.
 */
const DRIVER = `
import json, os, pty, select, sys, time, fcntl, termios, struct
spec = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    env = dict(os.environ); env.update(spec['env'])
    os.execvpe(spec['command'][0], spec['command'], env)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 40, 120, 0, 0))
out = b''
cursor = 0
def read_until(needle, timeout):
    global out, cursor
    deadline = time.time() + timeout
    while out.find(needle.encode(), cursor) < 0:
        left = deadline - time.time()
        if left <= 0: return False
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try: chunk = os.read(fd, 65536)
            except OSError: chunk = b''
            if not chunk: break
            out += chunk
    found = out.find(needle.encode(), cursor)
    if found < 0: return False
    cursor = found + len(needle.encode())
    return True
result = {'ok': True, 'failed': None}
for index, step in enumerate(spec['steps']):
    if 'send' in step: os.write(fd, step['send'].encode())
    if not read_until(step['expect'], step.get('timeout', 15)):
        result = {'ok': False, 'failed': index}
        break
code = None
deadline = time.time() + 15
while result['ok'] and time.time() < deadline:
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        code = os.waitstatus_to_exitcode(status); break
    try:
        if select.select([fd], [], [], 0.2)[0]: out += os.read(fd, 65536)
    except OSError: pass
if code is None:
    os.kill(pid, 9); os.waitpid(pid, 0)
result['exit'] = code
result['transcript'] = out.decode('utf-8', 'replace')
print(json.dumps(result))
`;

interface PtyStep {
  readonly send?: string;
  readonly expect: string;
  readonly timeout?: number;
}

async function inTerminal(
  command: readonly string[],
  environment: Record<string, string>,
  steps: readonly PtyStep[],
): Promise<{ ok: boolean; failed: number | null; exit: number | null; transcript: string }> {
  const { stdout } = await run(PYTHON, ['-c', DRIVER, JSON.stringify({ command, env: environment, steps })], {
    maxBuffer: 64 * 1024 * 1024,
    timeout: 90_000,
  });
  return JSON.parse(stdout);
}

const MOVE: ToolSpec = {
  name: 'move',
  description: 'Move.',
  parameters: {
    type: 'object',
    properties: {
      direction: { type: 'string', enum: ['up', 'down', 'left', 'right'] },
      steps: { type: 'integer', minimum: 1 },
    },
    required: ['direction'],
    additionalProperties: false,
  },
};
const TOOLS = [MOVE, ANSWER_TOOL];

describe('play shorthand', () => {
  const call = (line: string): unknown => {
    const input = readPlayInput(line, TOOLS);
    return input.kind === 'text' ? parseModelOutput({ text: input.text }) : input;
  };

  it('maps positional words, key=value pairs and bare enum values to the same call as JSON', () => {
    const json = call('{"name": "move", "arguments": {"direction": "up", "steps": 3}}');
    expect(json).toEqual({ type: 'tool_call', name: 'move', arguments: { direction: 'up', steps: 3 } });
    expect(call('move up 3')).toEqual(json);
    expect(call('move steps=3 direction=up')).toEqual(json);
    expect(call('up 3')).toEqual(json);
    expect(call('move left')).toEqual({ type: 'tool_call', name: 'move', arguments: { direction: 'left' } });
  });

  it('gives the answer tool the whole rest of the line', () => {
    expect(call('answer 42')).toEqual({ type: 'tool_call', name: 'answer', arguments: { answer: '42' } });
    expect(call('answer the red  one')).toEqual({ type: 'tool_call', name: 'answer', arguments: { answer: 'the red  one' } });
    expect(call('<answer>7</answer>')).toEqual({ type: 'answer', answer: '7' });
  });

  it('leaves wrong values to the schema check, and answers unknown words without a turn', () => {
    expect(call('move north')).toEqual({ type: 'tool_call', name: 'move', arguments: { direction: 'north' } });
    expect(call('move up three')).toEqual({ type: 'tool_call', name: 'move', arguments: { direction: 'up', steps: 'three' } });
    const unknown = readPlayInput('jump high', TOOLS);
    expect(unknown.kind).toBe('error');
    expect(unknown.kind === 'error' && unknown.message).toContain('Unknown tool or command `jump` (no turn used). Tools: move, answer.');
    expect(readPlayInput(':reset abc', TOOLS)).toEqual({ kind: 'command', name: 'reset', argument: 'abc' });
    expect(readPlayInput('   ', TOOLS)).toEqual({ kind: 'empty' });
    expect(splitWords(`draw "a b" 'c d' e`)).toEqual(['draw', 'a b', 'c d', 'e']);
  });

  it('is validated by the env exactly like a model call', async () => {
    const env = await registry.makeEnv('maze-v0', { images: new MemoryImageStore(), options: { observation: 'ascii' } });
    await env.reset({ seed: 1 });
    const input = readPlayInput('move north', env.tools);
    if (input.kind !== 'text') throw new Error('expected a call');
    const result = await env.step(parseModelOutput({ text: input.text }));
    expect(result.info.invalid).toMatchObject({ reason: 'bad-arguments' });
    expect(JSON.stringify(result.observation)).toContain('`direction` must be one of');
    await env.close();
  });

  it('lists each tool in the help', () => {
    expect(shorthandHelp(TOOLS)).toBe('  move <up|down|left|right> [steps=integer]\n  answer <answer>');
  });
});

describe('inline images', () => {
  it('detects the protocol from the terminal environment', () => {
    expect(detectImageProtocol({ KITTY_WINDOW_ID: '1' }, true)).toBe('kitty');
    expect(detectImageProtocol({ TERM: 'xterm-kitty' }, true)).toBe('kitty');
    expect(detectImageProtocol({ TERM_PROGRAM: 'iTerm.app' }, true)).toBe('iterm2');
    expect(detectImageProtocol({ TERM_PROGRAM: 'WezTerm' }, true)).toBe('iterm2');
    expect(detectImageProtocol({ TERM_PROGRAM: 'iTerm.app' }, false)).toBe('none');
    expect(detectImageProtocol({ TERM_PROGRAM: 'iTerm.app', TMUX: '/tmp/x' }, true)).toBe('none');
    expect(detectImageProtocol({ TERM: 'xterm-256color' }, true)).toBe('none');
    expect(detectImageProtocol({ THINKGYM_INLINE_IMAGES: 'kitty' }, false)).toBe('kitty');
  });

  it('writes kitty chunks that reassemble to the PNG', () => {
    const png = Buffer.alloc(10_000, 7);
    const sequence = inlineImageSequence(png, 'kitty');
    const chunks = sequence
      .split(`${ESCAPE}\\`)
      .filter((piece) => piece.startsWith(`${ESCAPE}_G`))
      .map((piece) => piece.slice(3).split(';'));
    expect(chunks.length).toBe(4);
    expect(chunks[0]?.[0]).toBe('f=100,a=T,m=1');
    expect(chunks[3]?.[0]).toBe('m=0');
    expect(Buffer.from(chunks.map((chunk) => chunk[1]).join(''), 'base64')).toEqual(png);
    expect(inlineImageSequence(png, 'none')).toBe('');
  });
});

describe('thinkgym play in a real terminal', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'thinkgym-play-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('keeps the prompt after a command error; shorthand, history, help and inline images work', async () => {
    if (!existsSync(PYTHON)) {
      console.warn(`play pseudo-terminal test skipped: ${PYTHON} is missing (apt-get install -y python3)`);
      return;
    }
    const history = join(directory, 'history');
    const result = await inTerminal(
      [process.execPath, 'bin/thinkgym.js', 'play', 'maze-v0', '--seed', '1', '--images', join(directory, 'images')],
      { TERM: 'xterm-256color', TERM_PROGRAM: 'iTerm.app', THINKGYM_PLAY_HISTORY: history },
      [
        { expect: '> ', timeout: 60 },
        { send: ':reset abc\r', expect: '--seed must be an integer' },
        { expect: '> ' },
        { send: 'move left 3\r', expect: '(turn 1/50' },
        { send: 'hop\r', expect: 'Unknown tool or command `hop` (no turn used)' },
        // Up twice recalls "move left 3" past "hop"; it runs again as turn 2
        { send: '\u001b[A\u001b[A\r', expect: '(turn 2/50' },
        { send: ':help\r', expect: 'move <up|down|left|right> [steps=integer]' },
        { send: ':reset 2\r', expect: '=== maze-v0 seed 2' },
        { send: 'down\r', expect: '(turn 1/50' },
        { send: '\u0003', expect: 'Images are in' },
      ],
    );
    expect(result.failed, result.transcript.slice(-2000)).toBeNull();
    expect(result.exit).toBe(0);
    const transcript = result.transcript;
    expect(transcript).toContain('error: --seed must be an integer >= 0, got "abc".');
    // the recalled line is echoed by the line editor
    expect(transcript).toMatch(/> move left 3/);
    // the maze image shown inline with iTerm2's protocol is the stored PNG
    const opening = `${ESCAPE}]1337;File=`;
    const start = transcript.indexOf(opening);
    expect(start).toBeGreaterThanOrEqual(0);
    const [header = '', data = ''] = transcript.slice(start + opening.length, transcript.indexOf('\u0007', start)).split(':');
    const bytes = Buffer.from(data, 'base64');
    expect(header).toBe(`size=${bytes.length};inline=1;preserveAspectRatio=1`);
    const path = /\[image \d+x\d+\] (\S+\.png)/.exec(transcript)?.[1];
    expect(path?.startsWith(join(directory, 'images'))).toBe(true);
    expect(bytes).toEqual(await readFile(path ?? ''));
    expect((await readFile(history, 'utf8')).split('\n')).toEqual([
      ':reset abc',
      'move left 3',
      'hop',
      'move left 3',
      ':help',
      ':reset 2',
      'down',
      '',
    ]);
  }, 90_000);
});
