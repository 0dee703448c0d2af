import { describe, expect, it } from 'vitest';
import { stableJson } from '../../core/stable-json.js';

describe('stableJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(stableJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(stableJson({ a: 1, b: 2 })).toBe(stableJson({ b: 2, a: 1 }));
    expect(stableJson([2, 1])).not.toBe(stableJson([1, 2]));
  });

  it('orders keys by code unit, capitals first, and encodes plain values as JSON does', () => {
    expect(stableJson({ b: 0, B: 0, a: 0, aa: 0 })).toBe('{"B":0,"a":0,"aa":0,"b":0}');
    expect(stableJson('x')).toBe('"x"');
    expect(stableJson(null)).toBe('null');
    expect(stableJson({})).toBe('{}');
  });
});
