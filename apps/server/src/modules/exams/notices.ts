// Exams: notifications sent to the patient about a booking.

import type { Db } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { formatYuan } from '../../platform/money.js';
import { maskName } from '../../platform/pii.js';
import { getPatientById } from '../identity/index.js';
import { notify } from '../notifications/index.js';
import type { ExamBooking } from './shared.js';

export async function notifyBooking(
  ctx: AppContext,
  tx: Db,
  b: ExamBooking,
  template: string,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const p = await getPatientById(ctx, b.patientId, tx).catch(() => undefined);
  await notify(
    ctx,
    {
      accountId: b.accountId,
      template,
      data: {
        bookingId: b.id,
        bookingNo: b.bookingNo,
        patientName: p ? maskName(p.name) : '',
        packageName: b.packageName,
        examDate: b.examDate,
        amountYuan: formatYuan(b.priceFen),
        ...extra,
      },
    },
    tx,
  );
}
