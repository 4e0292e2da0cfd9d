import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from './args.js';
import { scenariosFromOptions } from './scenarios.js';

const loadTests = join(fileURLToPath(new URL('.', import.meta.url)), '..');

describe('parseArgs', () => {
  it('resolves a scenario name and collects --env and --out', () => {
    const a = parseArgs(['smoke', '--env', 'A=1', '-e', 'B=x=y', '--out', 'json=o.json'], loadTests);
    expect(a.script).toBe(join(loadTests, 'smoke.js'));
    expect(a.env).toEqual({ A: '1', B: 'x=y' });
    expect(a.outJsonPath).toBe('o.json');
    expect(a.k6Flags).toEqual(['--env', 'A=1', '--env', 'B=x=y', '--out', 'json=o.json']);
  });

  it('rejects unknown scripts and flags', () => {
    expect(() => parseArgs(['no-such-scenario'], loadTests)).toThrow(/no k6 script/);
    expect(() => parseArgs(['smoke', '--vus', '3'], loadTests)).toThrow(/unknown flag/);
  });
});

describe('scenariosFromOptions', () => {
  it('applies k6 defaults', () => {
    expect(scenariosFromOptions({})).toMatchObject([{ name: 'default', executor: 'shared-iterations', vus: 1, iterations: 1 }]);
    expect(scenariosFromOptions({ vus: 3, duration: '10s' })).toMatchObject([{ executor: 'constant-vus', vus: 3, durationMs: 10_000 }]);
    const [s] = scenariosFromOptions({
      scenarios: { intake: { executor: 'constant-arrival-rate', rate: 50, duration: '1m', preAllocatedVUs: 10, exec: 'intake' } },
    });
    expect(s).toMatchObject({
      name: 'intake',
      exec: 'intake',
      rate: 50,
      timeUnitMs: 1000,
      durationMs: 60_000,
      maxVUs: 10,
      gracefulStopMs: 30_000,
    });
  });

  it('refuses executors it does not implement', () => {
    expect(() => scenariosFromOptions({ scenarios: { x: { executor: 'externally-controlled' } } })).toThrow(/not implemented/);
  });
});
