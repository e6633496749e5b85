import { api } from './client';
import type { Prescription } from './pharmacy';

/** A booked patient on a clinic list: the name comes masked. */
export interface ClinicPatient {
  registrationId: string;
  patientName: string;
  slotNumber: number;
  queueNumber: number | null;
  state: string;
  segmentStartAt: string;
  segmentEndAt: string;
  checkedInAt: string | null;
}

export interface ClinicCard {
  scheduleId: string;
  doctorId: string;
  doctorName: string | null;
  departmentId: string;
  departmentName: string | null;
  clinicDate: string;
  shiftCode: string;
  startAt: string;
  endAt: string;
  state: 'open' | 'stopped' | 'past';
  bookingClosed: boolean;
  total: number;
  booked: number;
  remaining: number;
  checkedIn: number;
  waiting: number;
  noShow: number;
  patients?: ClinicPatient[];
}

export interface ServerMessage {
  code?: string;
  reasonCode?: string;
  message: { zh: string; en: string };
}

/** GET /admin/workbench: the signed-in staff member's home; a section is there when their role has it. */
export interface Workbench {
  date: string;
  staff: {
    displayName: string | null;
    doctorName: string | null;
    departmentName: string | null;
  };
  notLinked?: ServerMessage;
  doctor?: { doctorId: string; clinics: ClinicCard[] };
  nurse?: {
    departmentId: string;
    clinics: ClinicCard[];
    totals: { clinics: number; booked: number; checkedIn: number; waiting: number; noShow: number };
  };
  pharmacist?: { toDispense: number; uploadFailed: number; items: Prescription[] };
  medic?: ServerMessage & { available: boolean; items: never[] };
  overview?: {
    clinics: number;
    clinicsStopped: number;
    slots: number;
    slotsLeft: number;
    registrations: {
      booked: number;
      checkedIn: number;
      waiting: number;
      awaitingPayment: number;
      noShow: number;
      cancelled: number;
    };
    registrationFeesFen: number;
    refundsOpen: number;
  };
}

export const getWorkbench = () => api.get<Workbench>('/admin/workbench');
