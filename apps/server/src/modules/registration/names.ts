import { inArray } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { registrations } from './schema.js';

/** The patient's name on each of these registrations (unmasked: the caller masks it as its list shows names). */
export async function registrationPatientNames(ctx: AppContext, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await ctx.db
    .select({ id: registrations.id, name: registrations.patientName })
    .from(registrations)
    .where(inArray(registrations.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}
