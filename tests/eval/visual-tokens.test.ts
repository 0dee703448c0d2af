import { describe, expect, it } from 'vitest';
import { runEpisode } from '../../agents/episode.js';
import { ImageBudgetEnv } from '../../agents/image-budget.js';
import { OraclePolicy } from '../../agents/policies/oracle.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { registry, validateEnvOptions } from '../../core/registry.js';
import { GuardedEnv } from '../../core/wrappers.js';
import { episodeVisualLoad, imageTokens, QWEN2_VL, smartResize } from '../../rewards/visual-tokens.js';
import '../../envs/index.js';

describe("Qwen2-VL's smart_resize", () => {
  // [height, width] → [height, width] with the default limits and with min 256·28², max 1280·28²,
  // as qwen-vl-utils' smart_resize computes them in Python (round half to even: 42/28 = 1.5 → 2, 70/28 = 2.5 → 2).
  const cases: [number, number, [number, number], [number, number]][] = [
    [42, 70, [56, 56], [364, 588]],
    [14, 14, [56, 56], [448, 448]],
    [1080, 1920, [1092, 1932], [728, 1316]],
    [5000, 9000, [2660, 4788], [728, 1344]],
    [700, 1000, [700, 1008], [700, 1008]],
    [98, 98, [112, 112], [448, 448]],
    [10, 1000, [28, 1008], [56, 4480]],
    [448, 448, [448, 448], [448, 448]],
    [126, 154, [112, 168], [420, 504]],
  ];
  const narrow = { family: 'qwen2-vl', minPixels: 256 * 28 * 28, maxPixels: 1280 * 28 * 28 } as const;
  it.each(cases)('%i×%i (h×w)', (height, width, wide, tight) => {
    expect(smartResize(height, width)).toEqual({ height: wide[0], width: wide[1] });
    expect(smartResize(height, width, narrow)).toEqual({ height: tight[0], width: tight[1] });
    expect(imageTokens(width, height)).toBe((wide[0] / 28) * (wide[1] / 28));
  });

  it('refuses aspect ratios above 200 and empty images', () => {
    expect(() => smartResize(1, 201)).toThrow(/aspect ratios above 200/);
    expect(() => smartResize(0, 10)).toThrow(/positive size/);
    expect(QWEN2_VL).toEqual({ family: 'qwen2-vl', minPixels: 3136, maxPixels: 12845056 });
  });
});

describe('image budgets', () => {
  it('count images, pixels and tokens of an episode, and a cap withholds images with a note and a record', async () => {
    const images = new MemoryImageStore();
    const free = await registry.makeEnv('chart-v0', { images });
    const open = await runEpisode(free, new OraclePolicy(), { seed: 2, images });
    const load = episodeVisualLoad(open);
    expect(load.images).toBeGreaterThan(1);
    const task = open.task.find((part) => part.type === 'image');
    expect(task?.type).toBe('image');
    if (task?.type === 'image') expect(load.pixels).toBeGreaterThanOrEqual(task.image.width * task.image.height);

    const definition = await registry.loadEnv('chart-v0');
    const inner = await definition.create(validateEnvOptions(definition.spec, {}), { images });
    const capped = new GuardedEnv(new ImageBudgetEnv(inner, { maxImagesPerEpisode: 1 }));
    const record = await runEpisode(capped, new OraclePolicy(), { seed: 2, images });
    const withheld = record.steps.filter((step) => step.extra?.imageBudget !== undefined);
    expect(withheld.length).toBeGreaterThan(0);
    expect(episodeVisualLoad(record).images).toBe(1);
    const first = withheld[0];
    expect(first?.extra?.imageBudget).toMatchObject({ cap: 'images-per-episode', withheld: 1, images: 1 });
    expect(JSON.stringify(first?.observation)).toContain('[image withheld: the limit of 1 image(s) in this episode is reached');
    await free.close();
    await capped.close();
  }, 60_000);
});
