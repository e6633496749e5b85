import type { DbOrTx } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { hospitalDay } from '../../platform/clock.js';
import { maskName } from '../../platform/pii.js';
import { blindIndexOf, getPatientById, type PatientRecord } from '../identity/index.js';

export { blindIndexOf };
import { notify, registerTemplates } from '../notifications/index.js';
import type { blacklistEntries } from './schema.js';

// The blacklist's needs from other modules: the patient (existence, name, account) and telling them.

type Entry = typeof blacklistEntries.$inferSelect;

registerTemplates({
  'blacklist.banned': {
    category: 'registration',
    title: { zh: '预约权限受限通知', en: 'Booking restricted' },
    body: {
      zh: '就诊人 {patientName} 因“{reason}”被限制预约挂号，限制至 {endsOn} 结束。如有疑问请联系医院。',
      en: 'Patient {patientName} may not book appointments until {endsOn} (reason: {reason}). Contact the hospital with any questions.',
    },
    channels: ['inapp', 'wechat', 'alipay', 'sms'],
  },
  'blacklist.lifted': {
    category: 'registration',
    title: { zh: '预约权限已恢复', en: 'Booking restored' },
    body: {
      zh: '就诊人 {patientName} 的预约限制已解除，可正常预约挂号。',
      en: 'The booking restriction on patient {patientName} has been lifted.',
    },
    channels: ['inapp'],
  },
});

/** The patient, or 404 PATIENT_NOT_FOUND. */
export function patientOf(ctx: AppContext, patientId: string, tx?: DbOrTx): Promise<PatientRecord> {
  return getPatientById(ctx, patientId, tx);
}

/** The person behind a patient record: the blind index of the ID number. */
export function personIdxOf(ctx: AppContext, patient: PatientRecord): string {
  return blindIndexOf(ctx, patient.idNumber);
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

/** The last day a ban blocks, in the hospital zone (a ban ending at midnight ends the day before). */
export function lastBannedDay(ctx: AppContext, endsAt: Date): string {
  return hospitalDay(new Date(endsAt.getTime() - 1), ctx.config.HOSPITAL_TIMEZONE);
}

/** Tells the patient's account about a new ban, in the transaction that wrote it. */
export async function notifyBan(ctx: AppContext, patient: PatientRecord, entry: Entry, tx: DbOrTx) {
  await notify(
    ctx,
    {
      accountId: patient.accountId,
      template: 'blacklist.banned',
      data: { patientName: patient.name, reason: entry.reason, endsOn: lastBannedDay(ctx, entry.endsAt) },
    },
    tx,
  );
}

export async function notifyLift(ctx: AppContext, patient: PatientRecord) {
  await notify(ctx, {
    accountId: patient.accountId,
    template: 'blacklist.lifted',
    data: { patientName: patient.name },
  });
}
