import type { FastifyRequest } from 'fastify';
import type { AppContext } from './context.js';
import { auditLog } from './schema.js';

export interface AuditEntry {
  action: string;
  objectType?: string;
  objectId?: string;
  outcome?: 'success' | 'denied' | 'failed';
  detail?: Record<string, unknown>;
}

/**
 * Appends one audit row: who (from the request's principal), what, on which object, outcome,
 * network address and time. Never pass personal data in `detail`: ids only.
 */
export async function audit(
  ctx: AppContext,
  req: FastifyRequest | undefined,
  entry: AuditEntry,
): Promise<void> {
  const p = req?.principal;
  await ctx.db.insert(auditLog).values({
    at: ctx.clock.now(),
    actorKind: p?.kind ?? 'system',
    actorId: p?.id ?? null,
    action: entry.action,
    objectType: entry.objectType ?? null,
    objectId: entry.objectId ?? null,
    outcome: entry.outcome ?? 'success',
    ip: req?.ip ?? null,
    requestId: req?.id ?? null,
    detail: entry.detail ?? null,
  });
}
