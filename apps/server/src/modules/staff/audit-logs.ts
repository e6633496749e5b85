import { and, desc, eq, gte, inArray, lt, count, type SQL } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { maskName } from '../../platform/pii.js';
import { auditLog, staffUsers } from '../../platform/schema.js';
import { directoryNames } from '../directory/index.js';
import { patientNames } from '../identity/index.js';
import { registrationPatientNames } from '../registration/index.js';

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
  const names = await objectNames(
    ctx,
    rows.map(({ log }) => log),
  );
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
      /** what a person reads instead of the id: a patient's masked name, a user's or a doctor's name */
      objectName: (log.objectType && log.objectId && names.get(`${log.objectType}:${log.objectId}`)) || null,
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

type Named = { id: string; name: string };

/**
 * The display names of the objects a page of the log names, one query per kind: a patient (and a
 * registration's patient) by masked name, as staff lists show them; staff users, doctors and
 * departments by name. Other kinds show their type only.
 */
async function objectNames(
  ctx: AppContext,
  logs: { objectType: string | null; objectId: string | null }[],
): Promise<Map<string, string>> {
  const idsOf = (type: string) => [
    ...new Set(logs.filter((l) => l.objectType === type && l.objectId).map((l) => l.objectId!)),
  ];
  const lookups: [string, (ids: string[]) => Promise<Named[]>][] = [
    [
      'patient',
      async (ids) => [...(await patientNames(ctx, ids))].map(([id, name]) => ({ id, name: maskName(name) })),
    ],
    [
      'registration',
      async (ids) =>
        [...(await registrationPatientNames(ctx, ids))].map(([id, name]) => ({ id, name: maskName(name) })),
    ],
    [
      'staff_user',
      async (ids) =>
        (
          await ctx.db
            .select({ id: staffUsers.id, name: staffUsers.displayName, username: staffUsers.username })
            .from(staffUsers)
            .where(inArray(staffUsers.id, ids))
        ).map((r) => ({ id: r.id, name: r.name || r.username })),
    ],
    [
      'doctor',
      async (ids) =>
        [...(await directoryNames(ctx, { doctorIds: ids, departmentIds: [] })).doctors].map(([id, d]) => ({
          id,
          name: d.name,
        })),
    ],
    [
      'department',
      async (ids) =>
        [...(await directoryNames(ctx, { doctorIds: [], departmentIds: ids })).departments].map(
          ([id, name]) => ({
            id,
            name,
          }),
        ),
    ],
  ];
  const names = new Map<string, string>();
  for (const [type, lookup] of lookups) {
    const ids = idsOf(type);
    if (!ids.length) continue;
    for (const r of await lookup(ids)) names.set(`${type}:${r.id}`, r.name);
  }
  return names;
}
