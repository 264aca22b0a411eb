/**
 * Activity conditions over named lists (issue #8): how long one evaluation takes as the list grows. Named lists
 * are bound as CEL maps built once per list (evaluate.ts), so a 100,000-device blacklist should cost about what a
 * 10-entry one does. Prints p50 and p99 per list size; no thresholds asserted here (tests assert correctness).
 * Then the conditions fuzz test's 100,000 inputs: p50, p99 and max time per input (compile + evaluate).
 */
import { compileCondition } from '../src/modules/activities/domain/conditions/compile.js';
import { evaluate } from '../src/modules/activities/domain/conditions/evaluate.js';
import { attempt, FUZZ_INPUTS, FUZZ_SEED, generate } from '../test/support/condition-fuzz.js';
import { mulberry32 } from '../test/support/seeded-random.js';

const RUNS = 5_000;
const condition = compileCondition("device_id NOT IN (blacklist) AND ip_city = '上海'", ['blacklist']);
if (!condition.ok) throw new Error(condition.error.message);

console.log(`condition: ${condition.condition.source}; ${RUNS} evaluations per size (hits and misses alternate)`);
for (const size of [10, 1_000, 10_000, 100_000, 1_000_000]) {
  const blacklist = Array.from({ length: size }, (_, i) => `device-${i}`);
  const times: number[] = [];
  let allowed = 0;
  for (let i = 0; i < RUNS; i++) {
    const deviceId = i % 2 === 0 ? `device-${(i * 7919) % size}` : `device-new-${i}`;
    const started = process.hrtime.bigint();
    if (evaluate(condition.condition, { user_id: '1', is_new_user: true, registered_days: 0, device_id: deviceId, ip_city: '上海市', now: new Date() }, { blacklist })) allowed++;
    times.push(Number(process.hrtime.bigint() - started) / 1e3);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(1);
  console.log(`list of ${String(size).padStart(9)}: p50 ${at(0.5).padStart(7)} µs, p99 ${at(0.99).padStart(7)} µs; ${allowed === RUNS / 2 ? 'half allowed as expected' : `UNEXPECTED: ${allowed} allowed`}`);
}

// The fuzz test's 100,000 inputs (test/support/condition-fuzz.ts, one seed): compile and, when it compiles, evaluate,
// as the test does; the time of each input. The test asserts correctness and the engine's length and nesting budget;
// the time per input is a figure for this bench (a per-input bound in a test flakes on a shared 2-core machine).
{
  const random = mulberry32(FUZZ_SEED);
  const wall: number[] = [];
  const cpu: number[] = [];
  let slowest = '';
  let slowestMs = 0;
  let violations = 0;
  for (let i = 0; i < FUZZ_INPUTS; i++) {
    const source = generate(random);
    const usage = process.cpuUsage();
    const started = process.hrtime.bigint();
    const outcome = attempt(source);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const used = process.cpuUsage(usage);
    if (outcome.violation !== undefined) violations++;
    if (ms > slowestMs) [slowestMs, slowest] = [ms, source];
    wall.push(ms);
    cpu.push((used.user + used.system) / 1000);
  }
  const stats = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(3);
    return `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${sorted.at(-1)!.toFixed(3)} ms`;
  };
  console.log(`fuzz inputs: ${FUZZ_INPUTS} (seed ${FUZZ_SEED}), compile + evaluate each; ${violations} contract violations`);
  console.log(`  wall per input: ${stats(wall)}`);
  console.log(`  CPU per input:  ${stats(cpu)} (process.cpuUsage, µs resolution)`);
  console.log(`  slowest input (${slowest.length} chars): ${JSON.stringify(slowest.slice(0, 80))}${slowest.length > 80 ? '…' : ''}`);
}
