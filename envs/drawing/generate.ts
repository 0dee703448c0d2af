import type { Random } from '../../core/random.js';
import type { PixelBox } from '../../tools/image/scene.js';
import { measureText } from '../../tools/image/text.js';
import { boxesOverlap, type DrawingScene, objectBox, type Point, type Region, type SceneObject, type SceneTheme } from './scene.js';

/**
 * Scene layout: a floor (room or tabletop) with a scale bar, a named region, labelled objects of
 * varied size and unlabelled distractors, placed so that no object, label or bar overlaps another.
 * Questions move objects through {@link Layout.relocate}, which keeps the same rules.
 */

/** Font size of object names, in pixels. */
export const LABEL_SIZE = 14;

interface CatalogItem {
  readonly name: string;
  readonly shape: 'rect' | 'circle';
  /** Size range in scene units: [min, max] of width and height (circles use width). */
  readonly width: readonly [number, number];
  readonly height: readonly [number, number];
}

const ROOM_ITEMS: readonly CatalogItem[] = [
  { name: 'sofa', shape: 'rect', width: [1.6, 2.0], height: [0.7, 0.9] },
  { name: 'armchair', shape: 'rect', width: [0.7, 0.9], height: [0.7, 0.9] },
  { name: 'lamp', shape: 'circle', width: [0.3, 0.45], height: [0, 0] },
  { name: 'coffee table', shape: 'rect', width: [1.0, 1.2], height: [0.5, 0.6] },
  { name: 'round table', shape: 'circle', width: [0.8, 1.0], height: [0, 0] },
  { name: 'desk', shape: 'rect', width: [1.2, 1.4], height: [0.6, 0.7] },
  { name: 'chair', shape: 'rect', width: [0.45, 0.5], height: [0.45, 0.5] },
  { name: 'stool', shape: 'circle', width: [0.35, 0.4], height: [0, 0] },
  { name: 'plant', shape: 'circle', width: [0.4, 0.6], height: [0, 0] },
  { name: 'bookshelf', shape: 'rect', width: [1.0, 1.2], height: [0.3, 0.35] },
  { name: 'tv stand', shape: 'rect', width: [1.2, 1.5], height: [0.4, 0.45] },
  { name: 'ottoman', shape: 'circle', width: [0.5, 0.6], height: [0, 0] },
  { name: 'side table', shape: 'rect', width: [0.45, 0.5], height: [0.45, 0.5] },
  { name: 'piano', shape: 'rect', width: [1.4, 1.5], height: [0.55, 0.6] },
  { name: 'speaker', shape: 'rect', width: [0.3, 0.35], height: [0.3, 0.35] },
  { name: 'bin', shape: 'circle', width: [0.3, 0.35], height: [0, 0] },
  { name: 'heater', shape: 'rect', width: [0.8, 0.9], height: [0.2, 0.25] },
  { name: 'dresser', shape: 'rect', width: [1.0, 1.1], height: [0.5, 0.55] },
  { name: 'fan', shape: 'circle', width: [0.4, 0.5], height: [0, 0] },
  { name: 'basket', shape: 'circle', width: [0.35, 0.45], height: [0, 0] },
];

const TABLE_ITEMS: readonly CatalogItem[] = [
  { name: 'plate', shape: 'circle', width: [20, 26], height: [0, 0] },
  { name: 'bowl', shape: 'circle', width: [14, 18], height: [0, 0] },
  { name: 'cup', shape: 'circle', width: [8, 9], height: [0, 0] },
  { name: 'mug', shape: 'circle', width: [9, 10], height: [0, 0] },
  { name: 'glass', shape: 'circle', width: [7, 8], height: [0, 0] },
  { name: 'jar', shape: 'circle', width: [9, 11], height: [0, 0] },
  { name: 'candle', shape: 'circle', width: [6, 7], height: [0, 0] },
  { name: 'vase', shape: 'circle', width: [11, 13], height: [0, 0] },
  { name: 'apple', shape: 'circle', width: [7, 8], height: [0, 0] },
  { name: 'teapot', shape: 'circle', width: [15, 17], height: [0, 0] },
  { name: 'book', shape: 'rect', width: [15, 17], height: [21, 24] },
  { name: 'notebook', shape: 'rect', width: [14, 15], height: [20, 21] },
  { name: 'phone', shape: 'rect', width: [7, 8], height: [14, 16] },
  { name: 'laptop', shape: 'rect', width: [30, 33], height: [21, 23] },
  { name: 'napkin', shape: 'rect', width: [14, 16], height: [14, 16] },
  { name: 'remote', shape: 'rect', width: [5, 6], height: [17, 19] },
  { name: 'keys', shape: 'rect', width: [6, 7], height: [7, 8] },
  { name: 'tray', shape: 'rect', width: [28, 32], height: [18, 21] },
  { name: 'salt shaker', shape: 'circle', width: [5, 6], height: [0, 0] },
  { name: 'lemon', shape: 'circle', width: [6, 7], height: [0, 0] },
];

