import { describe } from 'vitest';
import type { Flavour } from './testing.js';

/**
 * A suite run on every database flavour: always on PGlite, and on PostgreSQL when
 * `TEST_DATABASE_URL` is set (CI sets it). Without it, the PostgreSQL suite is reported as
 * skipped, with the reason in its title — never silently left out.
 */
export function describeOnEachDatabase(title: string, body: (flavour: Flavour) => void): void {
  describe(`${title} on pglite`, () => body('pglite'));
  if (process.env.TEST_DATABASE_URL) {
    describe(`${title} on postgres`, () => body('postgres'));
  } else {
    describe.skip(`${title} on postgres (skipped: TEST_DATABASE_URL is not set; CI sets it)`, () => body('postgres'));
  }
}
