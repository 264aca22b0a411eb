#!/usr/bin/env node
// The `quanyi` command. Runs the compiled build when there is one (npm run build), else the TypeScript sources
// through tsx, so a fresh checkout works without a build step.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/src/cli.js', import.meta.url);
if (existsSync(compiled) && !process.env.QUANYI_FROM_SOURCE) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli.ts', import.meta.url).href);
}
