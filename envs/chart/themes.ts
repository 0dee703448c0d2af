import type { Random } from '../../core/random.js';

/**
 * Vocabularies charts are drawn from: what the categories are, what is measured, and how the
 * series are named. All data is synthetic; names only make the charts read like real ones.
 */

/** A kind of category axis: years, countries, products… */
export interface Theme {
  readonly id: string;
  /** Singular noun for one category, used in questions ("Which year…"). */
  readonly noun: string;
  /** Plural of `noun` ("How many countries…"). */
  readonly plural: string;
  /** Preposition before a category in questions ("in 2019", "for Laptops"). */
  readonly preposition: 'in' | 'for' | 'on';
  /** Whether categories have a natural order (time), which line charts need. */
  readonly ordered: boolean;
  /** Whether parts of a whole make sense (pie charts). */
  readonly partsOfWhole: boolean;
  /** `count` categories, in display order. */
  categories(random: Random, count: number): string[];
  /** Largest number of categories the theme can give. */
  readonly maxCount: number;
}

/** What the values measure. */
export interface Measure {
  readonly id: string;
  /** Noun phrase used in questions ("the revenue"). */
  readonly name: string;
  /** Value axis title. */
  readonly axisTitle: string;
  /** Printed before values ("$"). */
  readonly prefix: string;
  /** Printed after values ("%"). */
  readonly suffix: string;
  /** Range of the axis top to draw from. */
  readonly top: readonly [number, number];
  /** Title templates; `{noun}` is the category noun, `{first}`/`{last}` the first and last categories. */
  readonly titles: readonly string[];
  /** Theme ids it fits. */
  readonly themes: readonly string[];
}

const YEARS_START = [2004, 2006, 2008, 2010, 2012, 2014, 2015, 2016];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function consecutive(list: readonly string[]) {
  return (random: Random, count: number): string[] => {
    const start = random.int(0, list.length - count);
    return list.slice(start, start + count);
  };
}

function chosen(list: readonly string[]) {
  return (random: Random, count: number): string[] => {
    const picked = new Set(random.sample(list, count));
    return list.filter((item) => picked.has(item));
  };
}

function shuffled(list: readonly string[]) {
  return (random: Random, count: number): string[] => random.sample(list, count);
}

