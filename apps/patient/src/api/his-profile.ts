/**
 * The hospital-side (HIS) patient file behind a patient's bound visit card (IDN-07 患者信息查询).
 * The ID and phone numbers arrive masked.
 */
import { get } from './client';
import type { HisPatientFile } from '@qingnang/contracts/api-types/patient';
export type { HisCardStatus, HisInsuranceType, HisPatientFile } from '@qingnang/contracts/api-types/patient';

export const hisProfile = {
  get: (patientId: string) => get<HisPatientFile>(`/patients/${patientId}/his-profile`),
};
