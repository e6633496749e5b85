import { gb11643CheckChar } from '../modules/identity/index.js';

/**
 * A GB 11643-valid resident ID number for tests: region + birth date + 3-digit sequence (odd = male,
 * even = female) + check character. makeResidentId('19900307') -> '110101199003071233'-style.
 */
export function makeResidentId(birth: string, region = '110101', seq = '123'): string {
  const first17 = `${region}${birth}${seq}`;
  if (!/^\d{17}$/.test(first17)) throw new Error(`makeResidentId: bad parts ${region}/${birth}/${seq}`);
  return first17 + gb11643CheckChar(first17);
}

/** The same number with a wrong check character. */
export function withWrongCheckChar(id: string): string {
  const right = id[17];
  const wrong = right === '0' ? '1' : '0';
  return id.slice(0, 17) + wrong;
}
