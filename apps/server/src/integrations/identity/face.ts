import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../../config.js';
import { IdentityProviderUnavailable, type RealNameQuery } from './verifier.js';

/**
 * What a face-verification provider concluded about one session: `passed` (a live person whose face
 * matches the photo the national identity system holds for the ID number), `mismatch` (live, but
 * another person's face), `not_live` (a photo, a screen or a mask), `pending` (the person has not
 * finished the capture yet).
 */
export type FaceOutcome = 'pending' | 'passed' | 'mismatch' | 'not_live';

/**
 * A face-verification provider (IDN-13): liveness detection plus a comparison of the live face with
 * the ID photo behind the number (the "three-element" check vendors sell, or the WeChat / Alipay
 * face SDKs). The platform opens a session for a person, the H5 runs the provider's capture with the
 * session id, and the platform then asks the provider for its verdict: the browser's word is never
 * taken for it.
 */
export interface FaceVerifier {
  readonly kind: 'sandbox';
  startSession(person: RealNameQuery): Promise<{ providerSessionId: string }>;
  result(providerSessionId: string): Promise<FaceOutcome>;
}

export function buildFaceVerifier(config: AppConfig): FaceVerifier {
  switch (config.FACE_VERIFIER) {
    case 'sandbox':
      return new SandboxFaceVerifier();
  }
}

/**
 * The sandbox provider: a session waits until the sandbox capture page (or a test) says what the
 * camera saw (`complete(id, 'passed' | 'mismatch' | 'not_live')`); it can be told to be `down`.
 * Sessions live in this process, as a vendor's do on its side.
 */
export class SandboxFaceVerifier implements FaceVerifier {
  readonly kind = 'sandbox' as const;
  down = false;
  private readonly sessions = new Map<string, FaceOutcome>();

  async startSession(_person: RealNameQuery): Promise<{ providerSessionId: string }> {
    if (this.down) throw new IdentityProviderUnavailable('sandbox face provider is down');
    const providerSessionId = `sbxface_${randomUUID()}`;
    this.sessions.set(providerSessionId, 'pending');
    return { providerSessionId };
  }

  /** What the sandbox camera saw; false when there is no such session or it is already decided. */
  complete(providerSessionId: string, outcome: Exclude<FaceOutcome, 'pending'>): boolean {
    if (this.sessions.get(providerSessionId) !== 'pending') return false;
    this.sessions.set(providerSessionId, outcome);
    return true;
  }

  async result(providerSessionId: string): Promise<FaceOutcome> {
    if (this.down) throw new IdentityProviderUnavailable('sandbox face provider is down');
    return this.sessions.get(providerSessionId) ?? 'pending';
  }
}
