import { describe, expect, it } from 'vitest';
import {
  goldFromLabel,
  isNumericLabel,
  normalizeAnswer,
  parseNumber,
  RELAXED_TOLERANCE,
  relaxedAccuracy,
  relaxedNumber,
  scoreAnswer,
} from '../../envs/chart/score.js';

describe('parseNumber', () => {
  it.each<[string, number]>([
    ['12,345', 12345],
    ['1,234,567', 1234567],
    ['.5', 0.5],
    ['-.5', -0.5],
    ['+7', 7],
    ['\u22123.5', -3.5],
    ['\u2212.25', -0.25],
    ['-$5', -5],
    ['\u2212€1,200', -1200],
    ['$1,234.5 million', 1234.5],
    ['45%', 45],
    ['from 35 to 42, a rise of 7', 7],
    ['0', 0],
    ['about 1,000.75 units', 1000.75],
    ['ratio:.5', 0.5],
    ['x.25', 0.25],
  ])('reads %s as %d', (text, value) => {
    expect(parseNumber(text)).toBe(value);
  });

  it('finds nothing in words, and nothing finite in a 400-digit run', () => {
    expect(parseNumber('none')).toBeUndefined();
    expect(parseNumber('')).toBeUndefined();
    expect(parseNumber('9'.repeat(400))).toBeUndefined();
  });
});

describe('isNumericLabel', () => {
  it.each(['12,345', '1,234,567', '1.25', '12,345.678', '.5', '-.5', '+3', '\u22125', '$3.5', '€ 12', '45 %', '  2021  ', '-$5'])(
    'takes %s as a number',
    (label) => {
      expect(isNumericLabel(label)).toBe(true);
    },
  );

  it.each(['Q1 2021', '2021 Q1', 'abc', '', '%', '$', '-', '1,23', '12,3456', '1.2.3', 'x5', '5x', '5 5'])(
    'takes %s as a name',
    (label) => {
      expect(isNumericLabel(label)).toBe(false);
    },
  );
});

describe('gold labels', () => {
  it('reads numeric labels as numbers and others as trimmed names', () => {
    expect(goldFromLabel(' 12,345 ')).toEqual({ type: 'number', value: 12345, text: '12,345' });
    expect(goldFromLabel('\u22125')).toEqual({ type: 'number', value: -5, text: '\u22125' });
    expect(goldFromLabel(' Q1 2021 ')).toEqual({ type: 'name', text: 'Q1 2021', aliases: [] });
    // numeric in form, but beyond any finite number: kept as a name
    expect(goldFromLabel('9'.repeat(400))).toEqual({ type: 'name', text: '9'.repeat(400), aliases: [] });
  });

  it('scores text labels that hold digits exactly', () => {
    expect(relaxedAccuracy('Q2 2021', 'Q1 2021')).toBe(0);
    expect(relaxedAccuracy('Q1 2021', 'Q1 2021')).toBe(1);
    expect(relaxedAccuracy('2021', 'Q1 2021')).toBe(0);
  });

  it('scores the number forms relaxed', () => {
    expect(relaxedAccuracy('12345', '12,345')).toBe(1);
    expect(relaxedAccuracy('1234567', '1,234,567')).toBe(1);
    expect(relaxedAccuracy('1,300,000', '1,234,567')).toBe(0);
    expect(relaxedAccuracy('0.5', '.5')).toBe(1);
    expect(relaxedAccuracy('-5', '\u22125')).toBe(1);
    expect(relaxedAccuracy('\u22125', '-5')).toBe(1);
    expect(relaxedAccuracy('5', '\u22125')).toBe(0);
  });
});

describe('relaxed numbers', () => {
  it('accept within 5% of the gold, ends included, either sign', () => {
    expect(RELAXED_TOLERANCE).toBe(0.05);
    expect(relaxedNumber(105, 100)).toBe(1);
    expect(relaxedNumber(95, 100)).toBe(1);
    expect(relaxedNumber(105.01, 100)).toBe(0);
    expect(relaxedNumber(94.99, 100)).toBe(0);
    expect(relaxedNumber(-95, -100)).toBe(1);
    expect(relaxedNumber(-106, -100)).toBe(0);
    expect(relaxedNumber(0, 0)).toBe(1);
    expect(relaxedNumber(0.001, 0)).toBe(0);
    expect(relaxedNumber(110, 100, 0.1)).toBe(1);
    expect(relaxedNumber(111, 100, 0.1)).toBe(0);
    expect(relaxedAccuracy('110', '100', 0.1)).toBe(1);
    expect(scoreAnswer('110', { type: 'number', value: 100, text: '100' }, 0.1)).toBe(1);
    expect(scoreAnswer('110', { type: 'number', value: 100, text: '100' })).toBe(0);
  });

  it('score an answer without a number as wrong', () => {
    expect(scoreAnswer('no idea', { type: 'number', value: 0, text: '0' })).toBe(0);
    expect(scoreAnswer('no idea', { type: 'number', value: 5, text: '5' })).toBe(0);
    expect(scoreAnswer('0', { type: 'number', value: 0, text: '0' })).toBe(1);
    expect(relaxedNumber(Number.NaN, 5)).toBe(0);
  });
});

describe('names', () => {
  it('normalise case, spaces, quotes and trailing punctuation', () => {
    expect(normalizeAnswer('  "Hello   World!"  ')).toBe('hello world');
    expect(normalizeAnswer('\u201cLaptops\u201d.')).toBe('laptops');
    expect(normalizeAnswer("'yes'?!")).toBe('yes');
    expect(normalizeAnswer('`a.b`')).toBe('a.b');
    expect(normalizeAnswer('Tab\tand\nline')).toBe('tab and line');
    expect(normalizeAnswer('end ;')).toBe('end');
  });

  it('accept the gold text or any alias', () => {
    const gold = { type: 'name', text: 'Increase', aliases: ['increased', 'rising'] } as const;
    expect(scoreAnswer('increase', gold)).toBe(1);
    expect(scoreAnswer('Rising.', gold)).toBe(1);
    expect(scoreAnswer('decrease', gold)).toBe(0);
  });
});
