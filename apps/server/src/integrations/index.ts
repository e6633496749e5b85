import type { AppConfig } from '../config.js';

/**
 * Adapters to outside systems, one interface each, chosen by configuration.
 * Each integration folder exports a factory; buildAdapters wires the configured ones.
 * Modules reach outside systems only through ctx.adapters.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Adapters {}

export type AdapterOverrides = Partial<Adapters>;

export function buildAdapters(_config: AppConfig, overrides: AdapterOverrides = {}): Adapters {
  return { ...overrides } as Adapters;
}