const FILLS = [
  '#e6194b',
  '#3cb44b',
  '#4363d8',
  '#f58231',
  '#911eb4',
  '#46a0a0',
  '#c0389a',
  '#8a7a00',
  '#9a6324',
  '#2f4f7f',
  '#c05050',
  '#508050',
  '#7060c0',
  '#d08000',
];
const DISTRACTOR_FILLS = ['#9a9a9a', '#b0a898', '#8c8c9c', '#a89c8c', '#7f8f7f'];

/** Size of the scene: labelled objects and distractors. */
export interface LayoutOptions {
  readonly objects: number;
  readonly distractors: number;
}

/** A scene being built: objects can still move. */
export class Layout {
  readonly theme: SceneTheme;
  readonly width: number;
  readonly height: number;
  readonly unit: 'm' | 'cm';
  readonly scale: number;
  readonly scaleBar: number;
  readonly scaleBarAt: Point;
  readonly floor: PixelBox;
  readonly region: Region;
  objects: SceneObject[] = [];
  distractors: SceneObject[] = [];
  private readonly reserved: PixelBox[];

  constructor(random: Random) {
    this.theme = random.chance(0.5) ? 'room' : 'tabletop';
    this.width = random.int(40, 56) * 16;
    this.height = random.int(30, 42) * 16;
    const wall = this.theme === 'room' ? 12 : 18;
    this.floor = { x1: wall, y1: wall, x2: this.width - wall, y2: this.height - wall };
    this.unit = this.theme === 'room' ? 'm' : 'cm';
    const across = this.theme === 'room' ? random.uniform(6, 9) : random.uniform(90, 140);
    this.scale = (this.floor.x2 - this.floor.x1) / across;
    this.scaleBar = this.theme === 'room' ? 1 : 10;
    this.scaleBarAt = { x: this.floor.x1 + 14, y: this.floor.y2 - 14 };
    const barBox = {
      x1: this.scaleBarAt.x - 6,
      y1: this.scaleBarAt.y - 26,
      x2: this.scaleBarAt.x + this.scaleBar * this.scale + 30,
      y2: this.scaleBarAt.y + 8,
    };
    this.reserved = [barBox];
    const regionWidth = (this.floor.x2 - this.floor.x1) * random.uniform(0.2, 0.32);
    const regionHeight = (this.floor.y2 - this.floor.y1) * random.uniform(0.2, 0.32);
    const x1 = random.uniform(this.floor.x1 + 30, this.floor.x2 - 30 - regionWidth);
    const y1 = random.uniform(this.floor.y1 + 30, this.floor.y2 - 60 - regionHeight);
    this.region = {
      name: this.theme === 'room' ? 'rug' : 'placemat',
      box: { x1, y1, x2: x1 + regionWidth, y2: y1 + regionHeight },
      fill: this.theme === 'room' ? '#c9a0a0' : '#a8c0d8',
    };
    // The region's printed name stays readable: nothing is placed over it.
    const nameWidth = measureText(this.region.name, 'sans', LABEL_SIZE).width;
    this.reserved.push({ x1: x1, y1: y1, x2: x1 + nameWidth + 12, y2: y1 + LABEL_SIZE * 1.5 + 6 });
  }

  /** Places `count` labelled objects at random; false when the floor is too full. */
  placeObjects(random: Random, count: number): boolean {
    const catalog = random.shuffle(this.theme === 'room' ? ROOM_ITEMS : TABLE_ITEMS);
    const fills = random.shuffle(FILLS);
    for (const item of catalog) {
      if (this.objects.length >= count) break;
      const object = this.sized(random, item, fills[this.objects.length % fills.length] as string);
      const placed = this.placeAnywhere(random, object, 200);
      if (placed !== null) this.objects.push(placed);
    }
    return this.objects.length >= count;
  }

