import { describe, it, expect } from 'vitest';
import { PROVINCE_NAMES, regionName, taxRegionName } from './regions.js';

describe('regionName', () => {
  it.each([
    ['11', '北京'],
    ['15', '内蒙古'],
    ['31', '上海'],
    ['32', '江苏'],
    ['33', '浙江'],
    ['35', '福建'],
    ['43', '湖南'],
    ['44', '广东'],
    ['50', '重庆'],
    ['65', '新疆'],
    ['71', '台湾'],
    ['81', '香港'],
    ['82', '澳门'],
  ])('%s → %s', (code, name) => {
    expect(regionName(code)).toBe(name);
  });

  it('has the 34 province-level divisions of GB/T 2260', () => {
    expect(Object.keys(PROVINCE_NAMES)).toHaveLength(34);
  });

  it.each(['00', '10', '16', '20', '24', '30', '38', '40', '47', '49', '55', '60', '66', '70', '80', '83', '99', '1', '110', '', ' 11'])(
    'knows no region %j',
    (code) => {
      expect(regionName(code)).toBeUndefined();
    },
  );

  it('does not treat Object.prototype members as regions', () => {
    expect(regionName('constructor')).toBeUndefined();
    expect(regionName('toString')).toBeUndefined();
    expect(regionName('__proto__')).toBeUndefined();
  });

  it('is frozen', () => {
    expect(Object.isFrozen(PROVINCE_NAMES)).toBe(true);
    expect(() => {
      (PROVINCE_NAMES as Record<string, string>)['99'] = '测试';
    }).toThrow(TypeError);
    expect(regionName('99')).toBeUndefined();
  });
});

describe('taxRegionName', () => {
  it('is the province name where there is a mainland tax bureau', () => {
    expect(taxRegionName('43')).toBe('湖南');
    expect(taxRegionName('54')).toBe('西藏');
  });

  it.each(['71', '81', '82', '00'])('has no tax region %s', (code) => {
    expect(taxRegionName(code)).toBeUndefined();
  });
});
