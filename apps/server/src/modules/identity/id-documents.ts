import { dayjs } from '../../platform/clock.js';
import { badRequest, DomainError } from '../../platform/errors.js';
import type { Gender, IdType } from './schema.js';

export interface VerifiedIdentity {
  idType: IdType;
  /** normalised: upper case, no spaces */
  idNumber: string;
  birthDate: string; // YYYY-MM-DD
  gender: Gender;
}

// GB 11643-1999: province-level codes in use (first two digits of the administrative division code).
const PROVINCE_CODES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
  '91',
]);
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** ISO 7064 MOD 11-2 check character of the first 17 digits (GB 11643). */
export function gb11643CheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

/**
 * Real-name verification of an ID document number (IDN-05): format, check digit, region and birth
 * date, by document type. Returns the birth date and gender the number encodes. Each failure has its
 * own code so the patient learns what to correct.
 */
export function verifyIdNumber(idType: IdType, raw: string, today: string): VerifiedIdentity {
  const idNumber = raw.replace(/\s+/g, '').toUpperCase();
  switch (idType) {
    case 'resident_id':
      return verifyResidentId(idNumber, today);
    case 'hk_macao_tw_residence':
      return verifyResidencePermit(idNumber, today);
    case 'foreign_permanent_residence':
      return verifyForeignPermanentResidence(idNumber, today);
  }
}

function verifyResidentId(id: string, today: string): VerifiedIdentity {
  if (!/^\d{17}[\dX]$/.test(id)) throw formatInvalid();
  if (!PROVINCE_CODES.has(id.slice(0, 2))) throw regionInvalid();
  return checkedEighteen('resident_id', id, today);
}

// 港澳台居民居住证: 810000 (Hong Kong), 820000 (Macao), 830000 (Taiwan), then GB 11643 layout.
function verifyResidencePermit(id: string, today: string): VerifiedIdentity {
  if (!/^\d{17}[\dX]$/.test(id)) throw formatInvalid();
  if (!/^8[123]0000/.test(id)) throw regionInvalid();
  return checkedEighteen('hk_macao_tw_residence', id, today);
}

// 外国人永久居留身份证: 2023 edition is 18 digits starting with 9 (9 + province + nationality + birth
// date + sequence + check digit); the 2017 and older edition is 15 characters: 3-letter nationality,
// 2-digit province, YYMMDD birth date, 2 digits of sequence, a gender digit (odd = male) and a check
// digit (whose algorithm is not published, so it is not checked).
function verifyForeignPermanentResidence(id: string, today: string): VerifiedIdentity {
  if (/^9\d{16}[\dX]$/.test(id)) {
    if (!PROVINCE_CODES.has(id.slice(1, 3))) throw regionInvalid();
    return checkedEighteen('foreign_permanent_residence', id, today);
  }
  const old = /^([A-Z]{3})(\d{2})(\d{6})(\d{4})$/.exec(id);
  if (!old) throw formatInvalid();
  if (!PROVINCE_CODES.has(old[2])) throw regionInvalid();
  const yymmdd = old[3];
  // Two-digit year: the latest century that does not put the birth date in the future.
  let birth = `20${yymmdd.slice(0, 2)}-${yymmdd.slice(2, 4)}-${yymmdd.slice(4, 6)}`;
  if (birth > today) birth = `19${birth.slice(2)}`;
  checkBirthDate(birth, today);
  return {
    idType: 'foreign_permanent_residence',
    idNumber: id,
    birthDate: birth,
    gender: Number(old[4][2]) % 2 === 1 ? 'male' : 'female',
  };
}

function checkedEighteen(idType: IdType, id: string, today: string): VerifiedIdentity {
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  checkBirthDate(birth, today);
  if (gb11643CheckChar(id.slice(0, 17)) !== id[17]) {
    throw badRequest(
      'ID_NUMBER_CHECKSUM_INVALID',
      '证件号码校验位不正确，请核对后重新输入',
      'The check digit of the ID number is wrong',
    );
  }
  return { idType, idNumber: id, birthDate: birth, gender: Number(id[16]) % 2 === 1 ? 'male' : 'female' };
}

function checkBirthDate(birth: string, today: string): void {
  const d = dayjs(birth, 'YYYY-MM-DD');
  if (!d.isValid() || d.format('YYYY-MM-DD') !== birth || birth < '1900-01-01' || birth > today) {
    throw badRequest(
      'ID_NUMBER_BIRTH_DATE_INVALID',
      '证件号码中的出生日期无效',
      'The birth date in the ID number is not a valid past date',
    );
  }
}

const formatInvalid = () =>
  badRequest('ID_NUMBER_FORMAT_INVALID', '证件号码格式不正确', 'The ID number has the wrong format');
const regionInvalid = () =>
  badRequest(
    'ID_NUMBER_REGION_INVALID',
    '证件号码中的地区代码无效',
    'The region code in the ID number is not a known region',
  );

/** 姓名: 2-30 characters of Chinese, letters, the middle dot of transliterated names, and spaces. */
export function normaliseName(raw: string): string {
  const name = raw.trim().replace(/\s+/g, ' ');
  const length = [...name].length;
  if (length < 2 || length > 30 || !/^[\p{Script=Han}\p{Script=Latin}·•.\s'-]+$/u.test(name)) {
    throw new DomainError(
      'PATIENT_NAME_INVALID',
      400,
      '姓名须为 2-30 个汉字或字母',
      'The name must be 2-30 Chinese characters or letters',
    );
  }
  return name;
}

/** Age in whole years on `today` (YYYY-MM-DD). */
export function ageOn(birthDate: string, today: string): number {
  let age = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  if (today.slice(5) < birthDate.slice(5)) age -= 1;
  return age;
}
