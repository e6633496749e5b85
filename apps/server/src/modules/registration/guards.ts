import { and, eq, inArray } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { conflict } from '../../platform/errors.js';
import { PatientRemoved } from '../identity/index.js';
import { registrations } from './schema.js';
import { LIVE_STATES } from './states.js';

/**
 * A patient with an unpaid or upcoming registration cannot be removed from the account: a veto in
 * the removal's own transaction (the refusal must roll the removal back, so it cannot come after).
 */
export function refuseRemovalWithLiveRegistrations(ctx: AppContext): void {
  ctx.events.subscribeInTransaction(
    PatientRemoved,
    'registration.live-registrations-veto',
    async (_c, tx, e) => {
      const [live] = await tx
        .select({ id: registrations.id })
        .from(registrations)
        .where(
          and(eq(registrations.patientId, e.payload.patientId), inArray(registrations.state, LIVE_STATES)),
        )
        .limit(1);
      if (live)
        throw conflict(
          'PATIENT_HAS_LIVE_REGISTRATIONS',
          '该就诊人有未完成的挂号，请先退号或就诊后再解绑',
          'This patient has an open registration; cancel it or attend first',
        );
    },
  );
}
