/**
 * The hospital-side (HIS) patient file behind a patient's bound visit card (IDN-07 患者信息查询).
 * The ID and phone numbers arrive masked.
 */
import { get } from './client';

export type HisCardStatus = 'active' | 'frozen' | 'cancelled';
export type HisInsuranceType = 'self_pay' | 'employee' | 'resident';

export interface HisPatientFile {
  patientId: string;
  hisPatientId: string;
  visitCardNo: string;
  name: string;
  gender: 'male' | 'female' | null;
  birthDate: string | null;
  idNumberMasked: string | null;
  phoneMasked: string | null;
  address: string | null;
  cardStatus: HisCardStatus;
  insuranceType: HisInsuranceType;
  allergies: string[];
  fileCreatedOn: string | null;
  lastVisitOn: string | null;
}

export const hisProfile = {
  get: (patientId: string) => get<HisPatientFile>(`/patients/${patientId}/his-profile`),
};
