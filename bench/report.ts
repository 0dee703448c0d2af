/** One measured row of a benchmark table. */
export interface BenchRow {
  /** What was measured, e.g. `maze steps/s (render)`. */
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The baseline measured in the same run, when the row compares against one. */
  readonly baseline?: { readonly name: string; readonly value: number };
  /** Whether a higher value is better (throughput) or lower (latency, memory). */
  readonly higherIsBetter?: boolean;
  /** The target the row is measured against, printed beside it (e.g. `>= 2x`). */
  readonly goal?: string;
}

/** A titled group of rows produced by one bench module. */
export interface BenchSection {
  readonly title: string;
  readonly rows: readonly BenchRow[];
  /** Notes printed under the table (sizes, seeds, machine facts). */
  readonly notes?: readonly string[];
}

/** A bench module: `bench/<name>.ts` exports `run`. */
export type BenchRun = () => Promise<BenchSection>;

/** Renders sections as aligned text tables; ratio = value / baseline (or baseline / value for lower-is-better). */
export function formatSections(sections: readonly BenchSection[]): string {
  const lines: string[] = [];
  for (const section of sections) {
    const goals = section.rows.some((row) => row.goal !== undefined);
    const rows = section.rows.map((row) => {
      const ratio =
        row.baseline === undefined || row.baseline.value === 0 || row.value === 0
          ? ''
          : `${(row.higherIsBetter === false ? row.baseline.value / row.value : row.value / row.baseline.value).toFixed(2)}x vs ${row.baseline.name}`;
      const cells = [
        row.name,
        formatNumber(row.value),
        row.unit,
        row.baseline === undefined ? '' : formatNumber(row.baseline.value),
        ratio,
      ];
      return goals ? [...cells, row.goal ?? ''] : cells;
    });
    const header = ['measure', 'value', 'unit', 'baseline', 'ratio', ...(goals ? ['goal'] : [])];
    const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
    const render = (cells: readonly string[]): string => `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
    lines.push(`\n## ${section.title}\n`, render(header), render(widths.map((width) => '-'.repeat(width))));
    for (const row of rows) lines.push(render(row));
    for (const note of section.notes ?? []) lines.push(`  ${note}`);
  }
  return lines.join('\n');
}

function formatNumber(value: number): string {
  if (Math.abs(value) >= 1000) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(3);
}
