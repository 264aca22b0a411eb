import { describe, expect, it } from 'vitest';
import { Ip2RegionGeo } from './ip-geo.js';

// Well-known public resolvers with a fixed home: 202.96.209.5 is Shanghai Telecom's DNS, 202.106.0.20 Beijing
// Unicom's, 114.114.114.114 is 114DNS in Nanjing, 8.8.8.8 Google's (United States).
describe('Ip2RegionGeo', () => {
  const geo = new Ip2RegionGeo();

  it('places mainland addresses by province and city', async () => {
    expect(await geo.lookup('202.96.209.5')).toMatchObject({ country: '中国', city: '上海市' });
    expect(await geo.lookup('202.106.0.20')).toMatchObject({ country: '中国', city: '北京市' });
    expect(await geo.lookup('114.114.114.114')).toMatchObject({ country: '中国', province: '江苏省', city: '南京市' });
    expect(await geo.lookup('::ffff:202.96.209.5')).toMatchObject({ city: '上海市' });
  });

  it('knows a foreign address only by its country', async () => {
    expect(await geo.lookup('8.8.8.8')).toMatchObject({ country: '美国', province: '', city: '' });
  });

  it('cannot place private, IPv6 or malformed addresses', async () => {
    expect(await geo.lookup('127.0.0.1')).toBeUndefined();
    expect(await geo.lookup('192.168.1.1')).toBeUndefined();
    expect(await geo.lookup('2001:db8::1')).toBeUndefined();
    expect(await geo.lookup('not an ip')).toBeUndefined();
  });
});
