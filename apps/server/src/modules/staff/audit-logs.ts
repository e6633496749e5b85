import { and, desc, eq, gte, lt, count, type SQL } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { auditLog, staffUsers } from '../../platform/schema.js';

export interface AuditLogQuery {
  actorId?: string;
  action?: string;
  objectType?: string;
  objectId?: string;
  outcome?: 'success' | 'denied' | 'failed';
  /** the x-request-id a user or an operator quotes when reporting a fault */
  requestId?: string;
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
}

/** Searches the append-only audit log, newest first; `from` is inclusive and `to` exclusive. */
export async function searchAuditLog(ctx: AppContext, q: AuditLogQuery) {
  const where: SQL[] = [];
  if (q.actorId) where.push(eq(auditLog.actorId, q.actorId));
  if (q.action) where.push(eq(auditLog.action, q.action));
  if (q.objectType) where.push(eq(auditLog.objectType, q.objectType));
  if (q.objectId) where.push(eq(auditLog.objectId, q.objectId));
  if (q.outcome) where.push(eq(auditLog.outcome, q.outcome));
  if (q.requestId) where.push(eq(auditLog.requestId, q.requestId));
  if (q.from) where.push(gte(auditLog.at, new Date(q.from)));
  if (q.to) where.push(lt(auditLog.at, new Date(q.to)));
  const cond = where.length ? and(...where) : undefined;
  const [{ total }] = await ctx.db.select({ total: count() }).from(auditLog).where(cond);
  const rows = await ctx.db
    .select({ log: auditLog, username: staffUsers.username, displayName: staffUsers.displayName })
    .from(auditLog)
    .leftJoin(staffUsers, and(eq(auditLog.actorKind, 'staff'), eq(staffUsers.id, auditLog.actorId)))
    .where(cond)
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize);
  return {
    items: rows.map(({ log, username, displayName }) => ({
      id: log.id,
      at: log.at.toISOString(),
      actorKind: log.actorKind,
      actorId: log.actorId,
      actorName: log.actorName ?? displayName ?? null,
      actorUsername: username ?? null,
      action: log.action,
      objectType: log.objectType,
      objectId: log.objectId,
      outcome: log.outcome,
      ip: log.ip,
      requestId: log.requestId,
      detail: log.detail,
    })),
    total,
    page: q.page,
    pageSize: q.pageSize,
  };
}
