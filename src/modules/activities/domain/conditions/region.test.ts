import { describe, expect, it } from 'vitest';
import { normaliseRegion } from './region.js';

describe('normaliseRegion', () => {
  it.each([
    ['上海市', '上海'],
    ['上海', '上海'],
    ['广东省', '广东'],
    ['广西壮族自治区', '广西'],
    ['宁夏回族自治区', '宁夏'],
    ['新疆维吾尔自治区', '新疆'],
    ['内蒙古自治区', '内蒙古'],
    ['西藏自治区', '西藏'],
    ['香港特别行政区', '香港'],
    ['澳门特别行政区', '澳门'],
    [' 深圳市 ', '深圳'],
    ['市', '市'],
    ['', ''],
    ['Shanghai', 'Shanghai'],
  ])('%s → %s', (name, normalised) => {
    expect(normaliseRegion(name)).toBe(normalised);
  });

  it('drops one suffix only', () => {
    expect(normaliseRegion('市市')).toBe('市');
  });
});
