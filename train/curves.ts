import { renderChart } from '../envs/chart/render.js';

/** One learning curve: a name and its y value (percent or any measure) at each x. */
export interface Curve {
  readonly name: string;
  /** `[x, y]` points; x values are shared across curves as category labels. */
  readonly points: readonly (readonly [number, number])[];
}

/** Options of {@link renderCurves}. */
export interface CurveChartOptions {
  readonly title: string;
  /** Value axis title, e.g. `held-out success (%)`. */
  readonly valueTitle: string;
  /** Category axis title, e.g. `RL iteration`. */
  readonly categoryTitle: string;
  /** Top of the value axis (default: the data's maximum rounded up to a tick, at least 100 for percents). */
  readonly max?: number;
  readonly width?: number;
  readonly height?: number;
}

const MAX_POINTS = 24;

/**
 * Draws learning curves as a PNG with the chart renderer of chart-v0 (a multi-line chart: one
 * series per curve, categories the x values). A curve missing a point at some x repeats its last
 * value there; x values are thinned to at most 24 so the labels stay legible.
 */
export async function renderCurves(curves: readonly Curve[], options: CurveChartOptions): Promise<Buffer> {
  const xs = [...new Set(curves.flatMap((curve) => curve.points.map(([x]) => x)))].sort((a, b) => a - b);
  const stride = Math.max(1, Math.ceil(xs.length / MAX_POINTS));
  const kept = xs.filter((_, index) => index % stride === 0 || index === xs.length - 1);
  const series = curves.map((curve) => {
    let last = curve.points[0]?.[1] ?? 0;
    const values = kept.map((x) => {
      const point = [...curve.points].reverse().find(([at]) => at <= x);
      if (point !== undefined) last = point[1];
      return Math.round(last * 10) / 10;
    });
    return { name: curve.name, values };
  });
  const highest = Math.max(1, ...series.flatMap((entry) => entry.values));
  const step = niceStep((options.max ?? highest) / 5);
  const max = options.max ?? Math.ceil(highest / step) * step;
  const rendered = renderChart({
    data: {
      type: series.length > 1 ? 'multi-line' : 'line',
      title: options.title,
      theme: { id: 'training', noun: 'iteration', plural: 'iterations', preposition: 'in', ordered: true },
      measure: { id: 'curve', name: options.valueTitle, prefix: '', suffix: '' },
      categories: kept.map((x) => String(x)),
      series,
      valueDecimals: 1,
      scale: { max, step, tickDecimals: step < 1 ? 1 : 0, quantum: step / 10 },
      valueTitle: options.valueTitle,
      categoryTitle: options.categoryTitle,
    },
    style: {
      width: options.width ?? 880,
      height: options.height ?? 480,
      font: 'sans',
      titleFont: 'sans-bold',
      fontSize: 13,
      palette: ['#4e79a7', '#e15759', '#59a14f', '#f28e2b', '#b07aa1', '#76b7b2'],
      background: '#ffffff',
      textColor: '#222222',
      axisColor: '#444444',
      gridColor: '#dddddd',
      gridlines: true,
      valueLabels: false,
      barRatio: 0.6,
      legend: 'top',
      markers: kept.length <= 24,
      markerRadius: 3,
      lineWidth: 2,
      thousands: false,
      titleAlign: 'left',
      valueAxisLine: true,
      pieNames: 'legend',
    },
  });
  return rendered.png;
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-9)));
  for (const factor of [1, 2, 2.5, 5, 10]) if (factor * power >= raw) return factor * power;
  return 10 * power;
}
