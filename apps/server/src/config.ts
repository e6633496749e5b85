import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * Every setting the server reads from the environment, in one place.
 * The README's configuration table is generated from these descriptions by hand; keep both in step.
 */
const ConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** PostgreSQL connection string; empty means embedded PGlite in DATA_DIR. */
  DATABASE_URL: z.string().optional(),
  DATA_DIR: z.string().default('./data'),
  /** PostgreSQL connections this process opens at most (two cores: a small pool queues less inside the database). */
  DATABASE_POOL_MAX: z.coerce.number().int().min(2).max(200).default(20),
  /** demo: seed the demo hospital when the database is empty and print demo accounts. */
  DEMO: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  PUBLIC_BASE_URL: z.string().url().default('http://localhost:3000'),
  HOSPITAL_TIMEZONE: z.string().default('Asia/Shanghai'),
  /** 32-byte keys, hex or base64. Development falls back to a fixed demo key (never in production). */
  PII_ENCRYPTION_KEY: z.string().optional(),
  PII_INDEX_KEY: z.string().optional(),
  JWT_SECRET: z.string().min(32).optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().positive().default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().positive().default(30),
  STAFF_IDLE_TIMEOUT_MINUTES: z.coerce.number().int().positive().default(30),
  /**
   * Staff login throttling: wrong passwords in a row for one username from one address before that
   * address may not log in to it; wrong passwords from one address (any usernames) before the address
   * is paused; how long either lasts (an administrator can lift it sooner).
   */
  STAFF_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  STAFF_LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(10_000).default(20),
  STAFF_LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  MAX_PATIENTS_PER_ACCOUNT: z.coerce.number().int().min(1).max(20).default(5),
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_048_576),
  /** Deepest nesting of arrays and objects a JSON body may have; deeper bodies are refused with 400 before parsing. */
  JSON_MAX_DEPTH: z.coerce.number().int().min(8).max(512).default(64),
  /**
   * Reverse proxies whose X-Forwarded-For is believed: addresses or CIDRs, comma separated (also
   * `loopback`, `linklocal`, `uniquelocal`). Empty: none, the client address is the socket's.
   */
  TRUST_PROXY: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const entries = v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
      for (const e of entries)
        if (!isProxyEntry(e)) ctx.addIssue({ code: 'custom', message: `not an address or CIDR: ${e}` });
      return entries;
    }),
  /**
   * Production only: the sandbox adapters this installation may run (comma separated names from
   * SANDBOX_ADAPTERS). Any other sandbox in use stops the start; each allowed one is logged at every start.
   */
  ALLOW_SANDBOX: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const names = v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
      for (const n of names)
        if (!(SANDBOX_ADAPTERS as readonly string[]).includes(n))
          ctx.addIssue({
            code: 'custom',
            message: `unknown sandbox "${n}" (known: ${SANDBOX_ADAPTERS.join(', ')})`,
          });
      return names as SandboxAdapter[];
    }),
  /**
   * /api/metrics and the API docs (/api/docs, /api/openapi.json): open, behind OPS_TOKEN (a bearer
   * token), or off. Default: open outside production, off in production.
   */
  METRICS_EXPOSURE: z.enum(['open', 'token', 'off']).optional(),
  API_DOCS_EXPOSURE: z.enum(['open', 'token', 'off']).optional(),
  OPS_TOKEN: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SMS_PROVIDER: z.enum(['console']).default('console'),
  /** SMS login and consent codes (identity): lifetime, wrong tries, resend interval, daily limits. */
  SMS_CODE_TTL_SECONDS: z.coerce.number().int().positive().default(300),
  SMS_CODE_MAX_ATTEMPTS: z.coerce.number().int().positive().default(5),
  SMS_RESEND_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(60),
  SMS_MAX_PER_PHONE_PER_DAY: z.coerce.number().int().positive().default(10),
  SMS_MAX_PER_IP_PER_DAY: z.coerce.number().int().positive().default(100),
  IDENTITY_PROVIDER: z.enum(['sandbox']).default('sandbox'),
  /** Real-name (name + ID number) verification provider for patients (IDN-05). */
  IDENTITY_VERIFIER: z.enum(['sandbox']).default('sandbox'),
  /**
   * Face verification (IDN-13) when a patient adds themself: `required` (the hospital asks for a live
   * face matching the ID photo before the identity is claimed) or `off`. FACE_VERIFIER is the provider;
   * a face session (start, capture, confirm) lives FACE_SESSION_TTL_SECONDS and its token is used once.
   */
  FACE_VERIFICATION: z.enum(['off', 'required']).default('off'),
  FACE_VERIFIER: z.enum(['sandbox']).default('sandbox'),
  FACE_SESSION_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  /** HIS adapter: sandbox (records calls in the database) or http (the outbound contract in docs/api.md at HIS_URL). */
  HIS_PROVIDER: z.enum(['sandbox', 'http']).default('sandbox'),
  HIS_URL: z.string().url().optional(),
  /** HMAC key signing the platform's calls to the HIS (same scheme as the integration API); the HIS verifies it. */
  HIS_SECRET: z.string().min(16).default('qingnang-demo-his-outbound-secret'),
  HIS_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
  /** Platform → HIS events (check-in, visit card bound): delivery attempts before an event is given up. */
  HIS_EVENT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(20),
  /** Demo mode: run the reference HIS simulator in the server process and use it as the HIS (HIS_PROVIDER=http). */
  HIS_SIM: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  HIS_SIM_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
  HIS_SIM_SEED: z.coerce.number().int().default(20261123),
  /** Secret of the seeded demo integration channel his-sim signs its pushes with (app id qn-his-sim). */
  HIS_SIM_CHANNEL_SECRET: z.string().min(16).default('qingnang-demo-his-sim-channel-secret'),
  PAYMENT_CHANNELS: z.string().default('sandbox'),
  /** Outpatient bills (PAY): minutes to pay a bill payment, HIS write-back attempts before the automatic refund, online refund window in hospital days (1 = the day of payment only). */
  BILL_PAYMENT_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  BILL_WRITEBACK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  BILL_REFUND_WINDOW_DAYS: z.coerce.number().int().min(1).max(365).default(1),
  /** MSG-04: an unpaid bill lapses at the end of its billing day; the patient is reminded this many hours before. */
  BILL_PAY_REMINDER_HOURS_BEFORE_DAY_END: z.coerce.number().int().min(1).max(23).default(4),
  /** Medical insurance (INS): the insurance-platform adapter and its sandbox signing key; minutes a pre-settlement stays valid; minutes to pay the cash part of a mixed payment; secondary settlement window in hospital days (1 = the day of payment only). */
  INSURANCE_PROVIDER: z.enum(['sandbox']).default('sandbox'),
  INSURANCE_SANDBOX_SECRET: z.string().min(16).default('qingnang-sandbox-insurance-secret'),
  INSURANCE_PRE_SETTLEMENT_MINUTES: z.coerce.number().int().min(1).max(120).default(15),
  INSURANCE_CASH_MINUTES: z.coerce.number().int().min(1).max(120).default(15),
  INSURANCE_SECONDARY_DAYS: z.coerce.number().int().min(1).max(30).default(1),
  /** Payments (FIN): seconds a paying order waits for its notification before the query job asks the channel. */
  PAYMENT_QUERY_DELAY_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  /** Finance: most payment orders one Excel export holds; beyond it the filters must be narrowed. */
  PAYMENT_EXPORT_MAX_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(50_000),
  /**
   * Sandbox channel: HMAC key of its notifications (unset: a key generated once per installation and
   * kept in the database); where it posts them (default PUBLIC_BASE_URL/api/v1/payments/notify/sandbox).
   */
  SANDBOX_PAY_SECRET: z.string().min(32).optional(),
  SANDBOX_NOTIFY_URL: z.string().url().optional(),
  /** WeChat Pay API v3 merchant settings (FIN-06). Keys are PEM text (escaped newlines allowed). */
  WECHATPAY_BASE_URL: z.string().url().default('https://api.mch.weixin.qq.com'),
  WECHATPAY_MCHID: z.string().max(32).optional(),
  WECHATPAY_APPID: z.string().max(32).optional(),
  WECHATPAY_SERIAL_NO: z.string().max(64).optional(),
  WECHATPAY_PRIVATE_KEY: z.string().optional(),
  WECHATPAY_APIV3_KEY: z.string().length(32).optional(),
  /** Verification mode: platform certificate(s) (PEM, several allowed) or the WeChat Pay public key and its id (PUB_KEY_ID_...). */
  WECHATPAY_PLATFORM_CERTS: z.string().optional(),
  WECHATPAY_PUBLIC_KEY: z.string().optional(),
  WECHATPAY_PUBLIC_KEY_ID: z.string().max(64).optional(),
  WECHATPAY_NOTIFY_URL: z.string().url().optional(),
  WECHATPAY_REFUND_NOTIFY_URL: z.string().url().optional(),
  /** Alipay (FIN-06): app id, app private key, Alipay public key (PEM or bare base64), gateway. */
  ALIPAY_APP_ID: z.string().max(32).optional(),
  ALIPAY_PRIVATE_KEY: z.string().optional(),
  ALIPAY_PUBLIC_KEY: z.string().optional(),
  ALIPAY_GATEWAY: z.string().url().default('https://openapi.alipay.com/gateway.do'),
  ALIPAY_NOTIFY_URL: z.string().url().optional(),
  ALIPAY_RETURN_URL: z.string().url().optional(),
  JOBS_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Public reads many patients make at once (department tree, doctors, schedules) are served from memory this long (ms; 0 = off). */
  READ_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  /** Scheduling: how many weeks ahead the generation job creates schedules from templates. */
  SCHEDULE_GENERATE_WEEKS: z.coerce.number().int().min(1).max(12).default(2),
  /** Release peak: booking attempts of one clinic that run at once in this process; the rest wait in arrival order (and are answered "sold out" from memory once it is). Each uses up to three connections at once: keep three times this below DATABASE_POOL_MAX so that arriving requests still get one. */
  BOOKING_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(200).default(6),
  /** Release peak: booking attempts of one clinic that may wait in this process; beyond, 503 REGISTRATION_BUSY with Retry-After. */
  BOOKING_MAX_WAITING: z.coerce.number().int().min(0).max(1_000_000).default(20_000),
  /** Registration: minutes a locked slot waits for payment (REG-08). */
  REGISTRATION_LOCK_MINUTES: z.coerce.number().int().min(1).max(120).default(15),
  /** Per-patient limits (REG-09): live registrations per clinic day, outstanding in total, one per doctor per day. */
  REGISTRATION_MAX_PER_DAY: z.coerce.number().int().min(1).max(20).default(3),
  REGISTRATION_MAX_OUTSTANDING: z.coerce.number().int().min(1).max(50).default(5),
  REGISTRATION_ONE_PER_DOCTOR_PER_DAY: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Online cancellation window (REG-14): before the clinic starts, or (001) up to N days after the clinic day. */
  REGISTRATION_CANCEL_WINDOW: z
    .enum(['before_clinic_start', 'clinic_day_plus_days'])
    .default('clinic_day_plus_days'),
  REGISTRATION_CANCEL_DAYS: z.coerce.number().int().min(0).max(30).default(7),
  /** Check-in (取号) window relative to the booked segment's start, on the clinic day. */
  CHECKIN_OPENS_MINUTES_BEFORE: z.coerce.number().int().min(0).max(720).default(60),
  CHECKIN_CLOSES_MINUTES_AFTER: z.coerce.number().int().min(0).max(720).default(30),
  /** Optional campus geofence for check-in: all three set turns it on. */
  CHECKIN_GEOFENCE_LAT: z.coerce.number().min(-90).max(90).optional(),
  CHECKIN_GEOFENCE_LNG: z.coerce.number().min(-180).max(180).optional(),
  CHECKIN_GEOFENCE_RADIUS_M: z.coerce.number().int().positive().optional(),
  /** Visit-eve reminder (HH:mm, hospital time, the day before the clinic). */
  REGISTRATION_REMINDER_TIME: z
    .string()
    .regex(/^[0-2][0-9]:[0-5][0-9]$/)
    .default('18:00'),
  /** false: online bookings are confirmed unpaid and the fee is collected at check-in (REG-17). */
  REGISTRATION_PREPAY_REQUIRED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Reports (RPT-07): cloud-imaging viewer and the AES-GCM key for its link parameters (any string; hashed to 256 bits; falls back to a key derived from PII_ENCRYPTION_KEY). */
  CLOUD_IMAGING_BASE_URL: z.string().url().default('https://imaging.example.com/viewer'),
  IMAGING_LINK_KEY: z.string().min(16).optional(),
  IMAGING_LINK_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(1800),
  /** Physical-exam report extraction code (RPT-09..11): lifetime and wrong tries allowed. */
  EXAM_ACCESS_CODE_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(600),
  EXAM_ACCESS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  /** Inpatient (INP-03/04/06): deposit top-up limits, low-balance alert threshold (fen), morning daily-list time, bind tries. */
  INPATIENT_DEPOSIT_MIN_FEN: z.coerce.number().int().min(1).default(100),
  INPATIENT_DEPOSIT_MAX_FEN: z.coerce.number().int().min(1).default(5_000_000),
  INPATIENT_LOW_BALANCE_FEN: z.coerce.number().int().min(0).default(100_000),
  INPATIENT_DAILY_LIST_TIME: z
    .string()
    .regex(/^[0-2][0-9]:[0-5][0-9]$/)
    .default('08:00'),
  INPATIENT_BIND_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  INPATIENT_BIND_FAILURE_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  /** E-invoices (PAY-10): the e-invoice platform adapter, issuing tries before an invoice is listed as failed, the payee printed on it, and the CJK font of the sandbox's PDFs (a .ttc needs the face, e.g. NotoSansCJKsc-Regular; unset: Debian fonts-noto-cjk and other usual places). */
  EINVOICE_PROVIDER: z.enum(['sandbox']).default('sandbox'),
  EINVOICE_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  EINVOICE_PAYEE_NAME: z.string().min(1).max(60).default('青囊示范医院'),
  EINVOICE_FONT_PATH: z.string().optional(),
  EINVOICE_FONT_FACE: z.string().max(100).optional(),
  /** Credit care (PAY-12…15): the credit platform adapter, the limit it grants in the sandbox, days to repay a charge, days overdue before suspension, which payments may be made on credit, minutes to pay a settlement. */
  CREDIT_PROVIDER: z.enum(['sandbox']).default('sandbox'),
  CREDIT_DEFAULT_LIMIT_FEN: z.coerce.number().int().min(0).default(200_000),
  CREDIT_REPAY_DAYS: z.coerce.number().int().min(1).max(365).default(15),
  CREDIT_SUSPEND_AFTER_DAYS: z.coerce.number().int().min(0).max(365).default(7),
  CREDIT_BUSINESS_TYPES: z.string().default('bill,registration'),
  CREDIT_SETTLEMENT_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  /** Physical exams (EXAM): the exam-system adapter (sandbox, or http: the outbound contract in docs/api.md at EXAM_SYSTEM_URL, signed with EXAM_SYSTEM_SECRET); minutes to pay a booking; how far ahead a date can be booked (min and max days from today); the last change (reschedule, cancel with refund) is N days before the exam day. */
  EXAM_SYSTEM_PROVIDER: z.enum(['sandbox', 'http']).default('sandbox'),
  EXAM_SYSTEM_URL: z.string().url().optional(),
  EXAM_SYSTEM_SECRET: z.string().min(16).default('qingnang-demo-exam-system-secret'),
  EXAM_SYSTEM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
  EXAM_PAYMENT_MINUTES: z.coerce.number().int().min(1).max(120).default(15),
  EXAM_BOOKING_MIN_DAYS_AHEAD: z.coerce.number().int().min(0).max(30).default(1),
  EXAM_BOOKING_MAX_DAYS_AHEAD: z.coerce.number().int().min(1).max(365).default(30),
  EXAM_CHANGE_DAYS_BEFORE: z.coerce.number().int().min(0).max(30).default(1),
});

