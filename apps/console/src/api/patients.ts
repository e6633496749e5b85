import { api, toPage } from './client';

/** A patient as staff see it: numbers masked by the server. */
export interface PatientView {
  id: string;
  accountId?: string;
  name: string;
  relation: string;
  idType: string;
  idNumberMasked: string;
  phoneMasked: string;
  gender: string | null;
  birthDate: string | null;
  age?: number | null;
  verified: boolean;
  visitCardNo: string | null;
  createdAt: string;
}

/** Staff look-up by the full phone or ID number (matched by blind index, audited by the server). */
export async function searchPatients(q: { phone?: string; idNumber?: string }): Promise<PatientView[]> {
  return toPage<PatientView>(await api.get('/admin/patients', q)).items;
}

export type CounterDocument = 'resident_id_card' | 'household_register' | 'birth_certificate' | 'other_id';

/** A patient as the counter finds it: whether its records reach the account that holds it. */
export type CounterPatient = PatientView & {
  accountId: string;
  consent: string;
  recordsAccess: 'open' | 'unverified' | 'consent_pending' | 'guardian_pending';
};

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
