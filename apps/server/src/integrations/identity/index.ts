import { createHash } from 'node:crypto';
import type { AppConfig } from '../../config.js';
import { DomainError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { buildIdentityVerifier, type IdentityVerifier } from './verifier.js';
import { buildFaceVerifier, type FaceVerifier } from './face.js';

export {
  IdentityProviderUnavailable,
  SandboxIdentityVerifier,
  type IdentityVerifier,
  type RealNameOutcome,
} from './verifier.js';
export { SANDBOX_PEOPLE } from './sandbox-registry.js';
export { SandboxFaceVerifier, type FaceOutcome, type FaceVerifier } from './face.js';

export type PlatformProvider = 'wechat' | 'alipay';

export interface SubscribeMessage {
  openid: string;
  template: string;
  title: string;
  body: string;
  link?: string;
}

/**
 * A user platform (WeChat mini program / 服务号, Alipay mini program): authorisation-code login
 * (wx.login code2Session, alipay.system.oauth.token) and subscribe / template messages (MSG-01).
 */
export interface UserPlatform {
  readonly provider: PlatformProvider;
  readonly kind: 'sandbox';
  exchangeCode(code: string): Promise<{ openid: string }>;
  sendSubscribeMessage(message: SubscribeMessage): Promise<{ providerMessageId: string }>;
}

export interface IdentityAdapters {
  wechatPlatform: UserPlatform;
  alipayPlatform: UserPlatform;
  /** real-name verification (IDN-05), chosen by IDENTITY_VERIFIER */
  identityVerifier: IdentityVerifier;
  /** face verification (IDN-13), chosen by FACE_VERIFIER, asked when FACE_VERIFICATION requires it */
  faceVerifier: FaceVerifier;
}

export function buildIdentityAdapters(config: AppConfig): IdentityAdapters {
  switch (config.IDENTITY_PROVIDER) {
    case 'sandbox':
      return {
        wechatPlatform: sandboxPlatform('wechat'),
        alipayPlatform: sandboxPlatform('alipay'),
        identityVerifier: buildIdentityVerifier(config),
        faceVerifier: buildFaceVerifier(config),
      };
  }
}

/**
 * Sandbox platform: the openid is derived from the authorisation code, so the same code always logs
 * into the same account; a code starting with "invalid" is refused like an expired code. Sent
 * messages are kept in `sent` for inspection.
 */
export function sandboxPlatform(provider: PlatformProvider): UserPlatform & { sent: SubscribeMessage[] } {
  const sent: SubscribeMessage[] = [];
  return {
    provider,
    kind: 'sandbox',
    sent,
    async exchangeCode(code) {
      if (code.startsWith('invalid')) {
        throw new DomainError(
          'OAUTH_CODE_INVALID',
          401,
          '授权已失效，请重新授权',
          'The authorisation code is invalid or expired',
        );
      }
      const digest = createHash('sha256').update(`${provider}:${code}`).digest('base64url');
      return { openid: `${provider === 'wechat' ? 'o' : '2088'}sbx${digest.slice(0, 24)}` };
    },
    async sendSubscribeMessage(message) {
      sent.push(message);
      return { providerMessageId: newId() };
    },
  };
}
