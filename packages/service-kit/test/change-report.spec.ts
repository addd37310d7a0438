/**
 * The change report a subgraph attaches to every mutation's answer (change-report.ts):
 * what `reportChanged` collected, MACed with the request's internal token, and believed
 * by the gateway only when that MAC verifies with the token it sent.
 */
import { describe, expect, it } from 'vitest';
import { changeReportMac, changesReported, reportChanged, verifiedChanges } from '../src/change-report.js';

const TOKEN = 'header.payload.signature-of-this-request';
const witness = { type: 'ProtectedWitness', id: 'w-1' };
const relocation = { type: 'Relocation', id: 'r-1', owner: witness };

describe('change reports', () => {
  it('collects each changed record once per request, in order, owners kept', () => {
    const context = {};
    reportChanged(context, relocation, witness);
    reportChanged(context, { owner: { id: 'w-1', type: 'ProtectedWitness' }, id: 'r-1', type: 'Relocation' });
    expect(changesReported(context)).toEqual([relocation, witness]);
    expect(changesReported({})).toEqual([]);
  });

  it('is believed with the MAC of the token the gateway sent', () => {
    const records = [relocation, witness];
    expect(verifiedChanges({ records, mac: changeReportMac(TOKEN, records) }, TOKEN)).toEqual(records);
    expect(verifiedChanges({ records: [], mac: changeReportMac(TOKEN, []) }, TOKEN)).toEqual([]);
  });

  it('a forged report is not believed: records altered, a report of another request, no MAC, malformed records', () => {
    const records = [relocation];
    const mac = changeReportMac(TOKEN, records);
    expect(verifiedChanges({ records: [{ type: 'ProtectedWitness', id: 'someone-else' }], mac }, TOKEN)).toBeUndefined();
    expect(verifiedChanges({ records, mac: changeReportMac('another-request-token', records) }, TOKEN)).toBeUndefined();
    expect(verifiedChanges({ records }, TOKEN)).toBeUndefined();
    expect(verifiedChanges(undefined, TOKEN)).toBeUndefined();
    const bad = [{ type: 'Not a type!', id: 'x' }];
    expect(verifiedChanges({ records: bad, mac: changeReportMac(TOKEN, bad as never) }, TOKEN)).toBeUndefined();
  });
});
