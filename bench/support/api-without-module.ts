// An API process (`quanyi start --role api`) with every module of the deployable except the one named in
// BENCH_WITHOUT_MODULE, for benchmarks that read a module's cost as the difference between two servers (bench/risk.ts).
// Prints "listening on <url>" like the CLI, so spawnTs finds it.
import { MODULES } from '../../src/app/modules.js';
import { startProcess } from '../../src/app/process.js';

const without = process.env.BENCH_WITHOUT_MODULE;
if (!without || !MODULES.some((m) => m.name === without)) {
  throw new Error(`BENCH_WITHOUT_MODULE must name a module of the deployable (${MODULES.map((m) => m.name).join(', ')}), got ${JSON.stringify(without)}`);
}
const running = await startProcess({ role: 'api', modules: MODULES.filter((m) => m.name !== without), handleSignals: true });
process.stdout.write(`quanyi api (without ${without}) listening on ${running.url}\n`);
