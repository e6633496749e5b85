import type { AppConfig } from '../../config.js';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CardAdapters {}

export function buildCardAdapters(_config: AppConfig): CardAdapters {
  return {};
}
