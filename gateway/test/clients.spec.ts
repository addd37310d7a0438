import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@mission-graph/service-kit';
import type { IncomingMessage } from 'node:http';
import { admitClient, createAdmission } from '../src/clients/admission.js';
import { clientCostMaxima, clientRegistry, costBudgets, loadClientRegistry } from '../src/clients/registry.js';

const entry = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  description: 'a client',
  endpoint: 'internal',
  rateLimit: { quota: 10, windowSeconds: 60 },
  trustedDocumentsOnly: false,
  ...extra,
});
const registry = (clients: unknown[]) => clientRegistry({ principalRateLimit: { quota: 1, windowSeconds: 1 }, clients }, '/');

describe('the client registry', () => {
  it('loads the repo’s own registry', () => {
    const repo = loadClientRegistry(fileURLToPath(new URL('../../config/clients.json', import.meta.url)));
    expect(repo.get('europol-statistics-feed')).toMatchObject({ endpoint: 'external', trustedDocumentsOnly: true });
    expect(costBudgets(repo).get('europol-statistics-feed')).toBe(2000);
  });

  it.each([
    ['a repeated id', [entry('app'), entry('app')], /client "app" is listed twice/],
    ['an unknown endpoint', [entry('app', { endpoint: 'admin' })], /clients\.0\.endpoint/],
    ['an id with upper case', [entry('App')], /clients\.0\.id/],
    ['a zero quota', [entry('app', { rateLimit: { quota: 0, windowSeconds: 60 } })], /clients\.0\.rateLimit\.quota/],
    ['an unknown setting (a typo)', [entry('app', { trustedDocumentOnly: true })], /clients\.0/],
  ])('refuses %s at start, naming it', (_, clients, message) => {
    expect(() => registry(clients)).toThrow(ConfigError);
    expect(() => registry(clients)).toThrow(message);
  });

  it('admits a person on the internal endpoint only, and a client on its own endpoint only', () => {
    const clients = registry([entry('app'), entry('feed', { endpoint: 'external' })]);
    const person = { authenticated: true, subject: 'someone', scopes: new Set<string>() };
    expect(admitClient(clients, person, 'internal')).toBeUndefined();
    expect(() => admitClient(clients, person, 'external')).toThrow(/registered machine clients only/);
    expect(admitClient(clients, { ...person, clientId: 'feed' }, 'external')?.id).toBe('feed');
    expect(() => admitClient(clients, { ...person, clientId: 'feed' }, 'internal')).toThrow(/may call \/external\/graphql only/);
    expect(() => admitClient(clients, { ...person, clientId: 'ghost' }, 'internal')).toThrow(/not registered/);
  });
});

describe('machine clients', () => {
  it('marks every caller of a client registered as machine as a machine (never one of four eyes); others keep what their token says', async () => {
    const clients = registry([entry('bot', { machine: true }), entry('app')]);
    const admitted = async (clientId: string) => {
      const admit = createAdmission({ registry: clients, verifyCaller: async () => ({ authenticated: true, subject: 'svc-1', clientId, scopes: new Set<string>() }) });
      const request = { headers: {}, socket: { remoteAddress: '127.0.0.1' } } as unknown as IncomingMessage;
      return (await admit(request, 'internal')).caller;
    };
    expect((await admitted('bot')).machine).toBe(true);
    expect((await admitted('app')).machine).toBeUndefined();
    expect(loadClientRegistry(fileURLToPath(new URL('../../config/clients.json', import.meta.url))).get('europol-statistics-feed')?.machine).toBe(true);
  });
});

describe('client cost budgets (the pipeline’s maxByClient)', () => {
  const withBudgets = registry([entry('feed', { endpoint: 'external', costMax: 2000 }), entry('app')]);

  it('takes each registered client’s costMax, and COST_MAX_BY_CLIENT for the others', () => {
    const merged = clientCostMaxima(new Map([['nightly-export', 50_000]]), withBudgets);
    expect([...merged].sort()).toEqual([
      ['feed', 2000],
      ['nightly-export', 50_000],
    ]);
  });

  it('accepts the same figure in both places', () => {
    expect(clientCostMaxima(new Map([['feed', 2000]]), withBudgets).get('feed')).toBe(2000);
  });

  it('refuses at start a client given two different maxima, naming both (an operator raising one would not know the other wins)', () => {
    const conflicting = () => clientCostMaxima(new Map([['feed', 9000]]), withBudgets);
    expect(conflicting).toThrow(ConfigError);
    expect(conflicting).toThrow(/feed: COST_MAX_BY_CLIENT says 9000, the client registry's costMax 2000/);
  });
});