/** All category themes. */
export const THEMES: readonly Theme[] = [
  {
    id: 'years',
    noun: 'year',
    plural: 'years',
    preposition: 'in',
    ordered: true,
    partsOfWhole: false,
    maxCount: 12,
    categories: (random, count) => {
      const start = Math.min(random.pick(YEARS_START) + random.int(0, 2), 2024 - count + 1);
      return Array.from({ length: count }, (_, index) => String(start + index));
    },
  },
  {
    id: 'months',
    noun: 'month',
    plural: 'months',
    preposition: 'in',
    ordered: true,
    partsOfWhole: false,
    maxCount: 12,
    categories: consecutive(MONTHS),
  },
  {
    id: 'quarters',
    noun: 'quarter',
    plural: 'quarters',
    preposition: 'in',
    ordered: true,
    partsOfWhole: false,
    maxCount: 12,
    categories: (random, count) => {
      const year = random.int(2015, 2021);
      const first = random.int(0, 3);
      return Array.from({ length: count }, (_, index) => `Q${((first + index) % 4) + 1} ${year + Math.floor((first + index) / 4)}`);
    },
  },
  {
    id: 'weekdays',
    noun: 'day',
    plural: 'days',
    preposition: 'on',
    ordered: true,
    partsOfWhole: false,
    maxCount: 7,
    categories: consecutive(WEEKDAYS),
  },
  {
    id: 'countries',
    noun: 'country',
    plural: 'countries',
    preposition: 'in',
    ordered: false,
    partsOfWhole: false,
    maxCount: 12,
    categories: chosen([
      'Brazil',
      'Canada',
      'Chile',
      'Egypt',
      'France',
      'Germany',
      'India',
      'Italy',
      'Japan',
      'Kenya',
      'Mexico',
      'Norway',
      'Peru',
      'Poland',
      'Spain',
      'Sweden',
    ]),
  },
  {
    id: 'cities',
    noun: 'city',
    plural: 'cities',
    preposition: 'in',
    ordered: false,
    partsOfWhole: false,
    maxCount: 10,
    categories: shuffled(['Austin', 'Bergen', 'Denver', 'Leeds', 'Lyon', 'Osaka', 'Perth', 'Porto', 'Quebec', 'Turin']),
  },
  {
    id: 'products',
    noun: 'product',
    plural: 'products',
    preposition: 'for',
    ordered: false,
    partsOfWhole: true,
    maxCount: 10,
    categories: shuffled([
      'Laptops',
      'Phones',
      'Tablets',
      'Monitors',
      'Printers',
      'Cameras',
      'Headphones',
      'Speakers',
      'Routers',
      'Keyboards',
    ]),
  },
  {
    id: 'fruits',
    noun: 'fruit',
    plural: 'fruits',
    preposition: 'for',
    ordered: false,
    partsOfWhole: true,
    maxCount: 10,
    categories: shuffled(['Apples', 'Bananas', 'Cherries', 'Grapes', 'Mangoes', 'Oranges', 'Pears', 'Plums', 'Lemons', 'Kiwis']),
  },
  {
    id: 'departments',
    noun: 'department',
    plural: 'departments',
    preposition: 'for',
    ordered: false,
    partsOfWhole: true,
    maxCount: 9,
    categories: shuffled(['Sales', 'Marketing', 'Engineering', 'Finance', 'Support', 'Legal', 'Research', 'Operations', 'Design']),
  },
  {
    id: 'ages',
    noun: 'age group',
    plural: 'age groups',
    preposition: 'for',
    ordered: false,
    partsOfWhole: true,
    maxCount: 6,
    categories: consecutive(['18-24', '25-34', '35-44', '45-54', '55-64', '65+']),
  },
  {
    id: 'transport',
    noun: 'mode of transport',
    plural: 'modes of transport',
    preposition: 'for',
    ordered: false,
    partsOfWhole: true,
    maxCount: 8,
    categories: shuffled(['Car', 'Bus', 'Train', 'Bicycle', 'Walking', 'Tram', 'Ferry', 'Scooter']),
  },
  {
    id: 'energy',
    noun: 'energy source',
    plural: 'energy sources',
    preposition: 'for',
    ordered: false,
    partsOfWhole: true,
    maxCount: 8,
    categories: shuffled(['Coal', 'Gas', 'Nuclear', 'Wind', 'Solar', 'Hydro', 'Biomass', 'Oil']),
  },
];

const TIME = ['years', 'months', 'quarters', 'weekdays'];
const PLACES = ['countries', 'cities'];
const GOODS = ['products', 'fruits'];

