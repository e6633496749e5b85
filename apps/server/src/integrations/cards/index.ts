import { createHmac } from 'node:crypto';
import type { AppConfig } from '../../config.js';

export interface CardHolder {
  idType: string;
  idNumber: string;
  name: string;
  gender?: 'male' | 'female';
  birthDate?: string;
}

/** The hospital-side (HIS) patient file behind a visit card (IDN-07). */
export interface HisPatientProfile {
  cardNo: string;
  hisPatientId: string;
  name: string;
  gender: 'male' | 'female' | null;
  birthDate: string | null;
  insuranceType: 'self_pay' | 'employee' | 'resident';
  fileCreatedOn: string;
  allergies: string[];
}

/**
 * The hospital's visit-card service (电子就诊卡, the HIS patient id, IDN-12) and the regional
 * electronic health-card platform (电子健康卡, IDN-11).
 */
export interface CardService {
  readonly kind: 'sandbox';
  /** Creates a card (or returns the one the holder already has); the number identifies the holder. */
  create(holder: CardHolder): Promise<{ cardNo: string }>;
  /** Whether an existing card number belongs to this holder. */
  belongsTo(cardNo: string, holder: CardHolder): Promise<boolean>;
}

export interface VisitCardService extends CardService {
  /** The HIS patient file of a card; undefined when the HIS has no such card. */
  profile(cardNo: string, holder: CardHolder): Promise<HisPatientProfile | undefined>;
}

export interface CardAdapters {
  visitCards: VisitCardService;
  healthCards: CardService;
}

export function buildCardAdapters(config: AppConfig): CardAdapters {
  switch (config.HIS_PROVIDER) {
    // HIS_PROVIDER=http has no card calls in its outbound contract yet: cards stay sandbox-issued.
    case 'http':
    case 'sandbox':
      return { visitCards: sandboxVisitCardService(), healthCards: sandboxCardService('health') };
  }
}

/**
 * Sandbox cards: the number is derived from the holder's ID number, so one person always has the
 * same card (as in a real HIS, where 建档 twice finds the existing file). Visit cards are 10 digits
 * prefixed "V"; health cards are 64-character hex like the provincial EHC id.
 */
export function sandboxCardService(kind: 'visit' | 'health'): CardService {
  const numberFor = (h: CardHolder) => {
    const digest = createHmac('sha256', `qingnang-sandbox-${kind}-card`)
      .update(`${h.idType}:${h.idNumber.toUpperCase()}`)
      .digest('hex');
    if (kind === 'health') return digest.toUpperCase();
    return 'V' + (BigInt('0x' + digest.slice(0, 15)) % 10_000_000_000n).toString().padStart(10, '0');
  };
  return {
    kind: 'sandbox',
    async create(holder) {
      return { cardNo: numberFor(holder) };
    },
    async belongsTo(cardNo, holder) {
      return cardNo.toUpperCase() === numberFor(holder);
    },
  };
}

/** Sandbox HIS file: derived from the card number, so it is the same on every call. */
export function sandboxVisitCardService(): VisitCardService {
  const cards = sandboxCardService('visit');
  return {
    ...cards,
    async profile(cardNo, holder) {
      if (!(await cards.belongsTo(cardNo, holder))) return undefined;
      const n = Number(cardNo.slice(-6));
      const insurance = (['self_pay', 'employee', 'resident'] as const)[n % 3];
      const month = String((n % 12) + 1).padStart(2, '0');
      return {
        cardNo: cardNo.toUpperCase(),
        hisPatientId: `P${cardNo.slice(1)}`,
        name: holder.name,
        gender: holder.gender ?? null,
        birthDate: holder.birthDate ?? null,
        insuranceType: insurance,
        fileCreatedOn: `2019-${month}-15`,
        allergies: n % 5 === 0 ? ['青霉素'] : [],
      };
    },
  };
}
