/**
 * Text helpers of the trajectory viewer: HTML escaping that also neutralises bidirectional
 * control characters, URL paths that survive any folder name, and short numbers.
 */

/**
 * Bidirectional controls (embeddings, overrides, isolates, marks). Left in a page they reorder the
 * text around them (U+202E reverses the rest of a line), so a trajectory could show one thing and
 * contain another.
 */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function codePointName(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

function escapeMarkup(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

/**
 * Escapes text for an HTML text node. Each bidirectional control becomes a visible, inert marker
 * (`<span class="bidi">⟨U+202E⟩</span>`) that shows where it stood and no longer reorders anything.
 */
export function escapeHtml(value: string): string {
  return escapeMarkup(value).replace(BIDI_CONTROLS, (character) => `<span class="bidi">⟨${codePointName(character)}⟩</span>`);
}

/** Escapes text for an HTML attribute value or `<title>`: bidirectional controls become `⟨U+202E⟩`. */
export function escapeAttribute(value: string): string {
  return escapeMarkup(value).replace(BIDI_CONTROLS, (character) => `⟨${codePointName(character)}⟩`);
}

/**
 * A relative path as a URL: each segment percent-encoded (`run #1 50%` → `run%20%231%2050%25`),
 * `/` kept as the separator, Windows separators turned into `/`.
 */
export function urlPath(path: string): string {
  return path
    .split(/[\\/]/)
    .map((segment) => (segment === '..' || segment === '.' ? segment : encodeURIComponent(segment)))
    .join('/');
}

/** A number for people: at most `decimals` decimals, no trailing zeros, no float noise (`-0.23`). */
export function shortNumber(value: number, decimals = 3): string {
  if (!Number.isFinite(value)) return String(value);
  const rounded = Number(value.toFixed(decimals));
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

/** A share in [0, 1] as a percentage with one decimal. */
export function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}