/** All measures. */
export const MEASURES: readonly Measure[] = [
  {
    id: 'revenue',
    name: 'revenue',
    axisTitle: 'Revenue (million USD)',
    prefix: '$',
    suffix: '',
    top: [20, 5000],
    titles: ['Revenue by {noun}', 'Revenue, {first} to {last}', 'Company revenue (million USD)'],
    themes: [...TIME, ...GOODS, 'departments'],
  },
  {
    id: 'visitors',
    name: 'number of visitors',
    axisTitle: 'Visitors (thousands)',
    prefix: '',
    suffix: '',
    top: [10, 2000],
    titles: ['Visitors by {noun}', 'Number of visitors', 'Museum visitors, {first} to {last}'],
    themes: [...TIME, ...PLACES],
  },
  {
    id: 'units',
    name: 'number of units sold',
    axisTitle: 'Units sold',
    prefix: '',
    suffix: '',
    top: [100, 10000],
    titles: ['Units sold by {noun}', 'Sales volume', 'Units sold, {first} to {last}'],
    themes: [...TIME, ...GOODS, ...PLACES],
  },
  {
    id: 'price',
    name: 'average price',
    axisTitle: 'Average price (USD)',
    prefix: '$',
    suffix: '',
    top: [2, 500],
    titles: ['Average price by {noun}', 'Average selling price'],
    themes: [...TIME, ...GOODS, ...PLACES],
  },
  {
    id: 'rate',
    name: 'unemployment rate',
    axisTitle: 'Unemployment rate (%)',
    prefix: '',
    suffix: '%',
    top: [5, 30],
    titles: ['Unemployment rate by {noun}', 'Unemployment rate, {first} to {last}'],
    themes: [...TIME, ...PLACES, 'ages'],
  },
  {
    id: 'rainfall',
    name: 'rainfall',
    axisTitle: 'Rainfall (mm)',
    prefix: '',
    suffix: '',
    top: [20, 400],
    titles: ['Monthly rainfall', 'Rainfall by {noun} (mm)'],
    themes: ['months', 'weekdays', 'cities'],
  },
  {
    id: 'share',
    name: 'share of respondents',
    axisTitle: 'Share of respondents (%)',
    prefix: '',
    suffix: '%',
    top: [20, 100],
    titles: ['Share of respondents by {noun}', 'Survey: preferred {noun}', 'Respondents who agree, by {noun}'],
    themes: [...GOODS, 'ages', 'transport', 'energy', 'departments', ...PLACES],
  },
  {
    id: 'employees',
    name: 'number of employees',
    axisTitle: 'Employees',
    prefix: '',
    suffix: '',
    top: [50, 600],
    titles: ['Employees by {noun}', 'Headcount by {noun}'],
    themes: ['departments', ...PLACES, ...TIME],
  },
  {
    id: 'score',
    name: 'satisfaction score',
    axisTitle: 'Satisfaction score (0-10)',
    prefix: '',
    suffix: '',
    top: [4, 10],
    titles: ['Customer satisfaction by {noun}', 'Average satisfaction score'],
    themes: [...GOODS, 'departments', 'transport', ...TIME, ...PLACES],
  },
  {
    id: 'output',
    name: 'electricity generated',
    axisTitle: 'Electricity (TWh)',
    prefix: '',
    suffix: '',
    top: [10, 800],
    titles: ['Electricity generation by {noun}', 'Power output (TWh)'],
    themes: ['energy', ...TIME, ...PLACES],
  },
  {
    id: 'trips',
    name: 'number of trips',
    axisTitle: 'Trips (millions)',
    prefix: '',
    suffix: '',
    top: [5, 400],
    titles: ['Trips by {noun}', 'Passenger trips (millions)'],
    themes: ['transport', ...TIME, ...PLACES],
  },
];

/** Series name sets for charts with several series. */
export const SERIES_SETS: readonly (readonly string[])[] = [
  ['Online', 'In store', 'Phone'],
  ['Men', 'Women'],
  ['North', 'South', 'East', 'West'],
  ['Urban', 'Rural'],
  ['Domestic', 'International'],
  ['Product A', 'Product B', 'Product C', 'Product D'],
  ['Team Alpha', 'Team Beta', 'Team Gamma'],
  ['2021', '2022', '2023'],
  ['Plan', 'Actual'],
  ['Morning', 'Afternoon', 'Evening'],
  ['Brand X', 'Brand Y', 'Brand Z'],
  ['Group 1', 'Group 2', 'Group 3', 'Group 4'],
];

/** Colour palettes (hex), each with at least eight distinct colours. */
export const PALETTES: readonly (readonly string[])[] = [
  ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f'],
  ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#17becf'],
  ['#003f5c', '#ffa600', '#bc5090', '#7a9e3d', '#ff6361', '#58508d', '#2a9d8f', '#8c564b', '#e9c46a'],
  ['#8c510a', '#01665e', '#dfc27d', '#5ab4ac', '#c51b7d', '#4d9221', '#762a83', '#e08214', '#2166ac'],
  ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#9a6324', '#469990'],
  ['#66c2a5', '#fc8d62', '#8da0cb', '#e78ac3', '#a6d854', '#e5c494', '#b3b3b3', '#ffd92f', '#a65628'],
  ['#2e4057', '#048ba8', '#f18f01', '#99c24d', '#c1292e', '#6d597a', '#b56576', '#ffd166', '#eaac8b'],
];
