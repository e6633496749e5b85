import type { AppConfig } from '../../config.js';
import { SANDBOX_PEOPLE, type RegistryPerson } from './sandbox-registry.js';

/** A name and an ID number to be checked together (the provider's "two-element" check, 二要素核验). */
export interface RealNameQuery {
  name: string;
  idType: string;
  /** normalised: upper case, no spaces */
  idNumber: string;
}

/**
 * match: the provider's record for the number carries this name; mismatch: it carries another name;
 * no_record: the provider knows no such number (a made-up number with a valid check character).
 */
export type RealNameOutcome = 'match' | 'mismatch' | 'no_record';

/** The provider could not answer (down, timed out, quota): the caller may retry later. */
export class IdentityProviderUnavailable extends Error {
  constructor(message = 'identity verification provider unavailable') {
    super(message);
    this.name = 'IdentityProviderUnavailable';
  }
}

/**
 * A real-name verification provider (IDN-05): asks the national identity check behind a vendor
 * whether a name and an ID number belong together. The platform marks a patient verified only on
 * its "match".
 */
export interface IdentityVerifier {
  /** recorded on the patient as who confirmed the identity */
  readonly kind: 'sandbox';
  checkRealName(query: RealNameQuery): Promise<RealNameOutcome>;
}

export function buildIdentityVerifier(config: AppConfig): IdentityVerifier {
  switch (config.IDENTITY_VERIFIER) {
    case 'sandbox':
      return new SandboxIdentityVerifier();
  }
}

/**
 * The sandbox provider answers from a fixed population (SANDBOX_PEOPLE, shared by the demo and the
 * tests). Tests may enrol further people (first enrolment of a number wins, so a later wrong name is
 * still refused) and can set `down` to make every check fail as an outage does.
 */
export class SandboxIdentityVerifier implements IdentityVerifier {
  readonly kind = 'sandbox' as const;
  down = false;
  private readonly people = new Map<string, string>();

  constructor(population: readonly RegistryPerson[] = SANDBOX_PEOPLE) {
    for (const p of population) this.enrol(p);
  }

  /** Adds a person to the sandbox population; false when the number is already someone else's. */
  enrol(person: RegistryPerson): boolean {
    const key = person.idNumber.replace(/\s+/g, '').toUpperCase();
    const known = this.people.get(key);
    if (known !== undefined) return known === person.name.trim();
    this.people.set(key, person.name.trim());
    return true;
  }

  async checkRealName(query: RealNameQuery): Promise<RealNameOutcome> {
    if (this.down) throw new IdentityProviderUnavailable('sandbox identity provider is down');
    const known = this.people.get(query.idNumber.toUpperCase());
    if (known === undefined) return 'no_record';
    return known === query.name ? 'match' : 'mismatch';
  }
}
