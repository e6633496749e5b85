import type { AppContext } from '../../platform/context.js';

/**
 * The incident-count port the blacklist rules read: how often a patient missed or cancelled a visit
 * since a moment. The registration module, which owns visits, provides it when it registers; the
 * blacklist never reads registrations itself (and so never imports registration).
 */
export interface IncidentCounts {
  noShows(ctx: AppContext, patientId: string, since: Date): Promise<number>;
  cancellations(ctx: AppContext, patientId: string, since: Date): Promise<number>;
}

let counts: IncidentCounts | undefined;

export function provideIncidentCounts(c: IncidentCounts): void {
  counts = c;
}

export function incidentCounts(): IncidentCounts {
  if (!counts)
    throw new Error('blacklist: no incident counts; the registration module provides them when it registers');
  return counts;
}
