import { hash, verify } from '@node-rs/argon2';
import { STAFF_PASSWORD_MAX_LENGTH } from '@qingnang/contracts';
import { DomainError } from '../../platform/errors.js';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = STAFF_PASSWORD_MAX_LENGTH;

/**
 * Staff password policy: at least 8 characters and at least three of the four character classes
 * (lower case, upper case, digit, symbol). Throws PASSWORD_TOO_WEAK with the rule that failed.
 */
export function assertPasswordPolicy(password: string): void {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length;
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH || classes < 3) {
    throw new DomainError(
      'PASSWORD_TOO_WEAK',
      400,
      '密码至少 8 位，且需包含小写字母、大写字母、数字、符号中的至少三类',
      'Password needs at least 8 characters and at least three of: lower case, upper case, digit, symbol',
      { minLength: PASSWORD_MIN_LENGTH, minClasses: 3 },
    );
  }
}

export const hashPassword = (password: string): Promise<string> => hash(password);

export async function passwordMatches(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// Verified against when the username is unknown, so both answers take the same time.
let dummyHash: Promise<string> | undefined;
export function unknownUserHash(): Promise<string> {
  dummyHash ??= hash('qingnang-no-such-user-Aa1!');
  return dummyHash;
}
