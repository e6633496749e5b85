/**
 * Insurance e-prescriptions (INS-16 医保电子处方): the prescriptions a doctor signed in the HIS, uploaded
 * to the insurance e-prescription centre, and where the patient chooses to fill them.
 */
import { get, post } from './client';

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

export type PrescriptionKind = 'ordinary' | 'special_disease';

export interface PrescriptionSummary {
  id: string;
  patientId: string;
  patientName: string;
  hisRxNo: string;
  kind: PrescriptionKind;
  specialDisease: { code: string; name: string } | null;
  doctorName: string;
  departmentName: string;
  issuedAt: string;
  validUntil: string;
  state: PrescriptionState;
  itemCount: number;
  totalFen: number;
  /** any of its drugs is a 双通道 drug */
  dualChannel: boolean;
  pharmacy?: { code: string; name: string } | null;
}

export interface PrescriptionItem {
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
}

export interface PrescriptionDetail extends PrescriptionSummary {
  diagnoses: { code: string; name: string }[];
  items: PrescriptionItem[];
  /** 医保处方编号, once the centre accepted it */
  hiRxNo: string | null;
  traceCode: string | null;
  /** where the patient chose to fill it */
  fillWhere?: 'retail' | 'hospital' | null;
  pickupCode?: string | null;
  pharmacy?:
    ({ code: string; name: string } & { address?: string; phone?: string; dualChannel?: boolean }) | null;
  dispensed?: {
    at: string;
    pharmacyName: string;
    settlementNo?: string | null;
    totalFen: number;
    fundFen: number;
    accountFen: number;
    cashFen: number;
  } | null;
  rejectReason?: string | null;
  revokeReason?: string | null;
}

export interface DesignatedPharmacy {
  code: string;
  name: string;
  address: string;
  phone: string;
  dualChannel: boolean;
  specialDisease: boolean;
  inStock: boolean;
  distanceKm?: number | null;
}

export type FillChoice = { where: 'hospital' } | { where: 'retail'; pharmacyCode: string };

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