export type Config = z.infer<typeof ConfigSchema>;

const DEV_KEY_ENC = 'qingnang-demo-pii-encryption-key-0';
const DEV_KEY_IDX = 'qingnang-demo-pii-blind-index-key-';
const DEV_JWT = 'qingnang-demo-jwt-secret-change-me-in-production';

export type Exposure = 'open' | 'token' | 'off';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config & {
  piiEncryptionKey: string;
  piiIndexKey: string;
  jwtSecret: string;
  /** how /api/metrics and the API docs are served (METRICS_EXPOSURE, API_DOCS_EXPOSURE) */
  exposure: { metrics: Exposure; apiDocs: Exposure };
  /** the sandbox adapters this configuration runs */
  sandboxes: SandboxAdapter[];
} {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${lines}`);
  }
  const c = parsed.data;
  if (c.HIS_PROVIDER === 'http' && !c.HIS_URL) throw new Error('HIS_PROVIDER=http requires HIS_URL');
  const production = c.NODE_ENV === 'production';
  const exposure: { metrics: Exposure; apiDocs: Exposure } = {
    metrics: c.METRICS_EXPOSURE ?? (production ? 'off' : 'open'),
    apiDocs: c.API_DOCS_EXPOSURE ?? (production ? 'off' : 'open'),
  };
  if ((exposure.metrics === 'token' || exposure.apiDocs === 'token') && !c.OPS_TOKEN)
    throw new Error('METRICS_EXPOSURE=token or API_DOCS_EXPOSURE=token requires OPS_TOKEN');
  if (production) {
    const problems = productionProblems(c, env, exposure);
    if (problems.length)
      throw new Error(`Production start refused:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
  return {
    ...c,
    piiEncryptionKey: c.PII_ENCRYPTION_KEY ?? DEV_KEY_ENC,
    piiIndexKey: c.PII_INDEX_KEY ?? DEV_KEY_IDX,
    jwtSecret: c.JWT_SECRET ?? DEV_JWT,
    exposure,
    sandboxes: sandboxAdaptersInUse(c),
  };
}

