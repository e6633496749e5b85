/**
 * Insurance e-prescriptions (INS-16 医保电子处方): the prescriptions a doctor signed in the HIS, uploaded
 * to the insurance e-prescription centre, and where the patient chooses to fill them.
 */
import { get, post } from './client';
import type {
  PrescriptionState,
  PrescriptionSummary,
  PrescriptionDetail,
  DesignatedPharmacy,
  FillChoice,
} from '@qingnang/contracts/api-types/patient';
export type {
  PrescriptionState,
  PrescriptionKind,
  PrescriptionSummary,
  PrescriptionItem,
  PrescriptionDetail,
  DesignatedPharmacy,
  FillChoice,
} from '@qingnang/contracts/api-types/patient';

export const prescriptions = {
  /** INS-16: a family member's insurance e-prescriptions, newest first */
  list: async (patientId: string, state?: PrescriptionState) =>
    (await get<{ items: PrescriptionSummary[] }>('/prescriptions', { patientId, state })).items,
  get: (id: string) => get<PrescriptionDetail>(`/prescriptions/${id}`),
  /** designated pharmacies able to fill it (双通道 drugs only at 双通道 pharmacies) */
  pharmacies: async (id: string) =>
    (await get<{ items: DesignatedPharmacy[] }>(`/prescriptions/${id}/pharmacies`)).items,
  fill: (id: string, choice: FillChoice) => post<PrescriptionDetail>(`/prescriptions/${id}/fill`, choice),
};
