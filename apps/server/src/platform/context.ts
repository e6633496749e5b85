import type { FastifyBaseLogger } from 'fastify';
import type { AppConfig } from '../config.js';
import type { Database, Db } from '../db/client.js';
import type { HospitalClock } from './clock.js';
import type { Jobs } from './jobs.js';
import type { EventBus } from './events.js';
import type { Adapters } from '../integrations/index.js';

/** What every service function receives: no globals, so tests can build as many apps as they like. */
export interface AppContext {
  config: AppConfig;
  database: Database;
  db: Db;
  clock: HospitalClock;
  log: FastifyBaseLogger;
  jobs: Jobs;
  /** The event bus on the outbox (platform/events.ts): publish, subscribe, cross-process notices. */
  events: EventBus;
  adapters: Adapters;
}
