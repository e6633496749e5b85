import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { dayjs, hospitalDay } from '../../platform/clock.js';
import { formatYuan } from '../../platform/money.js';
import { blindIndexOf, findPatientsByPerson } from '../identity/index.js';
import { notify } from '../notifications/index.js';
import { billFeeMessages, bills } from './schema.js';

export const PAY_REMINDER_JOB = 'billing.pay-reminder';

type BillRow = typeof bills.$inferSelect;
type FeeMessageKind = 'new_fee' | 'reminder';

/**
 * MSG-04 费用产生推送: a bill the HIS has just pushed is announced once to every account that holds
 * its patient (the patient's own, and a family member's account the patient consented to). A
 * re-push of the same bill finds the claim and says nothing; a bill of a person no account holds
 * yet is left unclaimed (the reminder still reaches them once they are added).
 */
export async function announceNewBills(ctx: AppContext, billIds: string[]): Promise<number> {
  if (!billIds.length) return 0;
  const rows = await ctx.db
    .select()
    .from(bills)
    .where(and(inArray(bills.id, billIds), eq(bills.state, 'pending')));
  let sent = 0;
  for (const b of rows) if (await sendOnce(ctx, b, 'new_fee')) sent++;
  return sent;
}

/**
 * MSG-04 待缴费提醒: an unpaid bill lapses at the end of its billing day (hospital zone); the job
 * reminds once, BILL_PAY_REMINDER_HOURS_BEFORE_DAY_END hours before, of every bill of today still
 * unpaid. A bill pushed after that moment only had its new-fee message; a paid one is not reminded.
 */
export async function remindUnpaidBills(ctx: AppContext): Promise<{ reminded: number }> {
  const now = ctx.clock.now();
  const tz = ctx.config.HOSPITAL_TIMEZONE;
  const dayStart = dayjs.tz(hospitalDay(now, tz), tz);
  const remindAt = dayStart.add(1, 'day').subtract(ctx.config.BILL_PAY_REMINDER_HOURS_BEFORE_DAY_END, 'hour');
  if (now < remindAt.toDate()) return { reminded: 0 };
  const due = await ctx.db
    .select()
    .from(bills)
    .where(
      and(
        eq(bills.state, 'pending'),
        gte(bills.billedAt, dayStart.toDate()),
        lt(bills.billedAt, remindAt.toDate()),
        sql`NOT EXISTS (SELECT 1 FROM bill_fee_messages m WHERE m.bill_id = ${bills.id} AND m.kind = 'reminder')`,
      ),
    )
    .limit(1000);
  let reminded = 0;
  for (const b of due) if (await sendOnce(ctx, b, 'reminder')) reminded++;
  return { reminded };
}

/** The claim and the messages in one transaction: sent once, or not at all. */
async function sendOnce(ctx: AppContext, b: BillRow, kind: FeeMessageKind): Promise<boolean> {
  const holders = (await findPatientsByPerson(ctx, { idNumberIdx: b.patientIdx, visitCardNo: b.visitCardNo }))
    .filter((p) => p.verified && p.consentState !== 'pending')
    .filter(
      (p) =>
        b.patientIdx === blindIndexOf(ctx, p.idNumber) ||
        (!!p.visitCardNo && p.visitCardNo === b.visitCardNo),
    );
  const byAccount = new Map(holders.map((p) => [p.accountId, p]));
  if (!byAccount.size) return false;
  return ctx.db.transaction(async (tx) => {
    const db = tx as unknown as Db;
    // still unpaid now: the row lock keeps a payment landing meanwhile from slipping past the check
    const [still] = await tx
      .select({ id: bills.id })
      .from(bills)
      .where(and(eq(bills.id, b.id), eq(bills.state, 'pending')))
      .for('update');
    if (!still) return false;
    const [claimed] = await tx
      .insert(billFeeMessages)
      .values({ billId: b.id, kind, recipients: byAccount.size, sentAt: ctx.clock.now() })
      .onConflictDoNothing()
      .returning();
    if (!claimed) return false;
    for (const [accountId, p] of byAccount)
      await notify(
        ctx,
        {
          accountId,
          template: kind === 'new_fee' ? 'bill.new-fee' : 'bill.pay-reminder',
          data: {
            billId: b.id,
            patientId: p.id,
            patientName: p.name,
            title: b.title,
            amount: formatYuan(b.amountFen),
            location: b.execLocation,
          },
        },
        db,
      );
    return true;
  });
}
