/**
 * Anti-aliased polygon coverage by signed area. Each edge of a closed polygon adds, in every pixel
 * row it crosses, the exact area of the row to its right, as differences along the row; a running
 * sum along the row then gives each pixel's winding coverage, and its magnitude clamped to 1 is the
 * non-zero fill rule's coverage. Shapes built from several pieces of one orientation (a stroke's
 * segments and round joins) therefore paint as their union, and a piece of the opposite orientation
 * (the hole of a ring) cuts itself out.
 *
 * Plain arithmetic on doubles, so the same shapes give the same coverage on every machine.
 */

/** A closed polygon: x, y pairs in pixels (y down); the last point joins the first. */
export type Polygon = readonly number[];

/** An RGB colour, 0..255 a channel. */
export type Colour = readonly [number, number, number];

/** Coverage smaller than this leaves a pixel as it is. */
const INVISIBLE = 1 / 1024;

/**
 * Row differences of the shape being painted, shared by every canvas (painting is synchronous and
 * leaves the cells zero), so a long run allocates them once instead of once per image.
 */
let sharedCells = new Float64Array(0);

/**
 * A coverage buffer over a canvas of RGB pixels. {@link fill} paints one shape (any number of
 * polygons, non-zero rule) in one colour over the pixels, in painting order.
 */
export class CoverageCanvas {
  readonly width: number;
  readonly height: number;
  /** RGB bytes, rows top to bottom. */
  readonly pixels: Uint8Array;
  /** Row differences of the shape being painted: `columns + 1` cells a row of its box. */
  private cells = sharedCells;
  private left = 0;
  private top = 0;
  private columns = 0;
  private rows = 0;

  constructor(width: number, height: number, pixels: Uint8Array = new Uint8Array(width * height * 3)) {
    if (pixels.length !== width * height * 3) {
      throw new RangeError(`A ${width} x ${height} RGB canvas needs ${width * height * 3} bytes, got ${pixels.length}.`);
    }
    this.width = width;
    this.height = height;
    this.pixels = pixels;
  }

  /** Paints the union of `polygons` (non-zero winding) in `colour`, anti-aliased. */
  fill(polygons: readonly Polygon[], colour: Colour): void {
    if (!this.open(polygons)) return;
    for (const polygon of polygons) {
      const count = polygon.length >> 1;
      for (let index = 0; index < count; index += 1) {
        const next = index + 1 === count ? 0 : index + 1;
        this.edge(
          (polygon[2 * index] as number) - this.left,
          (polygon[2 * index + 1] as number) - this.top,
          (polygon[2 * next] as number) - this.left,
          (polygon[2 * next + 1] as number) - this.top,
        );
      }
    }
    this.paint(colour);
  }

  /**
   * Paints the union of `polygons` (non-zero winding) in `colour`, for pieces that overlap (a
   * stroke's segments, joins and caps): {@link fill} sums overlapping pieces along their
   * anti-aliased edges, where this takes each point once. Coverage is exact along a row and sampled
   * on {@link SUBROWS} lines down each pixel, as cairo samples its rows.
   */
  fillUnion(polygons: readonly Polygon[], colour: Colour): void {
    if (polygons.length === 1) {
      this.fill(polygons, colour);
      return;
    }
    if (!this.open(polygons)) return;
    const edges = unionEdges(polygons, this.left, this.top);
    const cells = this.cells;
    const stride = this.columns + 1;
    const weight = 1 / SUBROWS;
    const active: number[] = [];
    const crossings: number[] = [];
    let next = 0;
    for (let row = 0; row < this.rows; row += 1) {
      for (let line = 0; line < SUBROWS; line += 1) {
        const y = row + (line + 0.5) / SUBROWS;
        while (next < edges.count && (edges.top[edges.order[next] as number] as number) <= y) active.push(edges.order[next++] as number);
        crossings.length = 0;
        let kept = 0;
        for (const edge of active) {
          if ((edges.bottom[edge] as number) <= y) continue;
          active[kept++] = edge;
          crossings.push(
            (edges.x[edge] as number) + (y - (edges.top[edge] as number)) * (edges.slope[edge] as number),
            edges.direction[edge] as number,
          );
        }
        active.length = kept;
        sortCrossings(crossings);
        let winding = 0;
        let start = 0;
        for (let index = 0; index < crossings.length; index += 2) {
          const x = crossings[index] as number;
          const before = winding;
          winding += crossings[index + 1] as number;
          if (before === 0 && winding !== 0) start = x;
          else if (before !== 0 && winding === 0) addInterval(cells, row * stride, this.columns, start, x, weight);
        }
      }
    }
    this.paint(colour);
  }

