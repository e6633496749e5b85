import type { AppConfig } from '../../config.js';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SmsAdapters {}

export function buildSmsAdapters(_config: AppConfig): SmsAdapters {
  return {};
}