export type AppConfig = ReturnType<typeof loadConfig>;

/** Sandbox adapters by the name ALLOW_SANDBOX uses for them. */
export const SANDBOX_ADAPTERS = [
  'payment',
  'login',
  'sms',
  'insurance',
  'cards',
  'einvoice',
  'credit',
  'exam',
  'his',
  'identity',
  'face',
] as const;
export type SandboxAdapter = (typeof SANDBOX_ADAPTERS)[number];

/** Which sandbox adapters this configuration runs (what ALLOW_SANDBOX must name in production). */
export function sandboxAdaptersInUse(c: Config): SandboxAdapter[] {
  const used: SandboxAdapter[] = [];
  if (c.PAYMENT_CHANNELS.split(',').some((x) => x.trim() === 'sandbox')) used.push('payment');
  // the sandbox WeChat/Alipay platform accepts any authorisation code as a login
  if (c.IDENTITY_PROVIDER === 'sandbox') used.push('login');
  if (c.SMS_PROVIDER === 'console') used.push('sms');
  if (c.INSURANCE_PROVIDER === 'sandbox') used.push('insurance');
  // visit and health cards are issued by the sandbox card service whatever the HIS is
  used.push('cards');
  if (c.EINVOICE_PROVIDER === 'sandbox') used.push('einvoice');
  if (c.CREDIT_PROVIDER === 'sandbox') used.push('credit');
  if (c.EXAM_SYSTEM_PROVIDER === 'sandbox') used.push('exam');
  if (c.HIS_PROVIDER === 'sandbox') used.push('his');
  // the sandbox real-name provider confirms anyone in its made-up population
  if (c.IDENTITY_VERIFIER === 'sandbox') used.push('identity');
  // the sandbox face provider passes whatever its capture page is told
  if (c.FACE_VERIFICATION === 'required' && c.FACE_VERIFIER === 'sandbox') used.push('face');
  return used;
}

