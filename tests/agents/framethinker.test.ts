import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clock, dialect, framethinkerConversation, parseFramethinker, renderFramethinker } from '../../agents/dialects/index.js';
import { runEpisode } from '../../agents/episode.js';
import { OraclePolicy } from '../../agents/policies/oracle.js';
import { contentText } from '../../core/content.js';
import type { Action } from '../../core/env.js';
import { DirectoryImageStore } from '../../core/image-store.js';
import { makeEnv } from '../../core/registry.js';
import { toToolSpec } from '../../core/tool.js';
import '../../envs/index.js';
import { computePresetRewards } from '../../rewards/presets.js';
import type { EpisodeOutcome } from '../../rewards/terms.js';
import { exportShareGpt } from '../../trajectories/export-sharegpt.js';
import type { EpisodeRecord } from '../../trajectories/record.js';
import { DatasetWriter, manifestEnv } from '../../trajectories/writer.js';

const root = mkdtempSync(join(tmpdir(), 'thinkgym-framethinker-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function call(name: string, args: Record<string, unknown>): Action {
  return { type: 'tool_call', name, arguments: args };
}

describe('framethinker parser', () => {
  it('reads choose frames, get frame number at time and output answer', () => {
    expect(parseFramethinker({ text: '<think>The middle.</think><action>choose frames between 120 and 480</action>' })).toEqual(
      call('choose_frames', { start: 120, end: 480, unit: 'frames' }),
    );
    expect(parseFramethinker({ text: '<think>Two clock times.</think><action>choose frames between 1:05 and 2:30.5</action>' })).toEqual(
      call('choose_frames', { start: 65, end: 150.5 }),
    );
    expect(parseFramethinker({ text: '<think>At 1:05.</think>\n<action>get frame number at time 01:05</action>' })).toEqual(
      call('get_frame', { time: 65 }),
    );
    expect(parseFramethinker({ text: '<think>Done.</think><action>output answer: B</action>' })).toEqual({ type: 'answer', answer: 'B' });
    expect(parseFramethinker({ text: '<think>Done.</think>\noutput answer: 3' })).toEqual({ type: 'answer', answer: '3' });
    expect(parseFramethinker({ text: '<think>Zoom.</think><action>zoom_in {"x1": 1, "y1": 2, "x2": 30, "y2": 40}</action>' })).toEqual(
      call('zoom_in', { x1: 1, y1: 2, x2: 30, y2: 40 }),
    );
  });

  it('explains malformed turns instead of throwing', () => {
    const cases: [string, string, RegExp][] = [
      ['<think>hm</think> not sure', 'no-action', /no action found/],
      ['<action>choose frames between 3 and 1:00</action>', 'bad-call', /two frame numbers/],
      ['<action>get frame number at time soon</action>', 'bad-call', /MM:SS/],
      ['<action>output answer: A</action><action>output answer: B</action>', 'multiple-actions', /one action per round/],
      ['<action>zoom_in {"x1": 1,}</action>', 'bad-json', /not valid/],
      ['<action>choose frames', 'no-action', /not closed/],
      ['<action>look closer please!</action>', 'bad-call', /is not an action/],
    ];
    for (const [text, reason, message] of cases) {
      const action = parseFramethinker({ text });
      expect(action.type, text).toBe('invalid');
      expect(action.type === 'invalid' && action.reason, text).toBe(reason);
      expect(action.type === 'invalid' && action.message, text).toMatch(message);
    }
  });

  it('renders every action so that it parses back to itself', () => {
    const steps: Action[] = [
      call('choose_frames', { start: 0, end: 3723.5 }),
      call('choose_frames', { start: 40, end: 96, unit: 'frames' }),
      call('get_frame', { time: 7.5 }),
      call('video_info', {}),
      call('zoom_in', { x1: 10, y1: 20, x2: 100, y2: 80, factor: 3 }),
      { type: 'answer', answer: 'LANTERN' },
    ];
    for (const action of steps) {
      if (action.type === 'invalid') continue;
      const output = renderFramethinker({ thought: 'Because.', action });
      expect(output.text.startsWith('<think>Because.</think><action>')).toBe(true);
      expect(parseFramethinker(output)).toEqual(action);
    }
    expect(clock(3723.5)).toBe('1:02:03.5');
    expect(clock(65)).toBe('1:05');
  });
});

describe('framethinker on video-v0, end to end', () => {
  it('the oracle speaks FrameThinker, its turns parse back, frames read "frame i:", and the ShareGPT export round-trips', async () => {
    const dir = join(root, 'dataset');
    const images = new DirectoryImageStore(dir);
    const env = await makeEnv('video-v0', { images, options: { cacheDir: join(root, 'cache'), minutes: 1 } });
    const writer = await DatasetWriter.open(dir, {
      envs: { 'video-v0': manifestEnv(env.spec, env.tools.map(toToolSpec)) },
      policy: 'oracle',
      format: 'framethinker',
      rewards: { accuracy: 1, format: 0.1, invalidCall: 0.1, toolUse: 0.2, efficiency: 0.1, env: 0 },
      rewardPreset: 'framethinker',
    });
    const records: EpisodeRecord[] = [];
    for (const seed of [0, 1, 2, 3, 4, 5]) {
      const record = await runEpisode(env, new OraclePolicy(), {
        seed,
        images: writer.images,
        format: 'framethinker',
        rewardPreset: 'framethinker',
      });
      await writer.append(record);
      records.push(record);
    }
    await writer.close();
    for (const record of records) {
      expect(record.success, `seed ${record.seed}`).toBe(true);
      for (const step of record.steps) {
        expect(step.output.text).toMatch(/^<think>[\s\S]*<\/think><action>[\s\S]*<\/action>$/);
        expect(parseFramethinker(step.output)).toEqual(step.action);
      }
      const facts = record.steps.at(-1)?.extra ?? {};
      const bonus = (Number(facts.timeQueries) > 0 && facts.namesTime === true ? 0.5 : 0) + (Number(facts.chooseFrames) > 0 ? 0.02 : 0);
      expect(record.totalReward, `seed ${record.seed}`).toBeCloseTo(1 + bonus, 9);
    }
    const record = records[0] as EpisodeRecord;
    const conversation = framethinkerConversation({ spec: env.spec, tools: env.tools, task: record.task, turns: record.steps });
    expect(dialect('framethinker').conversation({ spec: env.spec, tools: env.tools, task: record.task, turns: record.steps })).toEqual(
      conversation,
    );
    expect(contentText(conversation[0]?.content ?? [])).toContain('choose frames between A and B');
    const task = conversation[1]?.content ?? [];
    expect(task.filter((part) => part.type === 'text' && /^frame \d+:$/.test(part.text))).toHaveLength(8);

    const output = join(dir, 'export', 'rows.json');
    const written = await exportShareGpt(dir, output);
    expect(written.written).toBe(records.length);
    const rows = JSON.parse(await readFile(output, 'utf8')) as {
      system: string;
      messages: { role: string; content: string }[];
      images: string[];
    }[];
    for (const row of rows) {
      expect(row.system).toContain('output answer: X');
      const assistant = row.messages.filter((message) => message.role === 'assistant');
      const source = records.find((item) => item.steps[0]?.output.text === assistant[0]?.content);
      expect(assistant.map((message) => parseFramethinker({ text: message.content }))).toEqual(source?.steps.map((step) => step.action));
      expect(row.messages.some((message) => message.role === 'user' && /frame \d+:\n<image>/.test(message.content))).toBe(true);
      expect(row.messages.map((message) => message.content.split('<image>').length - 1).reduce((sum, count) => sum + count, 0)).toBe(
        row.images.length,
      );
    }
    await env.close();
  }, 120_000);
});

describe('framethinker reward preset', () => {
  function outcome(change: Partial<EpisodeOutcome> = {}): EpisodeOutcome {
    return {
      success: true,
      score: 1,
      turns: 4,
      maxTurns: 16,
      toolCalls: 3,
      invalidReasons: [],
      envReward: 1,
      answered: true,
      envFacts: { chooseFrames: 1, timeQueries: 1, namesTime: true },
      ...change,
    };
  }

  it('pays accuracy, +0.5 for a time query on a question that names a time, +0.02 for choose_frames, only when right (worked examples)', () => {
    const cases: { name: string; outcome: EpisodeOutcome; total: number }[] = [
      { name: 'right, time query on a timed question, frames chosen', outcome: outcome(), total: 1.52 },
      {
        name: 'right, timed question but no time query',
        outcome: outcome({ envFacts: { chooseFrames: 2, timeQueries: 0, namesTime: true } }),
        total: 1.02,
      },
      {
        name: 'right, time query but the question names no time',
        outcome: outcome({ envFacts: { chooseFrames: 1, timeQueries: 3, namesTime: false } }),
        total: 1.02,
      },
      {
        name: 'right with no tools at all',
        outcome: outcome({ toolCalls: 0, envFacts: { chooseFrames: 0, timeQueries: 0, namesTime: false } }),
        total: 1,
      },
      { name: 'wrong: no bonus', outcome: outcome({ success: false, score: 0 }), total: 0 },
      { name: 'right after a repeated or short span (a tool error)', outcome: outcome({ invalidReasons: ['tool-error'] }), total: 0 },
      { name: 'right after a malformed action', outcome: outcome({ invalidReasons: ['bad-call'] }), total: 0 },
      { name: 'no final answer', outcome: outcome({ success: false, score: 0, answered: false }), total: 0 },
    ];
    for (const example of cases)
      expect(computePresetRewards(example.outcome, 'framethinker').total, example.name).toBeCloseTo(example.total, 9);
  });
});
