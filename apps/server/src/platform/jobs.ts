import PgBoss from 'pg-boss';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/client.js';

export type JobHandler<T = Record<string, unknown>> = (data: T) => Promise<void>;

interface Registration {
  name: string;
  handler: JobHandler<never>;
  cron?: string;
  retryLimit: number;
  concurrency: number;
}

/**
 * Durable background work on pg-boss 10, on PostgreSQL and on PGlite alike (through the executeSql
 * adapter below). Modules register handlers and crons while the app is built; start() creates the
 * queues, the schedules and the workers. Jobs live in the database, so they survive restarts and
 * run once across several server instances.
 */
export class Jobs {
  private readonly registrations = new Map<string, Registration>();
  private boss?: PgBoss;

  constructor(
    private readonly database: Database,
    private readonly log: FastifyBaseLogger,
    private readonly tz: string,
    private readonly options: { pollingIntervalSeconds?: number; cronMonitorIntervalSeconds?: number } = {},
  ) {}

  /**
   * `concurrency`: how many jobs of this queue one process works on at once (default 1). Handlers
   * already tolerate parallel jobs (several server instances work the same queues), so a queue whose
   * jobs wait on the network (notification deliveries, calls to the HIS) can take more.
   */
  register<T>(
    name: string,
    handler: JobHandler<T>,
    opts: { cron?: string; retryLimit?: number; concurrency?: number } = {},
  ): void {
    if (this.registrations.has(name)) throw new Error(`job ${name} registered twice`);
    this.registrations.set(name, {
      name,
      handler: handler as JobHandler<never>,
      cron: opts.cron,
      retryLimit: opts.retryLimit ?? 5,
      concurrency: Math.max(1, Math.min(opts.concurrency ?? 1, 16)),
    });
  }

  get running(): boolean {
    return this.boss !== undefined;
  }

  async start(): Promise<void> {
    const db = this.database;
    const boss = new PgBoss({
      db: {
        executeSql: async (text: string, values: unknown[]) => {
          if (db.kind === 'pglite' && (!values || values.length === 0)) {
            // pg-boss sends multi-statement scripts (schema creation, locked transactions) without parameters.
            const results = await db.pglite!.exec(text);
            return { rows: results.length ? results[results.length - 1].rows : [] };
          }
          return db.raw.query(text, values);
        },
      },
      schema: 'pgboss',
      pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 2,
      cronMonitorIntervalSeconds: this.options.cronMonitorIntervalSeconds ?? 30,
      cronWorkerIntervalSeconds: this.options.cronMonitorIntervalSeconds ?? 5,
      supervise: true,
    } as PgBoss.ConstructorOptions);
    boss.on('error', (err) => this.log.error({ err }, 'job system error'));
    await boss.start();
    for (const r of this.registrations.values()) {
      await boss.createQueue(r.name, {
        name: r.name,
        retryLimit: r.retryLimit,
        retryBackoff: true,
      } as PgBoss.Queue);
      if (r.cron) await boss.schedule(r.name, r.cron, {}, { tz: this.tz });
      // pg-boss 10 has no per-worker concurrency: each work() is one more worker on the queue.
      // A worker waits the polling interval after every fetch, even one that found a job; waking
      // it again after a job lets a backlog drain at once, while an empty queue is still polled
      // only once per interval.
      for (let i = 0; i < r.concurrency; i++) {
        let workerId = '';
        workerId = await boss.work(
          r.name,
          { pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 2 },
          async (jobs) => {
            for (const job of jobs) {
              try {
                await r.handler(job.data as never);
              } catch (err) {
                this.log.error({ err, job: r.name }, 'job failed');
                throw err;
              }
            }
            if (jobs.length && workerId) boss.notifyWorker(workerId);
          },
        );
      }
    }
    this.boss = boss;
  }

  async stop(): Promise<void> {
    const boss = this.boss;
    this.boss = undefined;
    if (boss) await boss.stop({ graceful: true, wait: true, timeout: 5000 });
  }

  /**
   * Queues a job. `startAfter` delays it (durable timers such as a slot lock's expiry);
   * `singletonKey` keeps one pending job per key.
   */
  async send(
    name: string,
    data: object,
    opts: { startAfter?: Date; singletonKey?: string } = {},
  ): Promise<void> {
    if (!this.registrations.has(name)) throw new Error(`unknown job ${name}`);
    const boss = this.boss;
    if (!boss) return; // jobs disabled (unit tests): callers rely on runNow or sweeps instead
    const send = () =>
      boss.send(name, data, { startAfter: opts.startAfter, singletonKey: opts.singletonKey });
    if (this.database.kind === 'pglite') {
      // PGlite has one connection: a send from inside a transaction would wait for that very
      // transaction and deadlock. Enqueue once the caller's work has finished instead. Every job
      // handler re-checks state, and each timer also has a cron sweep, so a send that follows a
      // rolled-back transaction, or one lost in a crash, does no harm.
      void send().catch((err) => this.log.error({ err, job: name }, 'could not enqueue job'));
      return;
    }
    await send();
  }

  /** Runs a registered handler in this process at once (tests and manual triggers). */
  async runNow<T>(name: string, data: T = {} as T): Promise<void> {
    const r = this.registrations.get(name);
    if (!r) throw new Error(`unknown job ${name}`);
    await (r.handler as JobHandler<T>)(data);
  }

  names(): string[] {
    return [...this.registrations.keys()];
  }
}
