import { escapeAttribute } from './text.js';

/**
 * The viewer's stylesheet. Images show at their natural size up to the column width, scaled down
 * smoothly; only enlarged small grid images are pixelated. Long unbroken tokens wrap anywhere.
 */
export const VIEWER_CSS = `
*{box-sizing:border-box}
body{font-family:system-ui,sans-serif;margin:1rem auto;padding:0 1rem;max-width:72rem;overflow-wrap:anywhere;line-height:1.4}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f6f6;padding:.5rem;margin:.25rem 0}
div.table{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.5rem 0;overflow-wrap:normal}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top}
td.text{overflow-wrap:anywhere;min-width:8rem;max-width:24rem}
td.number,th.number{text-align:right}tr.overall td{font-weight:600;background:#f0f4f8}
.ok{color:#070}.bad{color:#a00}.note{color:#555}
.step{border-left:3px solid #79c;padding-left:.8rem;margin:1rem 0}.step.invalid{border-color:#d55}.step.invalid h4{color:#a00}
.model pre{background:#eef4ff}
section.episode{border-top:2px solid #333;margin-top:2rem}
a.image{display:inline-block;max-width:100%;vertical-align:top}
img{max-width:100%;height:auto;border:1px solid #aaa;margin:.25rem;image-rendering:auto}
img.grid{image-rendering:pixelated}
.bidi{color:#a00;background:#fee;font-family:monospace;font-size:.85em}
details.fold{margin:1rem 0;border:1px dashed #aaa;padding:.3rem .8rem}details.fold>summary{cursor:pointer;color:#246}
nav.pages{display:flex;gap:1rem;margin:.5rem 0}
.charts{display:flex;flex-wrap:wrap;gap:1rem}.charts figure{margin:0;max-width:100%}
`;

/** A complete HTML document around `body` (already HTML), with charset, viewport and the viewer stylesheet; `title` is plain text. */
export function pageHtml(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeAttribute(title)}</title><style>${VIEWER_CSS}</style></head><body>
${body}
</body></html>
`;
}
