import { rngFor } from './random.js';
import { digitsOf, type SimRuntime } from './runtime.js';
import type { SimPatientFile } from './types.js';

// Patient files (建档): the HIS's file behind each visit card the platform names.

export function patientFiles(sim: SimRuntime) {
  const { seed, state, now, dateOf } = sim;

  const ADDRESSES = [
    '北京市东城区东直门南大街 5 号',
    '北京市朝阳区望京街 10 号',
    '河北省廊坊市广阳区新华路 8 号',
  ];
  const ALLERGENS = ['青霉素', '头孢类', '磺胺类', '花粉'];
  /**
   * Opens (or updates) the file of the card a platform event names. What the HIS alone knows (its
   * patient id, insurance type, allergies, address) is derived from the seed and the card, so the
   * same card always has the same file.
   */
  function fileOf(p: any, platformPatientId: string | null): SimPatientFile | undefined {
    const cardNo = typeof p?.visitCardNo === 'string' && p.visitCardNo ? p.visitCardNo.toUpperCase() : null;
    if (!cardNo || !p?.name) return undefined;
    const known = state.patients.get(cardNo);
    const r = rngFor(seed, `patient:${cardNo}`);
    const file: SimPatientFile = known ?? {
      hisPatientId: `HP${digitsOf(`${seed}:${cardNo}`, 10)}`,
      visitCardNo: cardNo,
      name: p.name,
      gender: null,
      birthDate: null,
      idNumber: null,
      phone: null,
      address: ADDRESSES[Math.floor(r() * ADDRESSES.length)],
      cardStatus: 'active',
      insuranceType: (['self_pay', 'employee', 'resident'] as const)[Math.floor(r() * 3)],
      allergies: r() < 0.2 ? [ALLERGENS[Math.floor(r() * ALLERGENS.length)]] : [],
      fileCreatedOn: dateOf(now()),
      lastVisitOn: null,
      platformPatientId: null,
    };
    file.name = p.name;
    if (p.gender === 'male' || p.gender === 'female') file.gender = p.gender;
    if (typeof p.birthDate === 'string' && p.birthDate) file.birthDate = p.birthDate;
    if (typeof p.idNumber === 'string' && p.idNumber) file.idNumber = p.idNumber;
    if (typeof p.phone === 'string' && p.phone) file.phone = p.phone;
    if (platformPatientId) file.platformPatientId = platformPatientId;
    state.patients.set(cardNo, file);
    return file;
  }

  return { fileOf };
}
