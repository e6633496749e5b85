import type { AppConfig } from '../../config.js';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface IdentityAdapters {}

export function buildIdentityAdapters(_config: AppConfig): IdentityAdapters {
  return {};
}
