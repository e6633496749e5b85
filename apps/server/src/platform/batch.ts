/**
 * Groups look-ups by key that arrive at the same moment into one query. At a release peak thousands
 * of requests reach the server within a few milliseconds and each would otherwise spend a pool
 * connection and a round trip on its own primary-key read (the session of its token, its
 * idempotency key); here every key asked for before the event loop next turns (`setImmediate`, so
 * all requests parsed in one I/O pass) is read by one `WHERE key = ANY(...)` statement. Nothing is
 * remembered after the batch answers: every caller still sees the database as of its own request.
 */
export class Batcher<K, V> {
  private pending = new Map<K, { resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[]>();
  private scheduled = false;

  constructor(
    private readonly loadMany: (keys: K[]) => Promise<Map<K, V>>,
    private readonly maxBatch = 500,
  ) {}

  load(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const waiting = this.pending.get(key);
      if (waiting) waiting.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const all = [...this.pending.entries()];
    this.pending = new Map();
    for (let i = 0; i < all.length; i += this.maxBatch) {
      const part = all.slice(i, i + this.maxBatch);
      this.loadMany(part.map(([k]) => k)).then(
        (found) => {
          for (const [k, waiters] of part) for (const w of waiters) w.resolve(found.get(k));
        },
        (err) => {
          for (const [, waiters] of part) for (const w of waiters) w.reject(err);
        },
      );
    }
  }
}

/** One batcher per app context and purpose. */
export function batcherOf<K, V>(owner: object, name: string, make: () => Batcher<K, V>): Batcher<K, V> {
  let byName = registry.get(owner);
  if (!byName) registry.set(owner, (byName = new Map()));
  let b = byName.get(name) as Batcher<K, V> | undefined;
  if (!b) byName.set(name, (b = make()));
  return b;
}

const registry = new WeakMap<object, Map<string, unknown>>();
