/**
 * The gateway's limits, cost and timeout settings from the environment: defaults,
 * overrides, and a bad value refused naming its variable.
 */
import { describe, expect, it } from 'vitest';
import { operationLimits, readGatewayEnv, subgraphTimeouts } from '../src/config.js';
import { DEFAULT_LIMITS } from '../src/operation/limits.js';

describe('gateway settings for limits, cost and timeouts', () => {
  it('defaults to the documented values', () => {
    const env = readGatewayEnv({});
    expect(operationLimits(env)).toEqual(DEFAULT_LIMITS);
    expect([env.COST_MAX, env.COST_MODE, env.COST_DEFAULT_LIST_SIZE]).toEqual([5000, 'enforce', 10]);
    expect(env.COST_MAX_BY_SCOPE).toEqual(new Map());
    expect(subgraphTimeouts(env)('forensics')).toBe(10_000);
  });

  it('reads overrides: a limit, budgets per scope and client, a timeout per subgraph', () => {
    const env = readGatewayEnv({
      MAX_DEPTH: '7',
      COST_MODE: 'measure',
      COST_MAX_BY_SCOPE: 'statistics:read=20000, audit:read=8000',
      COST_MAX_BY_CLIENT: 'nightly-export=50000',
      SUBGRAPH_TIMEOUT_MS: '2000',
      SUBGRAPH_TIMEOUT_MS_POLICE_COOPERATION: '500',
    });
    expect(operationLimits(env).depth).toBe(7);
    expect(env.COST_MODE).toBe('measure');
    expect(env.COST_MAX_BY_SCOPE).toEqual(new Map([['statistics:read', 20000], ['audit:read', 8000]]));
    expect(env.COST_MAX_BY_CLIENT).toEqual(new Map([['nightly-export', 50000]]));
    expect(subgraphTimeouts(env)('police-cooperation')).toBe(500);
    expect(subgraphTimeouts(env)('forensics')).toBe(2000);
  });

  it.each([
    ['MAX_TOKENS', 'many'],
    ['MAX_DEPTH', '0'],
    ['COST_MODE', 'warn'],
    ['COST_MAX_BY_SCOPE', 'statistics:read:lots'],
    ['SUBGRAPH_TIMEOUT_MS_FORENSICS', '-5'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => readGatewayEnv({ [name]: value })).toThrow(name);
  });
});
