import { describe, expect, it } from 'vitest';
import { isForeignKeyViolation, isUniqueViolation, pgErrorOf } from './db-errors.js';

const refusal = (code: string, constraint?: string, message = 'refused') =>
  Object.assign(new Error(message), { code, constraint });

describe('database refusals', () => {
  it('a duplicate key is found whether the driver raised it or drizzle wrapped it', () => {
    const raw = refusal('23505', 'patients_self_claim_uq');
    expect(isUniqueViolation(raw)).toBe(true);
    expect(isUniqueViolation(new Error('Failed query', { cause: raw }))).toBe(true);
    expect(isUniqueViolation(new Error('outer', { cause: new Error('Failed query', { cause: raw }) }))).toBe(
      true,
    );
  });

  it('a duplicate on another index does not count when the index is named', () => {
    const raw = refusal('23505', 'registrations_idem_uq');
    expect(isUniqueViolation(raw, 'patients_self_claim_uq')).toBe(false);
    expect(isUniqueViolation(raw, 'registrations_idem_uq')).toBe(true);
    const namedInMessage = refusal(
      '23505',
      undefined,
      'duplicate key value violates "patients_self_claim_uq"',
    );
    expect(isUniqueViolation(namedInMessage, 'patients_self_claim_uq')).toBe(true);
  });

  it('other refusals and plain errors are not duplicates', () => {
    expect(isUniqueViolation(refusal('23503'))).toBe(false);
    expect(isForeignKeyViolation(new Error('Failed query', { cause: refusal('23503') }))).toBe(true);
    expect(isUniqueViolation(new Error('boom'))).toBe(false);
    expect(isUniqueViolation(undefined)).toBe(false);
    expect(pgErrorOf(Object.assign(new Error('socket'), { code: 'EPIPE' }))).toBeUndefined();
  });
});
