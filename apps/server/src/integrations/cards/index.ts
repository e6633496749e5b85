import { createHmac } from 'node:crypto';
import type { AppConfig } from '../../config.js';

export interface CardHolder {
  idType: string;
  idNumber: string;
  name: string;
  gender?: 'male' | 'female';
  birthDate?: string;
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

export interface CardAdapters {
  visitCards: CardService;
  healthCards: CardService;
}

export function buildCardAdapters(config: AppConfig): CardAdapters {
  switch (config.HIS_PROVIDER) {
    // HIS_PROVIDER=http has no card calls in its outbound contract yet: cards stay sandbox-issued.
    case 'http':
    case 'sandbox':
      return { visitCards: sandboxCardService('visit'), healthCards: sandboxCardService('health') };
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