  /**
   * Paints the axis-aligned rectangle (x1, y1)–(x2, y2) in `colour`: the same pixels as
   * {@link fill} of its polygon, with each pixel's coverage worked out directly.
   */
  fillRectangle(x1: number, y1: number, x2: number, y2: number, colour: Colour): void {
    const left = Math.max(0, Math.min(x1, x2));
    const right = Math.min(this.width, Math.max(x1, x2));
    const top = Math.max(0, Math.min(y1, y2));
    const bottom = Math.min(this.height, Math.max(y1, y2));
    if (right <= left || bottom <= top) return;
    const pixels = this.pixels;
    const firstColumn = Math.floor(left);
    const lastColumn = Math.ceil(right);
    // Columns wholly inside the rectangle share their row's coverage; only the two edge columns differ.
    const innerFirst = Math.ceil(left);
    const innerEnd = Math.floor(right);
    for (let row = Math.floor(top); row < bottom; row += 1) {
      const rowCoverage = Math.min(bottom, row + 1) - Math.max(top, row);
      const rowStart = row * this.width;
      if (innerFirst > innerEnd) {
        this.blendPixel(rowStart + firstColumn, colour, rowCoverage * (right - left));
        continue;
      }
      if (firstColumn < innerFirst) this.blendPixel(rowStart + firstColumn, colour, rowCoverage * (innerFirst - left));
      if (rowCoverage > 1 - INVISIBLE) {
        const start = (rowStart + innerFirst) * 3;
        const end = (rowStart + innerEnd) * 3;
        if (end > start) {
          pixels[start] = colour[0];
          pixels[start + 1] = colour[1];
          pixels[start + 2] = colour[2];
          // Doubling copies fill the run from its first pixel.
          for (let filled = 3; start + filled < end; filled *= 2)
            pixels.copyWithin(start + filled, start, Math.min(start + 2 * filled, end) - filled);
        }
      } else {
        for (let column = innerFirst; column < innerEnd; column += 1) this.blendPixel(rowStart + column, colour, rowCoverage);
      }
      if (innerEnd < lastColumn) this.blendPixel(rowStart + innerEnd, colour, rowCoverage * (right - innerEnd));
    }
  }

  /** Blends `colour` over pixel `index` by `coverage`. */
  private blendPixel(index: number, [red, green, blue]: Colour, coverage: number): void {
    if (coverage < INVISIBLE) return;
    const pixels = this.pixels;
    const at = index * 3;
    if (coverage > 1 - INVISIBLE) {
      pixels[at] = red;
      pixels[at + 1] = green;
      pixels[at + 2] = blue;
      return;
    }
    pixels[at] = blend(pixels[at] as number, red, coverage);
    pixels[at + 1] = blend(pixels[at + 1] as number, green, coverage);
    pixels[at + 2] = blend(pixels[at + 2] as number, blue, coverage);
  }

