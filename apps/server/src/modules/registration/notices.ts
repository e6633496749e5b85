// Registration: notifications sent to the patient.

import type { Tx } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { formatYuan } from '../../platform/money.js';
import { dayjs } from '../../platform/clock.js';
import { notify } from '../notifications/index.js';
import type { Registration } from './shared.js';
import { namesFor } from './queries.js';

export type Labels = Map<string, { doctorName: string; departmentName: string }>;

/** Doctor and department names for messages, read before a transaction (never ctx.db inside one). */
export async function labelsFor(
  ctx: AppContext,
  rows: Pick<Registration, 'doctorId' | 'departmentId'>[],
): Promise<Labels> {
  const names = await namesFor(ctx, rows);
  const out: Labels = new Map();
  for (const r of rows)
    out.set(`${r.doctorId}|${r.departmentId}`, {
      doctorName: names.doctors.get(r.doctorId)?.name ?? '',
      departmentName: names.departments.get(r.departmentId) ?? '',
    });
  return out;
}

export async function notifyRegistration(
  ctx: AppContext,
  tx: Tx,
  r: Registration,
  template: string,
  extra: Record<string, unknown> = {},
  labels?: Labels,
): Promise<void> {
  const tz = ctx.config.HOSPITAL_TIMEZONE;
  const label = labels?.get(`${r.doctorId}|${r.departmentId}`);
  await notify(
    ctx,
    {
      accountId: r.accountId!,
      template,
      data: {
        registrationId: r.id,
        patientName: r.patientName,
        clinicDate: r.clinicDate,
        time: `${dayjs(r.segmentStartAt).tz(tz).format('HH:mm')}-${dayjs(r.segmentEndAt).tz(tz).format('HH:mm')}`,
        slotNumber: r.slotNumber,
        fee: formatYuan(r.feeFen),
        doctorName: label?.doctorName ?? '',
        departmentName: label?.departmentName ?? '',
        ...extra,
      },
    },
    tx,
  );
}
