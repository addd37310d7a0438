import { badUserInput, requireDate, requireUuid } from '@mission-graph/service-kit';
import type {
  ExchangeChannel,
  ExchangeDirection,
  HandlingCode,
  InformationAccuracy,
  SourceReliability,
} from '../db/schema.js';
import { ACCURACY_GRADE, type InformationAccuracyName } from './information-accuracy.js';

/** `RecordExchangeRequestInput` as GraphQL hands it over (enum values already internal). */
export interface RecordExchangeRequestInput {
  channel: ExchangeChannel;
  direction: ExchangeDirection;
  counterpart: string;
  kosovoPoliceUnit: string;
  requestDate: string;
  subject: string;
  legalBasis?: string | null;
  handlingCode: HandlingCode;
  handlingConditions?: string | null;
  sourceReliability: SourceReliability;
  informationAccuracy: InformationAccuracyName;
  relatedMissingPersonId?: string | null;
}

/** The checked, normalised input: trimmed text, null for absent optional values. */
export interface NewExchangeRequest {
  channel: ExchangeChannel;
  direction: ExchangeDirection;
  counterpart: string;
  kosovoPoliceUnit: string;
  requestDate: string;
  subject: string;
  legalBasis: string | null;
  handlingCode: HandlingCode;
  handlingConditions: string | null;
  sourceReliability: SourceReliability;
  informationAccuracy: InformationAccuracy;
  missingPersonId: string | null;
}

export const TEXT_LIMITS = {
  counterpart: 200,
  kosovoPoliceUnit: 200,
  subject: 500,
  legalBasis: 500,
  handlingConditions: 500,
} as const;

function requiredText(value: unknown, field: keyof typeof TEXT_LIMITS): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '') throw badUserInput(`input.${field}`, 'must not be empty');
  return limited(text, field);
}

function optionalText(value: unknown, field: keyof typeof TEXT_LIMITS): string | null {
  const text = typeof value === 'string' ? value.trim() : '';
  return text === '' ? null : limited(text, field);
}

function limited(text: string, field: keyof typeof TEXT_LIMITS): string {
  if (text.length > TEXT_LIMITS[field]) {
    throw badUserInput(`input.${field}`, `must be at most ${TEXT_LIMITS[field]} characters; got ${text.length}`);
  }
  return text;
}

/**
 * The rules of recording (each also a CHECK on the table): non-empty text within its
 * limit, conditions with H3 and only with it, a legal basis for the Serbian MoI channel
 * (the protocol on police cooperation), a UUID for the missing person (forensics owns
 * the persons, so only the format is checked here).
 */
export function checkRecordInput(input: RecordExchangeRequestInput): NewExchangeRequest {
  const legalBasis = optionalText(input.legalBasis, 'legalBasis');
  if (input.channel === 'SERBIAN_MOI' && legalBasis === null) {
    throw badUserInput(
      'input.legalBasis',
      'is required for the Serbian Ministry of Interior channel: name the protocol on police cooperation',
    );
  }
  const handlingConditions = optionalText(input.handlingConditions, 'handlingConditions');
  if (input.handlingCode === 'H3' && handlingConditions === null) {
    throw badUserInput('input.handlingConditions', 'is required with handling code H3: state the restrictions');
  }
  if (input.handlingCode !== 'H3' && handlingConditions !== null) {
    throw badUserInput(
      'input.handlingConditions',
      `is only for handling code H3 (free-text restrictions); got handling code ${input.handlingCode}`,
    );
  }
  return {
    channel: input.channel,
    direction: input.direction,
    counterpart: requiredText(input.counterpart, 'counterpart'),
    kosovoPoliceUnit: requiredText(input.kosovoPoliceUnit, 'kosovoPoliceUnit'),
    requestDate: requireDate(input.requestDate, 'input.requestDate'),
    subject: requiredText(input.subject, 'subject'),
    legalBasis,
    handlingCode: input.handlingCode,
    handlingConditions,
    sourceReliability: input.sourceReliability,
    informationAccuracy: ACCURACY_GRADE[input.informationAccuracy],
    missingPersonId:
      input.relatedMissingPersonId === undefined || input.relatedMissingPersonId === null
        ? null
        : requireUuid(input.relatedMissingPersonId, 'input.relatedMissingPersonId'),
  };
}
