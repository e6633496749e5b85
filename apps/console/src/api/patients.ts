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
