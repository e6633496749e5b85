import type {
  ClinicCard as SharedClinicCard,
  ClinicPatient as SharedClinicPatient,
  Workbench as SharedWorkbench,
} from '@qingnang/contracts/api-types/console';
import type { AppContext } from '../../platform/context.js';
import type { Principal } from '../../platform/auth.js';
import { directoryNames } from '../directory/index.js';
import { maskPersonName } from '../registration/index.js';
import { clinicDayCounts, registrationsOfClinics } from '../registration/index.js';
import {
  assertWithinScope,
  clinicalScopeOf,
  isDoctorDesk,
  isNurseDesk,
  staffLinkOf,
  type ClinicalScope,
} from '../registration/index.js';
import { browseSchedules, type ScheduleView } from '../scheduling/index.js';
import { staffList } from '../pharmacy/index.js';

/**
 * Each staff role's home (issue 15, defect 13): what is theirs today. A section is present when the
 * staff member holds its permission: the doctor workbench → their clinics and booked patients; the
 * nurse workbench → their department's clinics with check-in counts; the pharmacy workbench → the
 * e-prescriptions waiting at the hospital pharmacy or for a retried upload; the emergency workbench →
 * an honest empty state (120 dispatch is not built yet); hospital-wide readers (registrations,
 * payments, scheduling; the administrator) → today's key counts.
 */

/** The clinic list and home shapes are the contracts' (the console reads them); times are Dates here. */
export type ClinicPatient = SharedClinicPatient<Date>;
export type ClinicCard = SharedClinicCard<Date>;
type PharmacyRow = Awaited<ReturnType<typeof staffList>>['items'][number];
export type Workbench = SharedWorkbench<Date, PharmacyRow>;

/** Registrations that belong on a clinic list: bookings that stand, were seen or were missed. */
const LISTED_STATES = ['booked', 'checked_in', 'completed', 'no_show'] as const;

/**
 * The clinics of a date within a scope, each with its counts; with `withPatients` also the booked
 * patients in slot order. `filter` narrows to one doctor or department (refused outside the scope).
 */
export async function clinicsOf(
  ctx: AppContext,
  input: {
    date: string;
    scope: ClinicalScope | undefined;
    filter?: { doctorId?: string; departmentId?: string };
    withPatients: boolean;
  },
): Promise<ClinicCard[]> {
  const filter = input.filter ?? {};
  assertWithinScope(input.scope, filter);
  const scopes = input.scope
    ? [
        ...input.scope.doctorIds.map((doctorId) => ({ doctorId })),
        ...input.scope.departmentIds.map((departmentId) => ({ departmentId })),
      ]
    : [{}];
  const seen = new Set<string>();
  const views: ScheduleView[] = [];
  for (const s of scopes) {
    const found = await browseSchedules(ctx, {
      doctorId: filter.doctorId ?? (s as { doctorId?: string }).doctorId,
      departmentId: filter.departmentId ?? (s as { departmentId?: string }).departmentId,
      from: input.date,
      to: input.date,
    });
    for (const v of found)
      if (!seen.has(v.id)) {
        seen.add(v.id);
        views.push(v);
      }
  }
  views.sort((a, b) => a.startAt.getTime() - b.startAt.getTime() || a.doctorId.localeCompare(b.doctorId));
  if (views.length === 0) return [];
  const rows = await registrationsOfClinics(
    ctx,
    views.map((v) => v.id),
    LISTED_STATES,
  );
  const names = await directoryNames(ctx, {
    doctorIds: views.map((v) => v.doctorId),
    departmentIds: views.map((v) => v.departmentId),
  });
  return views.map((v) => {
    const mine = rows.filter((r) => r.scheduleId === v.id);
    const count = (state: string) => mine.filter((r) => r.state === state).length;
    const card: ClinicCard = {
      scheduleId: v.id,
      doctorId: v.doctorId,
      doctorName: names.doctors.get(v.doctorId)?.name ?? null,
      departmentId: v.departmentId,
      departmentName: names.departments.get(v.departmentId) ?? null,
      clinicDate: v.clinicDate,
      shiftCode: v.shiftCode,
      startAt: v.startAt,
      endAt: v.endAt,
      state: v.state,
      bookingClosed: v.bookingClosed,
      total: v.total,
      booked: v.booked,
      remaining: v.remaining,
      checkedIn: count('checked_in') + count('completed'),
      waiting: count('booked'),
      noShow: count('no_show'),
    };
    if (input.withPatients)
      card.patients = mine.map((r) => ({
        registrationId: r.id,
        patientName: maskPersonName(r.patientName),
        slotNumber: r.slotNumber,
        queueNumber: r.queueNumber,
        state: r.state,
        segmentStartAt: r.segmentStartAt,
        segmentEndAt: r.segmentEndAt,
        checkedInAt: r.checkedInAt,
      }));
    return card;
  });
}

