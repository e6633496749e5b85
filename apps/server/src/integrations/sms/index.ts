import type { AppConfig } from '../../config.js';
import type { Db } from '../../db/client.js';
import { newId } from '../../platform/ids.js';
import { maskPhone, PiiCipher } from '../../platform/pii.js';
import { smsMessages } from '../../modules/notifications/index.js';

export interface SmsMessage {
  phone: string;
  /** template name, e.g. auth.login_code or a notification template */
  template: string;
  content: string;
  /**
   * The one-time code inside `content` (login, consent, report extraction). Only the SMS platform
   * receives it: every copy the platform keeps or shows has it masked.
   */
  secret?: string;
  at: Date;
}

/** Sends one SMS through the hospital's SMS platform (MSG-02). */
export interface SmsSender {
  /** 'console' is the sandbox: it records messages instead of sending them */
  readonly kind: 'console';
  send(db: Db, message: SmsMessage): Promise<{ providerMessageId: string }>;
}

export interface SmsAdapters {
  sms: SmsSender;
}

export function buildSmsAdapters(config: AppConfig): SmsAdapters {
  switch (config.SMS_PROVIDER) {
    case 'console':
      return { sms: consoleSmsSender(new PiiCipher(config.piiEncryptionKey, config.piiIndexKey)) };
  }
}

/**
 * The sandbox SMS sender: every message is written to sms_messages (phone encrypted, a masked copy
 * for the staff list at GET /v1/admin/sms-messages, a code masked) and nothing leaves the machine.
 */
export function consoleSmsSender(cipher: PiiCipher): SmsSender {
  return {
    kind: 'console',
    async send(db, m) {
      const id = newId();
      await db.insert(smsMessages).values({
        id,
        provider: 'console',
        phoneEnc: cipher.encrypt(m.phone),
        phoneIdx: cipher.blindIndex(m.phone),
        phoneMasked: maskPhone(m.phone),
        template: m.template,
        content: storedSmsContent(m),
        createdAt: m.at,
      });
      return { providerMessageId: id };
    },
  };
}

/**
 * What may be kept of a message: the text with its code masked. A code template (named `*_code`)
 * whose caller did not name the code still loses every run of 4 to 8 digits, the shape codes take,
 * so a code never reaches the log.
 */
export function storedSmsContent(m: Pick<SmsMessage, 'template' | 'content' | 'secret'>): string {
  if (m.secret) return m.content.split(m.secret).join('*'.repeat(m.secret.length));
  if (m.template.endsWith('_code')) return m.content.replace(/\d{4,8}/g, '******');
  return m.content;
}
