/** The domain rules as plain functions, without a server. */
import type { Caller } from '@mission-graph/service-kit';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { witnessAccessBasis } from '../src/domain/need-to-know.js';
import {
  checkDeploymentLink,
  checkNote,
  checkSubmission,
  checkSupportRequestTransition,
  SUPPORT_REQUEST_TRANSITIONS,
  type SupportRequestStatus,
} from '../src/domain/support-request-workflow.js';
import {
  checkReferral,
  checkRelocatable,
  checkRelocationTarget,
  checkWitnessTransition,
  WITNESS_TRANSITIONS,
  type WitnessStatus,
} from '../src/domain/witness-programme.js';
import {
  assignmentStatus,
  checkApproval,
  checkOfficerSubject,
  checkProposal,
  opensNeedToKnow,
  requireHumanPrincipal,
  requirePrincipal,
  type AssignmentFacts,
} from '../src/domain/protection-officer-assignment.js';

/** The error a rule throws, for assertions on its code and extensions. */
function thrown(action: () => unknown): Record<string, unknown> & { message: string } {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    return { ...(error as GraphQLError).extensions, message: (error as GraphQLError).message };
  }
  throw new Error('expected the rule to refuse');
}

const SUPPORT_STATUSES = Object.keys(SUPPORT_REQUEST_TRANSITIONS) as SupportRequestStatus[];
const WITNESS_STATUSES = Object.keys(WITNESS_TRANSITIONS) as WitnessStatus[];

describe('support request workflow', () => {
  const legal = new Set(['REQUESTED>APPROVED', 'REQUESTED>DECLINED', 'APPROVED>IN_PROGRESS', 'IN_PROGRESS>COMPLETED']);

  it.each(SUPPORT_STATUSES.flatMap((from) => SUPPORT_STATUSES.map((to) => [from, to] as const)))('%s → %s', (from, to) => {
    if (legal.has(`${from}>${to}`)) {
      expect(() => checkSupportRequestTransition(from, to)).not.toThrow();
    } else {
      const error = thrown(() => checkSupportRequestTransition(from, to));
      expect(error).toMatchObject({ code: 'CONFLICT', currentStatus: from, requestedStatus: to });
      expect(error.message).toContain(`status ${from} cannot move to ${to}`);
    }
  });

  const submission = {
    reference: 'SPO-2026-0042',
    institution: 'SPECIALIST_PROSECUTORS_OFFICE' as const,
    kind: 'OPERATIONAL' as const,
    title: ' Synthetic title ',
    description: 'Synthetic description.',
    requestedOn: '2026-01-01',
  };

  it('trims and accepts a good submission', () => {
    expect(checkSubmission(submission)).toMatchObject({ title: 'Synthetic title', deploymentId: null });
  });

  it.each([
    ['a reference of the other institution', { reference: 'KSC-2026-0042' }, 'input.reference'],
    ['a malformed reference', { reference: 'SPO-26-42' }, 'input.reference'],
    ['a title over 200 characters', { title: 'x'.repeat(201) }, 'input.title'],
    ['a blank description', { description: '  ' }, 'input.description'],
    ['an impossible date', { requestedOn: '2026-02-30' }, 'input.requestedOn'],
    ['a deployment id that is no UUID', { deploymentId: 'dep-1' }, 'input.deploymentId'],
    ['a deployment on logistic support', { kind: 'LOGISTIC' as const, deploymentId: '00000000-0000-4000-8000-000000000001' }, 'input.deploymentId'],
  ])('refuses %s, naming the argument', (_label, overrides, argument) => {
    expect(thrown(() => checkSubmission({ ...submission, ...overrides }))).toMatchObject({ code: 'BAD_USER_INPUT', argument });
  });

  it('links operational requests only, and lets a missing link be', () => {
    expect(checkDeploymentLink('LOGISTIC', null, 'x')).toBeNull();
    expect(checkDeploymentLink('OPERATIONAL', '00000000-0000-4000-8000-00000000000A', 'x')).toBe('00000000-0000-4000-8000-00000000000a');
  });

  it('takes a note of 1 to 2,000 characters, or none', () => {
    expect(checkNote(undefined, 'input.note')).toBeNull();
    expect(checkNote(' why ', 'input.note')).toBe('why');
    expect(thrown(() => checkNote(' ', 'input.note'))).toMatchObject({ argument: 'input.note' });
  });
});

