import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import type { InvoiceSource } from '../../integrations/einvoice/index.js';
import { einvoices } from './schema.js';
import { refundedOf, unrequestedOf } from './sources.js';

// The sweep reads an owner's candidates a page at a time and checks each page against the e-invoices
// in one query: a lost request or a refund far down the list is found however many records before it
// are already invoiced.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const TYPE = 'paging_probe';
const since = new Date('2026-11-01T00:00:00Z');

/** A source whose records are r1..r7, served two to a page whatever the page size asked. */
function probeSource(calls: string[]): InvoiceSource {
  const ids = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'];
  const page = (cursor: string | undefined) => {
    const from = cursor ? Number(cursor) : 0;
    calls.push(`page ${from}`);
    return { slice: ids.slice(from, from + 2), next: from + 2 < ids.length ? String(from + 2) : undefined };
  };
  return {
    category: 'outpatient',
    snapshot: async () => undefined,
    refundedParts: async () => [],
    printedParts: async () => [],
    markPrinted: async () => undefined,
    async candidates(_ctx, _since, cursor) {
      const p = page(cursor);
      return { items: p.slice.map((sourceId) => ({ sourceId })), next: p.next };
    },
    async reversals(_ctx, _since, cursor) {
      const p = page(cursor);
      return { items: p.slice.map((id) => ({ sourceId: id, parts: [`${id}:part`] })), next: p.next };
    },
  };
}

async function invoiced(sourceId: string, state: 'pending' | 'cancelled' = 'pending') {
  const now = new Date();
  await t.app.ctx.db.insert(einvoices).values({
    id: `probe-${sourceId}`,
    requestKey: `probe:${sourceId}`,
    serialNo: `PROBE${sourceId}`,
    kind: 'blue',
    category: 'outpatient',
    sourceType: TYPE,
    sourceId,
    sourceParts: [`${sourceId}:part`],
    accountId: 'a',
    patientId: 'p',
    patientIdx: 'x',
    payerName: '张三',
    title: 'probe',
    items: [],
    amountFen: 100,
    paidAt: now,
    state,
    nextAttemptAt: new Date('2100-01-01T00:00:00Z'),
    createdAt: now,
    updatedAt: now,
  });
}

describe("the e-invoice sweep pages through an owner's candidates", () => {
  it('finds the records without an invoice on later pages, and the refunded ones still invoiced', async () => {
    for (const id of ['r1', 'r2', 'r3', 'r4', 'r6']) await invoiced(id);
    await invoiced('r5', 'cancelled');

    const calls: string[] = [];
    expect(await unrequestedOf(t.app.ctx, TYPE, probeSource(calls), since, 100)).toEqual(['r7']);
    expect(calls).toEqual(['page 0', 'page 2', 'page 4', 'page 6']);

    // live blue invoices only: the cancelled one of r5 needs no red letter
    expect((await refundedOf(t.app.ctx, TYPE, probeSource([]), since, 100)).sort()).toEqual([
      'r1',
      'r2',
      'r3',
      'r4',
      'r6',
    ]);
    // and the sweep stops reading once it has as many as it takes
    const few: string[] = [];
    expect(await refundedOf(t.app.ctx, TYPE, probeSource(few), since, 3)).toEqual(['r1', 'r2', 'r3']);
    expect(few).toEqual(['page 0', 'page 2']);
  });
});
