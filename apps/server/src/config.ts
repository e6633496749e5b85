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
  MAX_PATIENTS_PER_ACCOUNT: z.coerce.number().int().min(1).max(20).default(5),
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_048_576),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SMS_PROVIDER: z.enum(['console']).default('console'),
  IDENTITY_PROVIDER: z.enum(['sandbox']).default('sandbox'),
  HIS_PROVIDER: z.enum(['sandbox']).default('sandbox'),
  PAYMENT_CHANNELS: z.string().default('sandbox'),
  JOBS_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
});

export type Config = z.infer<typeof ConfigSchema>;

const DEV_KEY_ENC = 'qingnang-demo-pii-encryption-key-0';
const DEV_KEY_IDX = 'qingnang-demo-pii-blind-index-key-';
const DEV_JWT = 'qingnang-demo-jwt-secret-change-me-in-production';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config & {
  piiEncryptionKey: string;
  piiIndexKey: string;
  jwtSecret: string;
} {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${lines}`);
  }
  const c = parsed.data;
  if (c.NODE_ENV === 'production' && (!c.PII_ENCRYPTION_KEY || !c.PII_INDEX_KEY || !c.JWT_SECRET)) {
    throw new Error('Production requires PII_ENCRYPTION_KEY, PII_INDEX_KEY and JWT_SECRET');
  }
  return {
    ...c,
    piiEncryptionKey: c.PII_ENCRYPTION_KEY ?? DEV_KEY_ENC,
    piiIndexKey: c.PII_INDEX_KEY ?? DEV_KEY_IDX,
    jwtSecret: c.JWT_SECRET ?? DEV_JWT,
  };
}

export type AppConfig = ReturnType<typeof loadConfig>;
