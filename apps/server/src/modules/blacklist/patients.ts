import type { AppContext } from '../../platform/context.js';
import { maskName } from '../../platform/pii.js';
import { getPatientById, type PatientRecord } from '../identity/service.js';
import type { blacklistEntries } from './schema.js';

// The blacklist's needs from other modules: the patient (existence, masked name) and telling them.

/** The patient, or 404 PATIENT_NOT_FOUND. */
export function patientOf(ctx: AppContext, patientId: string): Promise<PatientRecord> {
  return getPatientById(ctx, patientId);
}

/** Masked names of patients (staff listings), by id; removed patients map to null. */
export async function maskedNames(ctx: AppContext, ids: string[]): Promise<Map<string, string | null>> {
  const names = new Map<string, string | null>();
  for (const id of new Set(ids)) {
    names.set(
      id,
      await getPatientById(ctx, id).then(
        (p) => maskName(p.name),
        () => null,
      ),
    );
  }
  return names;
}

export async function notifyBan(
  _ctx: AppContext,
  _entry: typeof blacklistEntries.$inferSelect,
): Promise<void> {}