/** The role home of one staff member for a date (today by default). */
export async function workbenchOf(ctx: AppContext, p: Principal, date?: string): Promise<Workbench> {
  const day = date ?? ctx.clock.today();
  const link = await staffLinkOf(ctx, p.id);
  const names = await directoryNames(ctx, {
    doctorIds: link.doctorId ? [link.doctorId] : [],
    departmentIds: link.departmentId ? [link.departmentId] : [],
  });
  const out: Workbench = {
    date: day,
    staff: {
      displayName: link.displayName,
      doctorId: link.doctorId,
      doctorName: link.doctorId ? (names.doctors.get(link.doctorId)?.name ?? null) : null,
      departmentId: link.departmentId,
      departmentName: link.departmentId ? (names.departments.get(link.departmentId) ?? null) : null,
    },
  };
  const everything = p.permissions.has('*');
  const clinical = !everything && (isDoctorDesk(p) || isNurseDesk(p));
  if (clinical) {
    // an account without its link gets the reason instead of an empty page
    const scope = await clinicalScopeOf(ctx, p).catch((err: unknown) => {
      if (err instanceof Error && 'code' in err && err.code === 'STAFF_NOT_LINKED') return null;
      throw err;
    });
    if (scope === null) out.notLinked = notLinked;
    if (scope && isDoctorDesk(p) && link.doctorId)
      out.doctor = {
        doctorId: link.doctorId,
        clinics: await clinicsOf(ctx, {
          date: day,
          scope: { doctorIds: [link.doctorId], departmentIds: [] },
          withPatients: true,
        }),
      };
    if (scope && isNurseDesk(p) && link.departmentId) {
      const clinics = await clinicsOf(ctx, {
        date: day,
        scope: { doctorIds: [], departmentIds: [link.departmentId] },
        withPatients: false,
      });
      out.nurse = {
        departmentId: link.departmentId,
        clinics,
        totals: {
          clinics: clinics.length,
          booked: clinics.reduce((a, c) => a + c.waiting + c.checkedIn + c.noShow, 0),
          checkedIn: clinics.reduce((a, c) => a + c.checkedIn, 0),
          waiting: clinics.reduce((a, c) => a + c.waiting, 0),
          noShow: clinics.reduce((a, c) => a + c.noShow, 0),
        },
      };
    }
  }
  if (!everything && p.permissions.has('pharmacy.workbench')) out.pharmacist = await pharmacyQueue(ctx);
  if (!everything && p.permissions.has('emergency.workbench')) out.medic = emergencyNotBuilt;
  if (
    everything ||
    (!clinical &&
      ['registrations.read', 'payments.read', 'scheduling.manage'].some((perm) => p.permissions.has(perm)))
  )
    out.overview = await todayCounts(ctx, day);
  return out;
}

const notLinked = {
  code: 'STAFF_NOT_LINKED',
  message: {
    zh: '您的账号尚未关联医生或科室，请联系管理员设置后查看门诊与患者',
    en: 'Your account is not linked to a doctor or a department; ask an administrator to link it',
  },
};

/** 120 dispatch (EMG) is not built: the medic's home says so instead of showing invented cases. */
const emergencyNotBuilt = {
  available: false,
  reasonCode: 'EMERGENCY_NOT_AVAILABLE',
  message: {
    zh: '院前急救（120 调度）功能尚未上线，暂无分派给您的急救任务',
    en: 'Pre-hospital emergency (120 dispatch) is not available yet; no emergency tasks are assigned to you',
  },
  items: [] as never[],
};

/** E-prescriptions for the pharmacist: waiting at the hospital pharmacy, and uploads that failed. */
async function pharmacyQueue(ctx: AppContext) {
  const [atHospital, failed] = await Promise.all([
    staffList(ctx, { state: 'at_hospital', page: 1, pageSize: 20 }),
    staffList(ctx, { state: 'upload_failed', page: 1, pageSize: 20 }),
  ]);
  return {
    toDispense: atHospital.total,
    uploadFailed: failed.total,
    items: [...atHospital.items, ...failed.items],
  };
}

/** The day's key counts for hospital-wide staff: clinics, bookings by state, fees taken and refunds open. */
async function todayCounts(ctx: AppContext, day: string) {
  const views = await browseSchedules(ctx, { from: day, to: day });
  const r = await clinicDayCounts(ctx, day);
  return {
    clinics: views.length,
    clinicsStopped: views.filter((v) => v.state === 'stopped').length,
    slots: views.reduce((a, v) => a + v.total, 0),
    slotsLeft: views.reduce((a, v) => a + v.remaining, 0),
    registrations: {
      booked: r.booked,
      checkedIn: r.checkedIn,
      waiting: r.waiting,
      awaitingPayment: r.locked,
      noShow: r.noShow,
      cancelled: r.cancelled,
    },
    registrationFeesFen: r.feesFen,
    refundsOpen: r.refundsOpen,
  };
}
