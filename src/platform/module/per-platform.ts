import type { Platform } from './platform.js';

/**
 * Builds a module's services once per platform and hands out the same instance after: routes, authenticators,
 * jobs and CLI tools of one process share them, while tests that build several platforms get one set each.
 */
export function perPlatform<T>(build: (platform: Platform) => T): (platform: Platform) => T {
  const built = new WeakMap<Platform, T>();
  return (platform) => {
    let value = built.get(platform);
    if (value === undefined) {
      value = build(platform);
      built.set(platform, value);
    }
    return value;
  };
}