describe('witness programme', () => {
  const legal = new Set([
    'REFERRED>ASSESSED',
    'ASSESSED>ADMITTED',
    'ADMITTED>RELOCATED',
    'REFERRED>EXITED',
    'ASSESSED>EXITED',
    'ADMITTED>EXITED',
    'RELOCATED>EXITED',
  ]);
  const fullFile = { threatAssessments: 1, relocations: 1 };

  it.each(WITNESS_STATUSES.flatMap((from) => WITNESS_STATUSES.map((to) => [from, to] as const)))('%s → %s with a full file', (from, to) => {
    if (legal.has(`${from}>${to}`)) {
      expect(() => checkWitnessTransition(from, to, fullFile)).not.toThrow();
    } else {
      expect(thrown(() => checkWitnessTransition(from, to, fullFile))).toMatchObject({
        code: 'CONFLICT',
        currentStatus: from,
        requestedStatus: to,
        reason: 'ILLEGAL_TRANSITION',
      });
    }
  });

  it('refuses admission (and assessment) without a threat assessment', () => {
    const noAssessment = { threatAssessments: 0, relocations: 0 };
    expect(thrown(() => checkWitnessTransition('ASSESSED', 'ADMITTED', noAssessment))).toMatchObject({
      code: 'CONFLICT',
      reason: 'THREAT_ASSESSMENT_REQUIRED',
      currentStatus: 'ASSESSED',
      requestedStatus: 'ADMITTED',
    });
    expect(thrown(() => checkWitnessTransition('REFERRED', 'ASSESSED', noAssessment))).toMatchObject({ reason: 'THREAT_ASSESSMENT_REQUIRED' });
    expect(() => checkWitnessTransition('REFERRED', 'EXITED', noAssessment)).not.toThrow();
  });

  it('reaches RELOCATED only with a recorded relocation', () => {
    expect(thrown(() => checkWitnessTransition('ADMITTED', 'RELOCATED', { threatAssessments: 1, relocations: 0 }))).toMatchObject({
      reason: 'RELOCATION_REQUIRED',
    });
  });

  it('relocates admitted or relocated witnesses only, never an exited one', () => {
    expect(() => checkRelocatable('ADMITTED')).not.toThrow();
    expect(() => checkRelocatable('RELOCATED')).not.toThrow();
    expect(thrown(() => checkRelocatable('ASSESSED'))).toMatchObject({ code: 'CONFLICT', reason: 'NOT_ADMITTED' });
    expect(thrown(() => checkRelocatable('EXITED'))).toMatchObject({ code: 'CONFLICT', reason: 'WITNESS_EXITED' });
  });

  it('moves a witness somewhere else, and says so without echoing the place', () => {
    expect(checkRelocationTarget('Synthetic A', ' Synthetic B ')).toBe('Synthetic B');
    const error = thrown(() => checkRelocationTarget('Synthetic A', 'Synthetic A'));
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.toLocation' });
    expect(error.message).not.toContain('Synthetic A');
  });

  const referral = {
    codename: 'KESTREL-99',
    riskLevel: 'LOW' as const,
    referredOn: '2026-01-10',
    identity: { fullName: 'Synthetic Name', dateOfBirth: '1980-01-01', currentLocation: 'Synthetic Town' },
  };

  it.each([
    ['a codename that is not a word and a number', { codename: 'Kestrel 99' }, 'input.codename'],
    ['a birth after the referral', { identity: { ...referral.identity, dateOfBirth: '2026-01-11' } }, 'input.identity.dateOfBirth'],
    ['a blank location', { identity: { ...referral.identity, currentLocation: ' ' } }, 'input.identity.currentLocation'],
  ])('refuses a referral with %s, without echoing identity values', (_label, overrides, argument) => {
    const error = thrown(() => checkReferral({ ...referral, ...overrides }));
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    expect(error.message).not.toMatch(/Synthetic|1980|2026-01-11/);
  });

  it('takes an officer principal id without whitespace', () => {
    expect(checkOfficerSubject('auth0|officer-07')).toBe('auth0|officer-07');
    expect(thrown(() => checkOfficerSubject('officer 07'))).toMatchObject({ argument: 'input.officer' });
    expect(thrown(() => checkOfficerSubject(''))).toMatchObject({ argument: 'input.officer' });
  });
});

