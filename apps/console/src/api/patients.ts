import { api, toPage } from './client';
import type { PatientView, CounterDocument, CounterPatient } from '@qingnang/contracts/api-types/console';
export type { PatientView, CounterDocument, CounterPatient } from '@qingnang/contracts/api-types/console';

/** Staff look-up by the full phone or ID number (matched by blind index, audited by the server). */
export async function searchPatients(q: { phone?: string; idNumber?: string }): Promise<PatientView[]> {
  return toPage<PatientView>(await api.get('/admin/patients', q)).items;
}

export async function findPatientsAtCounter(q: {
  phone?: string;
  idNumber?: string;
}): Promise<CounterPatient[]> {
  return toPage<CounterPatient>(await api.get('/admin/patients', q)).items;
}

/** Documents seen in person: the identity is verified and a family member's records open (audited). */
export const linkAtCounter = (patientId: string, document: CounterDocument) =>
  api.post<CounterPatient & { released: string[] }>(`/admin/patients/${patientId}/counter-link`, {
    document,
  });
