import { api, toPage, type Page, type Query } from './client';

export type PrescriptionState =
  | 'pending_upload'
  | 'circulating'
  | 'dispatched'
  | 'at_hospital'
  | 'dispensed'
  | 'rejected'
  | 'upload_failed'
  | 'revoked'
  | 'expired';

export const PRESCRIPTION_STATES: PrescriptionState[] = [
  'pending_upload',
  'upload_failed',
  'rejected',
  'circulating',
  'dispatched',
  'at_hospital',
  'dispensed',
  'revoked',
  'expired',
];

/** An insurance e-prescription (INS-16) the HIS pushed; the patient name comes masked. */
export interface Prescription {
  id: string;
  patientId: string;
  patientName: string;
  hisRxNo: string;
  kind: 'ordinary' | 'special_disease';
  specialDisease: { code: string; name: string } | null;
  doctorName: string;
  departmentName: string;
  issuedAt: string;
  validUntil: string;
  state: PrescriptionState;
  itemCount: number;
  totalFen: number;
  dualChannel: boolean;
  pharmacy?: { code: string; name: string } | null;
  hiRxNo: string | null;
  visitNo: string | null;
  attempts: number;
  lastError: string | null;
}

/** One step of a prescription's history: upload attempts and their errors, the patient's choice, ... */
export interface PrescriptionEvent {
  at: string;
  kind: string;
  actor: string;
  detail?: Record<string, unknown> | null;
}

export interface PrescriptionDetail extends Prescription {
  diagnoses: { code: string; name: string }[];
  items: {
    drugCode: string;
    name: string;
    spec: string;
    dosageForm?: string | null;
    quantity: number;
    unit: string;
    unitPriceFen: number;
    dose?: string | null;
    frequency?: string | null;
    route?: string | null;
    days?: number | null;
    dualChannel: boolean;
  }[];
  traceCode: string | null;
  pickupCode?: string | null;
  pharmacy?:
    ({ code: string; name: string } & { address?: string; phone?: string; dualChannel?: boolean }) | null;
  dispensed?: {
    at: string;
    pharmacyName: string;
    totalFen: number;
    fundFen: number;
    accountFen: number;
    cashFen: number;
  } | null;
  rejectReason?: string | null;
  revokeReason?: string | null;
}

/** The console's view adds the upload bookkeeping and the history. */
export interface StaffPrescriptionDetail extends PrescriptionDetail {
  doctorCode: string;
  insuranceDoctorCode: string;
  reviewedBy: string | null;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  rejectCode: string | null;
  history: PrescriptionEvent[];
}

export const listPrescriptions = async (q: Query): Promise<Page<Prescription>> =>
  toPage<Prescription>(await api.get('/staff/prescriptions', q));

export const getPrescription = (id: string) => api.get<StaffPrescriptionDetail>(`/staff/prescriptions/${id}`);

/** an `upload_failed` prescription goes back to the upload queue (prescription.manage) */
export const retryPrescriptionUpload = (id: string) =>
  api.post<StaffPrescriptionDetail>(`/staff/prescriptions/${id}/retry-upload`, {});