describe('need-to-know', () => {
  const caller = (more: Partial<Caller>): Caller => ({ authenticated: true, scopes: new Set(), ...more });
  const officers = ['officer-03', 'officer-09'];

  it('is ASSIGNED for an assigned officer, whatever else the caller holds', () => {
    expect(witnessAccessBasis(caller({ subject: 'officer-09' }), officers)).toBe('ASSIGNED');
    expect(witnessAccessBasis(caller({ subject: 'officer-03', scopes: new Set(['witness-protection:break-glass']), breakGlass: 'x' }), officers)).toBe('ASSIGNED');
  });

  it('is BREAK_GLASS only with the scope and a justification together', () => {
    const scope = new Set(['witness-protection:break-glass']);
    expect(witnessAccessBasis(caller({ subject: 'officer-01', scopes: scope, breakGlass: 'INC-1: threat' }), officers)).toBe('BREAK_GLASS');
    expect(witnessAccessBasis(caller({ subject: 'officer-01', scopes: scope }), officers)).toBe('NONE');
    expect(witnessAccessBasis(caller({ subject: 'officer-01', scopes: scope, breakGlass: '  ' }), officers)).toBe('NONE');
    expect(witnessAccessBasis(caller({ subject: 'officer-01', breakGlass: 'INC-1: threat' }), officers)).toBe('NONE');
  });

  it('is NONE without a subject, or for a witness without officers', () => {
    expect(witnessAccessBasis(caller({}), officers)).toBe('NONE');
    expect(witnessAccessBasis(caller({ subject: 'officer-03' }), [])).toBe('NONE');
  });
});

describe('four eyes on protection-officer assignments', () => {
  const pending: AssignmentFacts = { officerSubject: 'officer-07', proposedBy: 'manager-1', status: 'PROPOSED' };

  it('refuses self-proposal, and names no one else', () => {
    expect(thrown(() => checkProposal('officer-07', 'officer-07'))).toMatchObject({ code: 'FORBIDDEN', reason: 'SELF_PROPOSAL' });
    expect(() => checkProposal('manager-1', 'officer-07')).not.toThrow();
  });

  it('refuses approval by the proposer and by the proposed officer; a third principal approves', () => {
    expect(thrown(() => checkApproval('manager-1', pending))).toMatchObject({ code: 'FORBIDDEN', reason: 'PROPOSER_CANNOT_APPROVE' });
    const self = thrown(() => checkApproval('officer-07', pending));
    expect(self).toMatchObject({ code: 'FORBIDDEN', reason: 'OFFICER_CANNOT_APPROVE' });
    expect(() => checkApproval('manager-2', pending)).not.toThrow();
  });

  it('approves only a pending proposal, whoever asks (the state is said before who may act)', () => {
    for (const status of ['APPROVED', 'REVOKED'] as const) {
      expect(thrown(() => checkApproval('manager-2', { ...pending, status }))).toMatchObject({
        code: 'CONFLICT',
        currentStatus: status,
        requestedStatus: 'APPROVED',
      });
    }
  });

  it('needs a named principal: a token without a subject cannot take part', () => {
    const caller = { authenticated: true, scopes: new Set<string>() };
    expect(thrown(() => requirePrincipal(caller))).toMatchObject({ code: 'FORBIDDEN', reason: 'PRINCIPAL_REQUIRED' });
    expect(thrown(() => requirePrincipal({ ...caller, subject: '  ' }))).toMatchObject({ reason: 'PRINCIPAL_REQUIRED' });
    expect(requirePrincipal({ ...caller, subject: 'manager-1' })).toBe('manager-1');
  });

  it('needs a person to propose or approve: a client-credentials or registered machine token cannot', () => {
    const caller = { authenticated: true, scopes: new Set<string>() };
    expect(thrown(() => requireHumanPrincipal({ ...caller, subject: 'robot', clientId: 'robot' }))).toMatchObject({ code: 'FORBIDDEN', reason: 'HUMAN_PRINCIPAL_REQUIRED' });
    expect(thrown(() => requireHumanPrincipal({ ...caller, subject: 'svc-1', clientId: 'robot', machine: true }))).toMatchObject({ reason: 'HUMAN_PRINCIPAL_REQUIRED' });
    expect(thrown(() => requireHumanPrincipal(caller))).toMatchObject({ reason: 'PRINCIPAL_REQUIRED' });
    expect(requireHumanPrincipal({ ...caller, subject: 'manager-1', clientId: 'ops-console' })).toBe('manager-1');
  });

  it('derives the status from the history: revocation is final, only APPROVED opens need-to-know', () => {
    expect(assignmentStatus(['PROPOSED'])).toBe('PROPOSED');
    expect(assignmentStatus(['PROPOSED', 'APPROVED'])).toBe('APPROVED');
    expect(assignmentStatus(['PROPOSED', 'APPROVED', 'REVOKED'])).toBe('REVOKED');
    expect(assignmentStatus(['PROPOSED', 'REVOKED'])).toBe('REVOKED');
    expect(['PROPOSED', 'APPROVED', 'REVOKED'].filter((status) => opensNeedToKnow(status as AssignmentFacts['status']))).toEqual(['APPROVED']);
  });
});
