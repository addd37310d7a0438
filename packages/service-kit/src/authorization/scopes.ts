/**
 * The OAuth2 scopes of the graph (docs/scopes.md lists them). Rules in the subgraph SDL
 * name these strings; the development token command and the tests use this list.
 */
export const SCOPES = {
  'statistics:read': 'aggregate figures of every pillar',
  'operations:read': 'FPU, incidents, engagements, deployments, patrols, exercises',
  'operations:write': 'record and change operations data',
  'operations:personnel': "officers' names and service numbers",
  'police-cooperation:read': 'information-exchange requests (metadata)',
  'police-cooperation:write': 'record and move information-exchange requests',
  'police-cooperation:subject': 'the subject (personal data) of a request',
  'forensics:read': 'missing-person cases, sites, field operations, remains, identifications',
  'forensics:write': 'record forensics data',
  'forensics:personal': 'names, dates of birth, last-seen places of missing persons',
  'chambers:read': 'support requests of the Specialist Chambers and Prosecutor’s Office',
  'chambers:write': 'submit and move support requests',
  'witness-protection:read': 'programme records under pseudonym (codename, status, risk)',
  'witness-protection:write': 'refer, assess, admit and relocate witnesses',
  'witness-protection:identity': 'real identity, location, relocations of a protected witness',
  'witness-protection:assign':
    'propose, approve (never one’s own proposal, never as the proposed officer) and revoke protection-officer assignments',
  'witness-protection:break-glass':
    'with an X-Break-Glass justification, the identity of a witness one is not assigned to (emergency; always flagged in the audit trail)',
  'audit:read': 'the audit trail',
  'audit:review': 'review break-glass events (never one’s own): JUSTIFIED or UNJUSTIFIED, with a note',
} as const;

export type Scope = keyof typeof SCOPES;

export const ALL_SCOPES = Object.keys(SCOPES) as Scope[];

/** The scope that, with an `X-Break-Glass` justification, opens a witness one is not assigned to. */
export const BREAK_GLASS_SCOPE = 'witness-protection:break-glass' satisfies Scope;
