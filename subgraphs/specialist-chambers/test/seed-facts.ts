/**
 * What the tests rely on from the seed (src/seed.ts), computed the same way: who protects
 * which witness, and how a test acts as an officer or breaks the glass.
 */
import type { Caller } from '@mission-graph/service-kit';

/**
 * The protection officers the seed assigns to witness n: officer-NN with NN =
 * 1 + (n - 1) % 12, and for even n also 1 + (n + 5) % 12. Tests act as an assigned
 * officer by putting one of these in the internal token's `subject`.
 */
export function officersOf(n: number): string[] {
  const officer = (k: number) => `officer-${String(k).padStart(2, '0')}`;
  return n % 2 === 0 ? [officer(1 + ((n - 1) % 12)), officer(1 + ((n + 5) % 12))] : [officer(1 + ((n - 1) % 12))];
}

/** The default test caller (every scope, a purpose), acting as witness n's first officer. */
export const asOfficerOf = (n: number): Partial<Caller> => ({ subject: officersOf(n)[0] });

/** The default test caller (it holds `witness-protection:break-glass`) with an `X-Break-Glass` justification. */
export const BREAK_GLASS: Partial<Caller> = { breakGlass: 'TEST-CASE-9: emergency check of every file' };
