import { and, eq, inArray } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { conflict } from '../../platform/errors.js';
import type { PatientRecord } from '../identity/index.js';
import { registrations } from './schema.js';
import { LIVE_STATES } from './states.js';

/** A patient with an unpaid or upcoming registration cannot be removed from the account. */
export async function registrationRemovalGuard(ctx: AppContext, patient: PatientRecord): Promise<void> {
  const [live] = await ctx.db
    .select({ id: registrations.id })
    .from(registrations)
    .where(and(eq(registrations.patientId, patient.id), inArray(registrations.state, LIVE_STATES)))
    .limit(1);
  if (live)
    throw conflict(
      'PATIENT_HAS_LIVE_REGISTRATIONS',
      '该就诊人有未完成的挂号，请先退号或就诊后再解绑',
      'This patient has an open registration; cancel it or attend first',
    );
}
