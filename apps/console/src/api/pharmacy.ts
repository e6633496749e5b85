import { api, toPage, type Page, type Query } from './client';
import type {
  PrescriptionState,
  Prescription,
  StaffPrescriptionDetail,
} from '@qingnang/contracts/api-types/console';
export type {
  PrescriptionState,
  Prescription,
  PrescriptionEvent,
  PrescriptionDetail,
  StaffPrescriptionDetail,
} from '@qingnang/contracts/api-types/console';

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

export const listPrescriptions = async (q: Query): Promise<Page<Prescription>> =>
  toPage<Prescription>(await api.get('/staff/prescriptions', q));

export const getPrescription = (id: string) => api.get<StaffPrescriptionDetail>(`/staff/prescriptions/${id}`);

/** an `upload_failed` prescription goes back to the upload queue (prescription.manage) */
export const retryPrescriptionUpload = (id: string) =>
  api.post<StaffPrescriptionDetail>(`/staff/prescriptions/${id}/retry-upload`, {});
