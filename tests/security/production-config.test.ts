import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyWeakness, loadConfig } from '../../apps/server/src/config.js';

// Issue 9, findings 2 and 3, reason by reason (the real entry point is started in
// production-start.test.ts): every refusal names the variable to fix.

const strong = () => randomBytes(32).toString('hex');
const good = (): Record<string, string> => ({
  NODE_ENV: 'production',
  JWT_SECRET: strong(),
  PII_ENCRYPTION_KEY: strong(),
  PII_INDEX_KEY: strong(),
  INSURANCE_SANDBOX_SECRET: strong(),
  ALLOW_SANDBOX: 'payment,login,sms,insurance,cards,einvoice,credit,exam,his,identity',
});
const refusal = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
};

describe('production configuration', () => {
  it('accepts good keys with the sandboxes it runs listed, and knows which those are', () => {
    const c = loadConfig(good());
    expect(c.sandboxes).toEqual([
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
    ]);
  });

  it('refuses each missing or published key by name', () => {
    for (const name of ['JWT_SECRET', 'PII_ENCRYPTION_KEY', 'PII_INDEX_KEY']) {
      const env = good();
      delete env[name];
      expect(refusal(env)).toContain(`${name} must be set`);
    }
    expect(refusal({ ...good(), PII_ENCRYPTION_KEY: 'qingnang-demo-pii-encryption-key-0' })).toContain(
      'PII_ENCRYPTION_KEY equals a default written in the code',
    );
    expect(refusal({ ...good(), INSURANCE_SANDBOX_SECRET: 'qingnang-sandbox-insurance-secret' })).toContain(
      'INSURANCE_SANDBOX_SECRET equals a default written in the code',
    );
    // an HIS over HTTP must not be signed with the published outbound key
    expect(refusal({ ...good(), HIS_PROVIDER: 'http', HIS_URL: 'https://his.example.org' })).toContain(
      'HIS_SECRET must be set',
    );
    expect(
      refusal({
        ...good(),
        HIS_PROVIDER: 'http',
        HIS_URL: 'https://his.example.org',
        HIS_SECRET: 'qingnang-demo-his-outbound-secret',
      }),
    ).toContain('HIS_SECRET equals a default written in the code');
  });

  it('measures a key by its bytes and refuses repeated patterns', () => {
    expect(keyWeakness(strong())).toBeUndefined();
    expect(keyWeakness(randomBytes(32).toString('base64'))).toBeUndefined();
    expect(keyWeakness('a'.repeat(64))).toBe('is a repeated pattern, not a random key');
    expect(keyWeakness('ab'.repeat(40))).toBe('is a repeated pattern, not a random key');
    // 62 hex digits are 31 bytes
    expect(keyWeakness(strong().slice(0, 62))).toBe('is too short: 31 bytes, at least 32 are needed');
    expect(refusal({ ...good(), JWT_SECRET: 'password'.repeat(4) })).toContain(
      'JWT_SECRET is a repeated pattern, not a random key',
    );
  });

  it('refuses the demo hospital and unlisted or unknown sandboxes', () => {
    expect(refusal({ ...good(), DEMO: 'true' })).toContain('DEMO must not be true');
    expect(refusal({ ...good(), ALLOW_SANDBOX: 'payment' })).toContain('ALLOW_SANDBOX does not name "sms"');
    expect(refusal({ ...good(), ALLOW_SANDBOX: 'payment,everything' })).toContain(
      'ALLOW_SANDBOX: unknown sandbox "everything"',
    );
  });

  it('a hospital that requires face verification runs the sandbox face provider only when ALLOW_SANDBOX names it', () => {
    // face verification off: the face provider is never asked, so it is no sandbox in use
    expect(loadConfig(good()).sandboxes).not.toContain('face');
    expect(refusal({ ...good(), FACE_VERIFICATION: 'required' })).toContain(
      'ALLOW_SANDBOX does not name "face"',
    );
    const c = loadConfig({
      ...good(),
      FACE_VERIFICATION: 'required',
      ALLOW_SANDBOX: `${good().ALLOW_SANDBOX},face`,
    });
    expect(c.sandboxes).toContain('face');
  });

  it('development keeps the demo defaults and needs no ALLOW_SANDBOX', () => {
    const dev = loadConfig({});
    expect(dev.NODE_ENV).toBe('development');
    expect(dev.exposure).toEqual({ metrics: 'open', apiDocs: 'open' });
    expect(dev.TRUST_PROXY).toEqual([]);
  });
});
