/** The history ordering rule, without a server. */
import { describe, expect, it } from 'vitest';
import { witnessHistory } from '../src/domain/witness-history.js';

const WITNESS = '00000000-0000-4000-8000-000000000001';

const assessment = (id: string, occurredOn: string) => ({
  id,
  witnessId: WITNESS,
  occurredOn,
  riskLevel: 'LOW' as const,
  summary: 'Synthetic summary.',
});
const relocation = (id: string, occurredOn: string) => ({
  id,
  witnessId: WITNESS,
  occurredOn,
  fromLocation: 'Synthetic Home Town 01',
  toLocation: 'Synthetic Safe Location 01',
});

describe('witnessHistory', () => {
  it('merges assessments and relocations newest first, the greater id first on one day', () => {
    const history = witnessHistory(
      [assessment('a1', '2024-01-10'), assessment('a3', '2024-03-01'), assessment('a2', '2024-03-01')],
      [relocation('r1', '2024-02-01'), relocation('b9', '2024-03-01')],
    );
    expect(history.map((event) => [event.__typename, event.id])).toEqual([
      ['Relocation', 'b9'],
      ['ThreatAssessment', 'a3'],
      ['ThreatAssessment', 'a2'],
      ['Relocation', 'r1'],
      ['ThreatAssessment', 'a1'],
    ]);
  });

  it('is empty for a witness without events and keeps the rows as they are', () => {
    expect(witnessHistory([], [])).toEqual([]);
    expect(witnessHistory([assessment('a1', '2024-01-10')], [])).toEqual([
      { ...assessment('a1', '2024-01-10'), __typename: 'ThreatAssessment' },
    ]);
  });
});
