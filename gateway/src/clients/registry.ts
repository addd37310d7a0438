import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '@mission-graph/service-kit';

/**
 * The client registry (`config/clients.json`, or the file `CLIENTS_PATH` names): every
 * application that calls the graph under its own OAuth client id — a machine client with
 * client-credentials tokens (`azp` / `client_id`), or a shipped frontend whose users'
 * tokens name it — and what it may do: which endpoint, how fast, how expensive, and
 * whether it may send only its trusted documents. Validated at start: a bad entry stops
 * the gateway with a message naming it.
 */

/** The two front doors: `/graphql` (the internal API) and `/external/graphql` (the contract). */
export const ENDPOINTS = ['internal', 'external'] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

/** A token bucket: up to `quota` requests at once, refilled at `quota` per `windowSeconds`. */
const rateLimitPolicy = z
  .object({
    quota: z.number().int().positive().max(1_000_000),
    windowSeconds: z.number().int().positive().max(86_400),
  })
  .strict();
export type RateLimitPolicy = z.infer<typeof rateLimitPolicy>;

const clientId = z.string().regex(/^[a-z0-9][a-z0-9._-]{1,62}$/, 'lower-case letters, digits, ".", "_" or "-" (2–63)');

const clientEntry = z
  .object({
    id: clientId,
    /** Who runs it and what for (shown to operators, never to callers). */
    description: z.string().min(1),
    /** The one endpoint it may call. */
    endpoint: z.enum(ENDPOINTS),
    /** Shared by all of the client's callers together. */
    rateLimit: rateLimitPolicy,
    /** Highest estimated cost one operation may have (handed to the operation pipeline's cost limit). */
    costMax: z.number().int().positive().optional(),
    /** Only operations from its manifest, by `documentId`; query text is refused. */
    trustedDocumentsOnly: z.boolean(),
    /** Its persisted-operation manifest, relative to the registry file (Apollo or Hive format). */
    documents: z.string().min(1).optional(),
    /** Only machines use it (client-credentials): no token naming it stands for a person (never one of four eyes). */
    machine: z.boolean().optional(),
  })
  .strict()
  .refine((entry) => !entry.trustedDocumentsOnly || entry.documents !== undefined, {
    message: 'trustedDocumentsOnly needs a documents manifest',
    path: ['documents'],
  });

const registryFile = z
  .object({
    $comment: z.string().optional(),
    /** Per principal (token subject; the remote address for anonymous callers), whatever the client. */
    principalRateLimit: rateLimitPolicy,
    clients: z.array(clientEntry),
  })
  .strict()
  .superRefine((file, context) => {
    const seen = new Set<string>();
    file.clients.forEach((client, index) => {
      if (seen.has(client.id)) context.addIssue({ code: 'custom', message: `client "${client.id}" is listed twice`, path: ['clients', index, 'id'] });
      seen.add(client.id);
    });
  });

export type RegisteredClient = z.infer<typeof clientEntry> & {
  /** Absolute path of its manifest, when it has one. */
  documentsPath?: string;
};

export interface ClientRegistry {
  principalRateLimit: RateLimitPolicy;
  /** The registered client with this id, if any. */
  get(id: string): RegisteredClient | undefined;
  all(): readonly RegisteredClient[];
}

/** Reads and validates the registry; throws a ConfigError naming the file and each problem. */
export function loadClientRegistry(file: string): ClientRegistry {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`Invalid configuration:\n  CLIENTS_PATH: cannot read ${file}: ${(error as Error).message}`);
  }
  return clientRegistry(json, path.dirname(file), file);
}

/** A registry from already-parsed JSON (manifest paths resolved against `baseDir`). */
export function clientRegistry(json: unknown, baseDir: string, source = 'the client registry'): ClientRegistry {
  const parsed = registryFile.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration in ${source}:\n  ${problems.join('\n  ')}`);
  }
  const clients = new Map<string, RegisteredClient>(
    parsed.data.clients.map((client) => [
      client.id,
      client.documents ? { ...client, documentsPath: path.resolve(baseDir, client.documents) } : client,
    ]),
  );
  return {
    principalRateLimit: parsed.data.principalRateLimit,
    get: (id) => clients.get(id),
    all: () => [...clients.values()],
  };
}

/**
 * Each registered client's `costMax`, by client id: the per-client maximum the operation
 * pipeline's cost limit takes (in the shape of its `COST_MAX_BY_CLIENT`).
 */
export function costBudgets(registry: ClientRegistry): ReadonlyMap<string, number> {
  return new Map(registry.all().flatMap((client) => (client.costMax === undefined ? [] : [[client.id, client.costMax] as const])));
}

/**
 * The per-client cost maxima the operation pipeline applies (its `maxByClient`): the
 * registry's `costMax` of each client, and `COST_MAX_BY_CLIENT` for clients the registry
 * gives none (callers named by a token's `azp`/`client_id`). A client given a maximum in
 * both places, with two different figures, stops the start: one of them would be silently
 * ignored, and an operator who raised or lowered the wrong one would not know.
 */
export function clientCostMaxima(fromEnvironment: ReadonlyMap<string, number>, registry: ClientRegistry): ReadonlyMap<string, number> {
  const merged = new Map(fromEnvironment);
  const conflicts: string[] = [];
  for (const [client, max] of costBudgets(registry)) {
    const other = merged.get(client);
    if (other !== undefined && other !== max) conflicts.push(`${client}: COST_MAX_BY_CLIENT says ${other}, the client registry's costMax ${max}`);
    merged.set(client, max);
  }
  if (conflicts.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  ${conflicts.join('\n  ')} (give each client's maximum in one place)`);
  }
  return merged;
}
