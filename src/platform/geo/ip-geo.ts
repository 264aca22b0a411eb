import { isIP } from 'node:net';
import * as ip2region from 'ip2region-ts';

/** Where an IP address is, as far as an offline database knows. Empty strings where it does not know. */
export interface IpLocation {
  readonly country: string;
  readonly province: string;
  readonly city: string;
  readonly isp: string;
}

export interface IpGeo {
  /** undefined for an address the database cannot place (private ranges, IPv6, malformed input). */
  lookup(ip: string): Promise<IpLocation | undefined>;
}

/**
 * IP geolocation from ip2region's offline xdb database, shipped in the `ip2region-ts` package (IPv4 only). The
 * 11 MB file is read into memory once, on first use, so a lookup costs microseconds and no I/O. Names come as the
 * database writes them ("上海市", "广东省"); callers that compare names normalise suffixes themselves.
 */
export class Ip2RegionGeo implements IpGeo {
  private searcher: ReturnType<typeof ip2region.newWithBuffer> | undefined;

  constructor(private readonly dbFile: string = ip2region.defaultDbFile) {}

  async lookup(ip: string): Promise<IpLocation | undefined> {
    const address = ip.startsWith('::ffff:') ? ip.slice('::ffff:'.length) : ip;
    if (isIP(address) !== 4) return undefined;
    this.searcher ??= ip2region.newWithBuffer(ip2region.loadContentFromFile(this.dbFile));
    const { region } = await this.searcher.search(address);
    if (!region) return undefined;
    // "国家|区域|省份|城市|ISP", with "0" for unknown parts.
    const [country = '', , province = '', city = '', isp = ''] = region.split('|').map((part) => (part === '0' ? '' : part));
    if (!country || city === '内网IP') return undefined;
    return { country, province, city, isp };
  }
}