  /** Sets the box of the next shape to its polygons' bounds on the canvas; false when nothing shows. */
  private open(polygons: readonly Polygon[]): boolean {
    let minX = Number.POSITIVE_INFINITY;
    let minY = Number.POSITIVE_INFINITY;
    let maxX = Number.NEGATIVE_INFINITY;
    let maxY = Number.NEGATIVE_INFINITY;
    for (const polygon of polygons) {
      for (let index = 0; index + 1 < polygon.length; index += 2) {
        const x = polygon[index] as number;
        const y = polygon[index + 1] as number;
        if (!Number.isFinite(x) || !Number.isFinite(y)) throw new RangeError(`Polygon point (${x}, ${y}) is not finite.`);
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
    this.left = Math.max(0, Math.floor(minX));
    this.top = Math.max(0, Math.floor(minY));
    const right = Math.min(this.width, Math.ceil(maxX));
    const bottom = Math.min(this.height, Math.ceil(maxY));
    if (right <= this.left || bottom <= this.top) return false;
    this.columns = right - this.left;
    this.rows = bottom - this.top;
    const needed = (this.columns + 1) * this.rows;
    if (sharedCells.length < needed) sharedCells = new Float64Array(needed);
    this.cells = sharedCells;
    return true;
  }

  /** Adds the edge (x0, y0) → (x1, y1), in box coordinates, row by row. */
  private edge(x0: number, y0: number, x1: number, y1: number): void {
    if (y0 === y1) return;
    const direction = y0 < y1 ? 1 : -1;
    const [upperX, upperY, lowerX, lowerY] = y0 < y1 ? [x0, y0, x1, y1] : [x1, y1, x0, y0];
    const slope = (lowerX - upperX) / (lowerY - upperY);
    const first = Math.max(0, Math.floor(upperY));
    const last = Math.min(this.rows, Math.ceil(lowerY));
    for (let row = first; row < last; row += 1) {
      const from = Math.max(upperY, row);
      const to = Math.min(lowerY, row + 1);
      if (to <= from) continue;
      this.span(row, upperX + (from - upperY) * slope, upperX + (to - upperY) * slope, (to - from) * direction);
    }
  }

  /**
   * Adds a straight piece of edge inside one row, running from x `a` to x `b` over `height` of the
   * row (signed by direction): each pixel it crosses gets the area right of it, and the pixel after
   * gets the rest, so the running sum is `height` past the piece. Parts left of the box count at
   * its first column; parts right of it do not show.
   */
  private span(row: number, a: number, b: number, height: number): void {
    const cells = this.cells;
    const base = row * (this.columns + 1);
    const low = Math.min(a, b);
    const high = Math.max(a, b);
    if (high <= 0) {
      cells[base] = (cells[base] as number) + height;
      return;
    }
    if (low >= this.columns) return;
    const column = Math.floor(low);
    if (high - low < 1e-9 || high <= column + 1) {
      const area = height * (column + 1 - (low + high) / 2);
      cells[base + column] = (cells[base + column] as number) + area;
      cells[base + column + 1] = (cells[base + column + 1] as number) + height - area;
      return;
    }
    const perX = height / (high - low);
    let start = low;
    if (low < 0) {
      cells[base] = (cells[base] as number) + -low * perX;
      start = 0;
    }
    const end = Math.min(high, this.columns);
    for (let x = Math.floor(start); x < end; x += 1) {
      const from = Math.max(start, x);
      const to = Math.min(high, x + 1);
      if (to <= from) continue;
      const part = (to - from) * perX;
      const area = part * (x + 1 - (from + to) / 2);
      cells[base + x] = (cells[base + x] as number) + area;
      cells[base + x + 1] = (cells[base + x + 1] as number) + part - area;
    }
  }

  /** Blends `colour` over the box by the summed coverage, and clears the cells for the next shape. */
  private paint(colour: Colour): void {
    const cells = this.cells;
    const stride = this.columns + 1;
    for (let row = 0; row < this.rows; row += 1) {
      const base = row * stride;
      const first = (this.top + row) * this.width + this.left;
      let sum = 0;
      for (let column = 0; column < this.columns; column += 1) {
        sum += cells[base + column] as number;
        cells[base + column] = 0;
        this.blendPixel(first + column, colour, Math.min(1, Math.abs(sum)));
      }
      cells[base + this.columns] = 0;
    }
  }
}

/** Lines sampled down each pixel row by {@link CoverageCanvas.fillUnion}. */
const SUBROWS = 16;

/** Edges of polygons for a scanline sweep, in box coordinates, ordered by their top. */
interface UnionEdges {
  readonly count: number;
  readonly order: Int32Array;
  readonly x: Float64Array;
  readonly top: Float64Array;
  readonly bottom: Float64Array;
  readonly slope: Float64Array;
  readonly direction: Int8Array;
}

function unionEdges(polygons: readonly Polygon[], left: number, top: number): UnionEdges {
  let total = 0;
  for (const polygon of polygons) total += polygon.length >> 1;
  const x = new Float64Array(total);
  const tops = new Float64Array(total);
  const bottom = new Float64Array(total);
  const slope = new Float64Array(total);
  const direction = new Int8Array(total);
  let count = 0;
  for (const polygon of polygons) {
    const points = polygon.length >> 1;
    for (let index = 0; index < points; index += 1) {
      const following = index + 1 === points ? 0 : index + 1;
      const x0 = (polygon[2 * index] as number) - left;
      const y0 = (polygon[2 * index + 1] as number) - top;
      const x1 = (polygon[2 * following] as number) - left;
      const y1 = (polygon[2 * following + 1] as number) - top;
      if (y0 === y1) continue;
      const down = y0 < y1;
      x[count] = down ? x0 : x1;
      tops[count] = down ? y0 : y1;
      bottom[count] = down ? y1 : y0;
      slope[count] = (x1 - x0) / (y1 - y0);
      direction[count] = down ? 1 : -1;
      count += 1;
    }
  }
  const order = Int32Array.from({ length: count }, (_, index) => index).sort((a, b) => (tops[a] as number) - (tops[b] as number) || a - b);
  return { count, order, x, top: tops, bottom, slope, direction };
}

/** Sorts (x, direction) pairs by x, in place: insertion sort, as a row crosses few edges. */
function sortCrossings(pairs: number[]): void {
  for (let index = 2; index < pairs.length; index += 2) {
    const x = pairs[index] as number;
    const direction = pairs[index + 1] as number;
    let at = index - 2;
    while (at >= 0 && (pairs[at] as number) > x) {
      pairs[at + 2] = pairs[at] as number;
      pairs[at + 3] = pairs[at + 1] as number;
      at -= 2;
    }
    pairs[at + 2] = x;
    pairs[at + 3] = direction;
  }
}

/**
 * Adds `weight` of coverage over x in [from, to) of a row, as differences starting at `base`:
 * the pixels it ends in get their covered fraction. Parts outside [0, columns) do not show.
 */
function addInterval(cells: Float64Array, base: number, columns: number, from: number, to: number, weight: number): void {
  const start = Math.max(0, from);
  const end = Math.min(columns, to);
  if (end <= start) return;
  const first = Math.floor(start);
  const last = Math.min(columns - 1, Math.floor(end));
  cells[base + first] = (cells[base + first] as number) + weight * (first + 1 - start);
  cells[base + first + 1] = (cells[base + first + 1] as number) + weight * (start - first);
  cells[base + last] = (cells[base + last] as number) - weight * (last + 1 - end);
  cells[base + last + 1] = (cells[base + last + 1] as number) - weight * (end - last);
}

/** `below` covered by `above` over `coverage` of the pixel, rounded to the nearest level. */
function blend(below: number, above: number, coverage: number): number {
  return Math.round(below + (above - below) * coverage);
}
