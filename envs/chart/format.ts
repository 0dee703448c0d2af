/** Number formatting shared by the renderer, the question generator and the scorer. */

/**
 * Writes `value` with exactly `decimals` decimals, optionally grouping thousands with commas.
 * Pure string arithmetic on the rounded value, so it is the same on every platform and locale.
 */
export function formatNumber(value: number, decimals: number, thousands = false): string {
  const fixed = Math.abs(value).toFixed(decimals);
  const [whole = '0', fraction] = fixed.split('.');
  const grouped = thousands ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : whole;
  const sign = value < 0 && Number(fixed) !== 0 ? '-' : '';
  return `${sign}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** Writes an answer number: at most `maxDecimals` decimals, trailing zeros dropped, no grouping. */
export function formatAnswerNumber(value: number, maxDecimals = 2): string {
  const rounded = roundTo(value, maxDecimals);
  return String(Object.is(rounded, -0) ? 0 : rounded);
}

/** `value` rounded to `decimals` decimals (half away from zero on the decimal string). */
export function roundTo(value: number, decimals: number): number {
  return Number(value.toFixed(decimals));
}
