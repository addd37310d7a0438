import { badUserInput, conflict } from '@mission-graph/service-kit';
import { epochOf } from './text.js';

/**
 * At no instant do the unit's deployments commit more officers than its authorized
 * strength: a new deployment may commit at most what its busiest instant leaves
 * available (authorized − the most deployed at once from its start on), `busiestAt`.
 */
export function checkOfficersAvailable(requested: number, available: number, authorized: number, busiestAt?: string): number {
  if (!Number.isInteger(requested) || requested < 1) {
    throw badUserInput('input.officersCommitted', `must be a whole number of at least 1; got ${requested}`);
  }
  if (requested > available) {
    const when = busiestAt ? ` at ${new Date(epochOf(busiestAt)).toISOString()}, the busiest instant of the deployment's period` : '';
    const error = badUserInput(
      'input.officersCommitted',
      `the unit has ${available} of its ${authorized} officers available${when}; ${requested} requested`,
    );
    Object.assign(error.extensions, { availableStrength: available, requested, ...(busiestAt ? { busiestAt: new Date(epochOf(busiestAt)).toISOString() } : {}) });
    throw error;
  }
  return requested;
}

/** Named officers, when given: distinct, and exactly as many as committed. */
export function checkNamedOfficers(officerIds: readonly string[], committed: number): string[] {
  const distinct = [...new Set(officerIds)];
  if (distinct.length !== officerIds.length) throw badUserInput('input.officerIds', 'names an officer twice');
  if (distinct.length > 0 && distinct.length !== committed) {
    throw badUserInput(
      'input.officerIds',
      `names ${distinct.length} officers but the deployment commits ${committed}; name all of them or none`,
    );
  }
  return distinct;
}

/** A deployment ends once, after it started. */
export function checkDeploymentEnd(
  deployment: { id: string; startedAt: string; endedAt: string | null },
  endedAt: string,
): string {
  if (deployment.endedAt !== null) {
    throw conflict(`deployment "${deployment.id}" already ended at ${new Date(epochOf(deployment.endedAt)).toISOString()}`, {
      currentState: 'ENDED',
      requestedState: 'ENDED',
    });
  }
  if (epochOf(endedAt) <= epochOf(deployment.startedAt)) {
    throw badUserInput(
      'input.endedAt',
      `must be after the deployment started (${new Date(epochOf(deployment.startedAt)).toISOString()}); got ${endedAt}`,
    );
  }
  return endedAt;
}
