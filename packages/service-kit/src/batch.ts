import DataLoader from 'dataloader';
import { notFound } from './errors.js';

/**
 * DataLoader factories for per-request loaders (never module scope: a cache shared
 * across callers would leak one caller's data to another). Each batch is one query;
 * results come back in key order.
 */

/** Exactly one row per key; a key with no row is rejected with NOT_FOUND naming it. */
export function loaderOfOne<K extends string, V>(
  typeName: string,
  fetch: (keys: readonly K[]) => Promise<readonly V[]>,
  keyOf: (row: V) => K,
): DataLoader<K, V> {
  return new DataLoader<K, V>(async (keys) => {
    const byKey = new Map<K, V>();
    for (const row of await fetch(keys)) byKey.set(keyOf(row), row);
    return keys.map((key) => byKey.get(key) ?? notFound(typeName, key));
  });
}

/** Zero or more rows per key (e.g. the requests that concern a missing person). */
export function loaderOfMany<K extends string, V>(
  fetch: (keys: readonly K[]) => Promise<readonly V[]>,
  keyOf: (row: V) => K,
): DataLoader<K, V[]> {
  return new DataLoader<K, V[]>(async (keys) => {
    const byKey = new Map<K, V[]>(keys.map((key) => [key, []]));
    for (const row of await fetch(keys)) byKey.get(keyOf(row))?.push(row);
    return keys.map((key) => byKey.get(key) ?? []);
  });
}