/**
 * Secrets written in this file (or known from its history): a production key equal to any of them is
 * public, whatever its length.
 */
const PUBLISHED_SECRETS = new Set([
  DEV_KEY_ENC,
  DEV_KEY_IDX,
  DEV_JWT,
  'qingnang-demo-his-outbound-secret',
  'qingnang-demo-his-sim-channel-secret',
  'qingnang-sandbox-insurance-secret',
  'qingnang-sandbox-pay-notify-secret',
  'qingnang-demo-exam-system-secret',
  'test-encryption-key',
  'test-index-key',
  'test-jwt-secret-that-is-long-enough-0123456789',
]);

/**
 * Why a production start must stop, one line per reason, each naming its variable: demo or weak
 * keys (a key must carry at least 32 bytes), sandboxes not named in ALLOW_SANDBOX, demo seeding.
 */
function productionProblems(
  c: Config,
  env: NodeJS.ProcessEnv,
  exposure: { metrics: string; apiDocs: string },
): string[] {
  const problems: string[] = [];
  const key = (name: string, required: boolean) => {
    const value = env[name];
    if (value === undefined || value === '') {
      if (required) problems.push(`${name} must be set (a key of at least 32 random bytes)`);
      return;
    }
    const weakness = keyWeakness(value);
    if (weakness) problems.push(`${name} ${weakness}`);
  };
  key('JWT_SECRET', true);
  key('PII_ENCRYPTION_KEY', true);
  key('PII_INDEX_KEY', true);
  key('IMAGING_LINK_KEY', false);
  // outbound HMAC keys: their defaults are published, so a real HIS or exam system needs its own
  key('HIS_SECRET', c.HIS_PROVIDER === 'http');
  key('EXAM_SYSTEM_SECRET', c.EXAM_SYSTEM_PROVIDER === 'http');
  key('INSURANCE_SANDBOX_SECRET', c.INSURANCE_PROVIDER === 'sandbox');
  key('SANDBOX_PAY_SECRET', false);
  key('OPS_TOKEN', exposure.metrics === 'token' || exposure.apiDocs === 'token');
  if (c.DEMO) problems.push('DEMO must not be true: production never seeds the demo hospital');
  const allowed = new Set(c.ALLOW_SANDBOX);
  for (const s of sandboxAdaptersInUse(c))
    if (!allowed.has(s))
      problems.push(
        `ALLOW_SANDBOX does not name "${s}": the ${s} sandbox adapter is in use (configure the real adapter, or add "${s}" to ALLOW_SANDBOX for a test installation)`,
      );
  return problems;
}