  /** Places unlabelled distractors where they fit (fewer when the floor is full). */
  placeDistractors(random: Random, count: number): void {
    for (let index = 0; index < count * 4 && this.distractors.length < count; index += 1) {
      const size = this.theme === 'room' ? random.uniform(0.2, 0.5) * this.scale : random.uniform(3, 8) * this.scale;
      const object: SceneObject = {
        name: '',
        shape: random.chance(0.5) ? 'rect' : 'circle',
        x: 0,
        y: 0,
        width: size,
        height: size * random.uniform(0.6, 1),
        fill: random.pick(DISTRACTOR_FILLS),
      };
      const placed = this.placeAnywhere(random, object.shape === 'circle' ? { ...object, height: object.width } : object, 30);
      if (placed !== null) this.distractors.push(placed);
    }
  }

  /** Moves object `index` to the first candidate point that fits; false when none does. */
  relocate(index: number, candidates: Iterable<Point | null>): boolean {
    const object = this.objects[index];
    if (object === undefined) return false;
    for (const point of candidates) {
      if (point === null) continue;
      const moved = { ...object, x: point.x, y: point.y };
      if (this.fits(moved, index)) {
        this.objects[index] = moved;
        return true;
      }
    }
    return false;
  }

  /** Whether an object fits: on the floor, clear of the others' footprints, the scale bar and its own label room. */
  fits(object: SceneObject, ignore = -1): boolean {
    const footprint = this.footprint(object);
    const inner = { x1: this.floor.x1 + 4, y1: this.floor.y1 + 4, x2: this.floor.x2 - 4, y2: this.floor.y2 - 4 };
    if (footprint.x1 < inner.x1 || footprint.y1 < inner.y1 || footprint.x2 > inner.x2 || footprint.y2 > inner.y2) return false;
    if (this.reserved.some((box) => boxesOverlap(box, footprint, 4))) return false;
    const others = [...this.objects.filter((_, position) => position !== ignore), ...this.distractors];
    return others.every((other) => !boxesOverlap(this.footprint(other), footprint, 8));
  }

  /** The object's box with its name printed below it. */
  footprint(object: SceneObject): PixelBox {
    const box = objectBox(object);
    if (object.name === '') return box;
    const label = labelBox(object);
    return { x1: Math.min(box.x1, label.x1), y1: box.y1, x2: Math.max(box.x2, label.x2), y2: label.y2 };
  }

  /** The finished scene. */
  scene(): DrawingScene {
    return {
      theme: this.theme,
      width: this.width,
      height: this.height,
      unit: this.unit,
      scale: this.scale,
      scaleBar: this.scaleBar,
      scaleBarAt: this.scaleBarAt,
      objects: this.objects,
      distractors: this.distractors,
      region: this.region,
      floor: this.floor,
    };
  }

  private sized(random: Random, item: CatalogItem, fill: string): SceneObject {
    const width = random.uniform(item.width[0], item.width[1]) * this.scale;
    const height = item.shape === 'circle' ? width : random.uniform(item.height[0], item.height[1]) * this.scale;
    const turned = item.shape === 'rect' && random.chance(0.4);
    return {
      name: item.name,
      shape: item.shape,
      x: 0,
      y: 0,
      width: Math.max(10, turned ? height : width),
      height: Math.max(10, turned ? width : height),
      fill,
    };
  }

  private placeAnywhere(random: Random, object: SceneObject, tries: number): SceneObject | null {
    for (let attempt = 0; attempt < tries; attempt += 1) {
      const moved = {
        ...object,
        x: random.uniform(this.floor.x1 + object.width / 2, this.floor.x2 - object.width / 2),
        y: random.uniform(this.floor.y1 + object.height / 2, this.floor.y2 - object.height / 2),
      };
      if (this.fits(moved)) return moved;
    }
    return null;
  }
}

/** Where an object's name is printed: centred under it. */
export function labelBox(object: SceneObject): PixelBox {
  const width = measureText(object.name, 'sans-bold', LABEL_SIZE).width + 6;
  const top = object.y + object.height / 2 + 3;
  return { x1: object.x - width / 2, y1: top, x2: object.x + width / 2, y2: top + LABEL_SIZE * 1.3 };
}
