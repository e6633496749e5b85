import { inArray } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { patients } from './schema.js';

/** The name of each of these patients (unmasked: the caller masks it as its list shows names). */
export async function patientNames(ctx: AppContext, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await ctx.db
    .select({ id: patients.id, name: patients.name })
    .from(patients)
    .where(inArray(patients.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}