/**
 * Why a key is unfit for production, or undefined. Hex and base64 keys count their decoded bytes,
 * a passphrase its characters; a key whose characters repeat a small pattern is refused whatever
 * its length.
 */
export function keyWeakness(value: string): string | undefined {
  if (PUBLISHED_SECRETS.has(value)) return 'equals a default written in the code (a published key)';
  let bytes: number;
  if (/^[0-9a-fA-F]+$/.test(value) && value.length % 2 === 0) bytes = value.length / 2;
  else if (/^[A-Za-z0-9+/]+={0,2}$/.test(value) && value.length % 4 === 0 && value.length >= 40)
    bytes = Buffer.from(value, 'base64').length;
  else bytes = Buffer.byteLength(value, 'utf8');
  if (bytes < 32) return `is too short: ${bytes} bytes, at least 32 are needed`;
  // Shannon estimate over the characters: a random 64-digit hex key carries about 240 bits.
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bitsPerChar = 0;
  for (const n of counts.values()) bitsPerChar -= (n / value.length) * Math.log2(n / value.length);
  if (bitsPerChar * value.length < 128) return 'is a repeated pattern, not a random key';
  return undefined;
}

function isProxyEntry(e: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(e)) return true;
  const [address, bits, ...rest] = e.split('/');
  if (rest.length) return false;
  const family = isIP(address);
  if (!family) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}
