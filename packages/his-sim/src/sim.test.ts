import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LAB_PANELS, referenceRangeFor, subjectOf } from './catalogue.js';
import { createHisSim, DEFAULT_PLATFORM_SECRET, observe, rngFor, type HisSim } from './sim.js';
import { sign, signedHeaders } from './signing.js';

/**
 * The simulator on its own, against a stand-in platform that records every signed push. The full
 * path against the real platform is apps/server/src/modules/billing/his-sim.acceptance.test.ts.
 */
interface Push {
  path: string;
  body: any;
  signatureOk: boolean;
}

const CHANNEL = { appId: 'qn-test-his', secret: 'channel-secret-for-tests' };
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

/** A stand-in platform: checks the signature, and answers TIMESTAMP_STALE when told its clock differs. */
async function fakePlatform(opts: { clockOffsetMs?: number } = {}) {
  const pushes: Push[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const h = (n: string) => String(req.headers[n] ?? '');
      const serverTime = Math.floor((Date.now() + (opts.clockOffsetMs ?? 0)) / 1000);
      const answer = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (Math.abs(Number(h('x-qn-timestamp')) - serverTime) > 300)
        return answer(401, { code: 'TIMESTAMP_STALE', details: { serverTime } });
      const expected = sign(CHANNEL.secret, 'POST', req.url!, h('x-qn-timestamp'), h('x-qn-nonce'), raw);
      pushes.push({
        path: req.url!,
        body: JSON.parse(raw),
        signatureOk: expected === h('x-qn-signature') && h('x-qn-app-id') === CHANNEL.appId,
      });
      answer(200, {});
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const p = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    pushes,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  open.push(p);
  return p;
}

async function startSim(platformUrl: string, seed: number, extra: Parameters<typeof createHisSim>[0] = {}) {
  const sim = await createHisSim({
    platformUrl,
    channel: CHANNEL,
    seed,
    timings: { orderMs: 0, dispenseMs: null, performMs: null, reportMs: 0, dayMs: null, retryMs: 10 },
    admissionRate: 0,
    ...extra,
  });
  open.push(sim);
  return sim;
}

/** A call as the platform signs it (HIS_SECRET). */
async function platformCall(sim: HisSim, path: string, body: unknown, secret = DEFAULT_PLATFORM_SECRET) {
  const raw = JSON.stringify(body);
  const headers = signedHeaders(
    'qingnang',
    secret,
    'POST',
    path,
    raw,
    Math.floor(Date.now() / 1000),
    randomBytes(8).toString('hex'),
  );
  const res = await fetch(sim.url + path, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as any };
}

const checkedIn = (n: number) => ({
  type: 'registration.checked_in',
  eventId: `registration.checked_in:reg-${n}`,
  occurredAt: '2026-11-23T05:30:00.000Z',
  registration: { id: `reg-${n}`, clinicDate: '2026-11-23', queueNumber: n },
  patient: { id: `p-${n}`, name: '王五', idNumber: '11010119800101001X', visitCardNo: null },
  department: { id: 'd1', name: '呼吸内科' },
  doctor: { id: 'doc1', name: '陈明', title: 'chief' },
});

async function visitsOf(seed: number, n: number) {
  const platform = await fakePlatform();
  const sim = await startSim(platform.url, seed);
  for (let i = 1; i <= n; i++)
    expect((await platformCall(sim, '/qingnang/v1/events', checkedIn(i))).status).toBe(200);
  await sim.idle();
  expect(sim.state.errors).toEqual([]);
  return platform.pushes;
}

describe('his-sim drives the platform like a HIS', () => {
  it('after a check-in it opens the visit and pushes its orders, signed; the same seed gives the same orders', async () => {
    const a = await visitsOf(7, 4);
    const b = await visitsOf(7, 4);
    const c = await visitsOf(8, 4);
    expect(a.every((p) => p.signatureOk)).toBe(true);
    // one visit and one bill push per check-in (the four visits are opened side by side)
    expect(a.filter((p) => p.path === '/api/integration/v1/his/visits')).toHaveLength(4);
    expect(a.filter((p) => p.path === '/api/integration/v1/his/bills')).toHaveLength(4);
    const orders = (ps: Push[]) =>
      ps
        .filter((p) => p.path.endsWith('/bills'))
        .map((p) => p.body.bills.map((x: any) => [x.billNo, x.items]))
        .sort((x: any, y: any) => (x[0][0] < y[0][0] ? -1 : 1)); // visits are pushed side by side
    expect(orders(b)).toEqual(orders(a));
    expect(orders(c)).not.toEqual(orders(a));
    const first = a.find((p) => p.path.endsWith('/bills') && p.body.visitNo === 'MZ2026112300001')!.body;
    const kinds = first.bills.map((x: any) => x.kind);
    expect(kinds.slice(0, 2)).toEqual(['prescription', 'lab']);
    for (const bill of first.bills)
      for (const item of bill.items) expect(item.amountFen).toBe(item.quantity * item.unitPriceFen);
    expect(a.find((p) => p.path.endsWith('/visits'))!.body.patient).toEqual({
      name: '王五',
      idNumber: '11010119800101001X',
    });
  });

  it('a repeated check-in event opens no second visit', async () => {
    const platform = await fakePlatform();
    const sim = await startSim(platform.url, 1);
    const one = await platformCall(sim, '/qingnang/v1/events', checkedIn(1));
    const two = await platformCall(sim, '/qingnang/v1/events', checkedIn(1));
    await sim.idle();
    expect(two.body.visitNo).toBe(one.body.visitNo);
    expect(sim.state.visits.size).toBe(1);
    expect(platform.pushes.filter((p) => p.path.endsWith('/visits'))).toHaveLength(1);
  });

  it("follows the platform's clock when it answers TIMESTAMP_STALE", async () => {
    const platform = await fakePlatform({ clockOffsetMs: 9 * 3600_000 });
    const sim = await startSim(platform.url, 1);
    await platformCall(sim, '/qingnang/v1/events', checkedIn(1));
    await sim.idle();
    expect(sim.state.errors).toEqual([]);
    expect(platform.pushes.map((p) => p.path)).toEqual([
      '/api/integration/v1/his/visits',
      '/api/integration/v1/his/bills',
    ]);
    const billedAt = Date.parse(platform.pushes[1].body.bills[0].billedAt);
    expect(Math.abs(billedAt - (Date.now() + 9 * 3600_000))).toBeLessThan(60_000);
  });
});

describe("his-sim answers the platform's calls as the outbound contract says", () => {
  it('write-back: once per order number, refused for unknown bills or wrong amounts, 503 while failing', async () => {
    const platform = await fakePlatform();
    const sim = await startSim(platform.url, 3);
    await platformCall(sim, '/qingnang/v1/events', checkedIn(1));
    await sim.idle();
    const [drug, lab] = [...sim.state.bills.values()];
    const req = {
      orderNo: 'PO1',
      channelTradeNo: null,
      amountFen: drug.amountFen + lab.amountFen,
      paidAt: '2026-11-23T05:40:00.000Z',
      bills: [drug, lab].map((b) => ({ billNo: b.billNo, amountFen: b.amountFen })),
    };
    sim.faults.writeBackFailures = 1;
    const down = await platformCall(sim, '/qingnang/v1/bill-writebacks', req);
    expect(down).toMatchObject({ status: 503, body: { code: 'HIS_BUSY' } });
    expect(drug.state).toBe('ordered');
    const ok = await platformCall(sim, '/qingnang/v1/bill-writebacks', req);
    const again = await platformCall(sim, '/qingnang/v1/bill-writebacks', req);
    expect(ok.status).toBe(200);
    expect(again.body.receiptNo).toBe(ok.body.receiptNo);
    expect(drug).toMatchObject({ state: 'paid', orderNo: 'PO1', receiptNo: ok.body.receiptNo });

    const other = await platformCall(sim, '/qingnang/v1/bill-writebacks', { ...req, orderNo: 'PO2' });
    expect(other).toMatchObject({ status: 409, body: { code: 'BILL_NOT_PAYABLE' } });
    const unknown = await platformCall(sim, '/qingnang/v1/bill-writebacks', {
      ...req,
      orderNo: 'PO3',
      bills: [{ billNo: 'NOPE', amountFen: 1 }],
    });
    expect(unknown).toMatchObject({ status: 409, body: { code: 'BILL_UNKNOWN' } });

    // Executed bills cannot be cancelled; unexecuted ones can, once.
    await sim.execute(drug.billNo);
    expect(drug.execution).toBe('dispensed');
    const refuse = await platformCall(sim, '/qingnang/v1/bill-refunds', {
      orderNo: 'PO1',
      refundKey: 'r1',
      amountFen: drug.amountFen,
      bills: [{ billNo: drug.billNo, amountFen: drug.amountFen }],
    });
    expect(refuse).toMatchObject({ status: 409, body: { code: 'BILL_EXECUTED' } });
    const refund = {
      orderNo: 'PO1',
      refundKey: 'r2',
      amountFen: lab.amountFen,
      bills: [{ billNo: lab.billNo }],
    };
    expect((await platformCall(sim, '/qingnang/v1/bill-refunds', refund)).status).toBe(200);
    expect((await platformCall(sim, '/qingnang/v1/bill-refunds', refund)).status).toBe(200);
    expect(lab.state).toBe('refunded');
    expect(sim.state.refunds.size).toBe(1);
  });

  it('in demo mode (adoptUnknownBills) it writes back bills another channel pushed, and never executes them itself', async () => {
    const platform = await fakePlatform();
    const sim = await startSim(platform.url, 1, {
      adoptUnknownBills: true,
      timings: { orderMs: 0, dispenseMs: 0, performMs: 0, reportMs: 0, dayMs: null, retryMs: 10 },
    });
    const req = {
      orderNo: 'PO9',
      channelTradeNo: null,
      amountFen: 2500,
      paidAt: '2026-11-23T05:40:00.000Z',
      bills: [{ billNo: 'EXT-1', amountFen: 2500 }],
    };
    const ok = await platformCall(sim, '/qingnang/v1/bill-writebacks', req);
    expect(ok.status).toBe(200);
    expect((await platformCall(sim, '/qingnang/v1/bill-writebacks', req)).body.receiptNo).toBe(
      ok.body.receiptNo,
    );
    await sim.idle();
    expect(sim.state.bills.get('EXT-1')).toMatchObject({ foreign: true, state: 'paid', execution: 'none' });
    expect(platform.pushes).toEqual([]);
  });

  it('refuses calls not signed with the HIS secret', async () => {
    const sim = await startSim('http://127.0.0.1:9', 1);
    const forged = await platformCall(sim, '/qingnang/v1/events', checkedIn(1), 'some-other-secret-value');
    expect(forged).toMatchObject({ status: 401, body: { code: 'SIGNATURE_INVALID' } });
    expect(sim.state.visits.size).toBe(0);
  });
});

describe('lab results', () => {
  it('each value carries its flag consistently with its reference range; about the configured share is abnormal', () => {
    const r = rngFor(99, 'observe');
    let abnormal = 0;
    let n = 0;
    for (let k = 0; k < 300; k++)
      for (const panel of LAB_PANELS)
        for (const ind of panel.indicators) {
          const o = observe(r, ind, 0.2);
          n++;
          if (o.flag !== 'N') abnormal++;
          if (typeof o.value !== 'number') continue;
          if (o.flag === 'H') expect(o.value).toBeGreaterThan(ind.high!);
          if (o.flag === 'L') expect(o.value).toBeLessThan(ind.low!);
          if (o.flag === 'N') {
            if (ind.low !== undefined) expect(o.value).toBeGreaterThanOrEqual(ind.low);
            if (ind.high !== undefined) expect(o.value).toBeLessThanOrEqual(ind.high);
          }
          expect(o.value).toBeGreaterThanOrEqual(0);
        }
    expect(abnormal / n).toBeGreaterThan(0.15);
    expect(abnormal / n).toBeLessThan(0.25);
  });
});

describe('insurance e-prescriptions (INS-16)', () => {
  /** A check-in of an insured patient: ID number and visit card known to the HIS. */
  const insuredCheckIn = (n: number) => ({
    ...checkedIn(n),
    patient: {
      id: `p-${n}`,
      name: '李四',
      idNumber: '110101195001011234',
      visitCardNo: `VC${String(n).padStart(6, '0')}`,
    },
  });

  async function prescriptionsOf(seed: number, n: number, prescriptionRate: number) {
    const platform = await fakePlatform();
    const sim = await startSim(platform.url, seed, { prescriptionRate });
    for (let i = 1; i <= n; i++)
      expect((await platformCall(sim, '/qingnang/v1/events', insuredCheckIn(i))).status).toBe(200);
    await sim.idle();
    expect(sim.state.errors).toEqual([]);
    return { sim, pushes: platform.pushes };
  }
  const rxPushes = (ps: Push[]) => ps.filter((p) => p.path === '/api/integration/v1/prescriptions');

  it('for a share of insured visits the doctor signs one, pushed signed after the visit; the same seed gives the same prescriptions', async () => {
    const a = await prescriptionsOf(11, 12, 0.5);
    const again = await prescriptionsOf(11, 12, 0.5);
    const pushed = rxPushes(a.pushes);
    expect(pushed.length).toBeGreaterThan(0);
    expect(pushed.length).toBeLessThan(12);
    expect(pushed.every((p) => p.signatureOk)).toBe(true);
    const content = (ps: Push[]) =>
      rxPushes(ps)
        .map((p) => ({ ...p.body, issuedAt: undefined }))
        .sort((x, y) => (x.hisRxNo < y.hisRxNo ? -1 : 1));
    expect(content(again.pushes)).toEqual(content(a.pushes));
    for (const p of pushed) {
      const rx = p.body;
      // the visit it belongs to was pushed first, and the prescription names the same patient
      const visitAt = a.pushes.findIndex(
        (x) => x.path.endsWith('/his/visits') && x.body.visitNo === rx.visitNo,
      );
      expect(visitAt).toBeGreaterThanOrEqual(0);
      expect(visitAt).toBeLessThan(a.pushes.indexOf(p));
      expect(rx.hisRxNo).toBe(`${rx.visitNo}-YB1`);
      expect(rx.patientName).toBe('李四');
      expect(rx.visitCardNo).toMatch(/^VC\d{6}$/);
      expect(rx.doctor.insuranceDoctorCode).toMatch(/^D\d{12}$/);
      expect(rx.kind === 'special_disease').toBe(!!rx.specialDisease);
      expect(rx.validDays).toBe(rx.kind === 'special_disease' ? 7 : 3);
      expect(rx.diagnoses.length).toBeGreaterThan(0);
      expect(rx.items.length).toBeGreaterThan(0);
      for (const i of rx.items) {
        expect(i.quantity).toBeGreaterThan(0);
        expect(typeof i.dualChannel).toBe('boolean');
      }
      expect(a.sim.state.prescriptions.get(rx.hisRxNo)).toMatchObject({ state: 'issued', kind: rx.kind });
    }
    expect(a.sim.state.prescriptions.size).toBe(pushed.length);
  });

  it('some are 门诊特殊病 prescriptions and some carry 双通道 drugs', async () => {
    const { pushes } = await prescriptionsOf(5, 16, 1);
    const pushed = rxPushes(pushes).map((p) => p.body);
    expect(pushed).toHaveLength(16);
    const special = pushed.filter((rx) => rx.kind === 'special_disease');
    expect(special.length).toBeGreaterThan(0);
    expect(special.length).toBeLessThan(16);
    expect(new Set(special.map((rx) => rx.specialDisease.name)).size).toBeGreaterThan(1);
    expect(pushed.some((rx) => rx.items.some((i: any) => i.dualChannel))).toBe(true);
    expect(pushed.some((rx) => rx.items.every((i: any) => !i.dualChannel))).toBe(true);
  });

  it('none for patients without a visit card, and none at all unless turned on; the other orders stay the same', async () => {
    const platform = await fakePlatform();
    const sim = await startSim(platform.url, 11, { prescriptionRate: 1 });
    await platformCall(sim, '/qingnang/v1/events', checkedIn(1)); // no visit card
    await sim.idle();
    expect(rxPushes(platform.pushes)).toEqual([]);
    const off = await prescriptionsOf(11, 6, 0);
    const on = await prescriptionsOf(11, 6, 1);
    expect(rxPushes(off.pushes)).toEqual([]);
    expect(rxPushes(on.pushes)).toHaveLength(6);
    const bills = (ps: Push[]) =>
      ps
        .filter((p) => p.path.endsWith('/his/bills'))
        .map((p) => p.body.bills.map((b: any) => [b.billNo, b.items]))
        .sort((x: any, y: any) => (x[0][0] < y[0][0] ? -1 : 1));
    expect(bills(on.pushes)).toEqual(bills(off.pushes));
  });

  it('when the patient chooses the hospital pharmacy it bills the drugs through the bill push, once; dispensing them closes the prescription', async () => {
    const { sim, pushes } = await prescriptionsOf(11, 12, 0.5);
    const rx = rxPushes(pushes)[0].body;
    const items = rx.items.map((i: any) => ({
      drugCode: i.drugCode,
      name: i.name,
      spec: i.spec,
      quantity: i.quantity,
      unit: i.unit,
      amountFen: i.quantity * i.unitPriceFen,
    }));
    const totalFen = items.reduce((s: number, i: any) => s + i.amountFen, 0);
    const event = {
      type: 'prescription.fill_at_hospital',
      eventId: 'prescription.fill_at_hospital:rx-1',
      occurredAt: '2026-11-23T06:00:00.000Z',
      prescription: { id: 'rx-1', hisRxNo: rx.hisRxNo, hiRxNo: 'HI1', visitNo: rx.visitNo, totalFen, items },
      patient: insuredCheckIn(1).patient,
    };
    const before = pushes.length;
    const first = await platformCall(sim, '/qingnang/v1/events', event);
    const repeat = await platformCall(sim, '/qingnang/v1/events', event);
    await sim.idle();
    expect(first).toMatchObject({ status: 200, body: { accepted: true, billNo: `${rx.hisRxNo}-YF` } });
    expect(repeat.body).toEqual(first.body);
    const billPushes = pushes.slice(before).filter((p) => p.path === '/api/integration/v1/his/bills');
    expect(billPushes).toHaveLength(1);
    const [bill] = billPushes[0].body.bills;
    expect(billPushes[0].body.visitNo).toBe(rx.visitNo);
    expect(bill).toMatchObject({ billNo: `${rx.hisRxNo}-YF`, kind: 'prescription' });
    expect(bill.items.map((i: any) => [i.code, i.quantity, i.amountFen])).toEqual(
      items.map((i: any) => [i.drugCode, i.quantity, i.amountFen]),
    );
    for (const i of bill.items) expect(i.amountFen).toBe(i.quantity * i.unitPriceFen);
    expect(sim.state.prescriptions.get(rx.hisRxNo)).toMatchObject({
      state: 'at_hospital',
      billNo: bill.billNo,
    });

    // paid through the platform (write-back), then the pharmacy dispenses and tells the platform
    const paid = await platformCall(sim, '/qingnang/v1/bill-writebacks', {
      orderNo: 'PO-RX',
      channelTradeNo: null,
      amountFen: totalFen,
      paidAt: '2026-11-23T06:05:00.000Z',
      bills: [{ billNo: bill.billNo, amountFen: totalFen }],
    });
    expect(paid.status).toBe(200);
    await sim.execute(bill.billNo);
    const tail = pushes.slice(before).map((p) => p.path);
    expect(tail).toContain(`/api/integration/v1/his/bills/${bill.billNo}/execution`);
    expect(tail.at(-1)).toBe(`/api/integration/v1/prescriptions/${rx.hisRxNo}/dispensed`);
    expect(sim.state.prescriptions.get(rx.hisRxNo)).toMatchObject({ state: 'dispensed' });
    expect(sim.state.errors).toEqual([]);
  });

  it('the doctor revokes a prescription in the HIS: the platform is told with the reason', async () => {
    const { sim, pushes } = await prescriptionsOf(11, 12, 0.5);
    const rx = rxPushes(pushes)[0].body;
    const unknown = await fetch(`${sim.url}/sim/prescriptions/NOPE/revoke`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    const res = await fetch(`${sim.url}/sim/prescriptions/${rx.hisRxNo}/revoke`, {
      method: 'POST',
      body: JSON.stringify({ reason: '患者过敏，改用其他药物' }),
    });
    expect(res.status).toBe(200);
    expect(pushes.at(-1)).toMatchObject({
      path: `/api/integration/v1/prescriptions/${rx.hisRxNo}/revoke`,
      body: { reason: '患者过敏，改用其他药物' },
      signatureOk: true,
    });
    expect(sim.state.prescriptions.get(rx.hisRxNo)?.state).toBe('revoked');
  });

  it('bills a prescription it did not issue under a visit it opens; refuses an event without drugs', async () => {
    const platform = await fakePlatform();
    const sim = await startSim(platform.url, 2);
    const bad = await platformCall(sim, '/qingnang/v1/events', {
      type: 'prescription.fill_at_hospital',
      eventId: 'prescription.fill_at_hospital:bad',
      prescription: { hisRxNo: 'RX-X', items: [] },
      patient: { name: '张三' },
    });
    expect(bad).toMatchObject({ status: 400, body: { code: 'EVENT_INVALID' } });
    const ok = await platformCall(sim, '/qingnang/v1/events', {
      type: 'prescription.fill_at_hospital',
      eventId: 'prescription.fill_at_hospital:ext',
      occurredAt: '2026-11-23T06:00:00.000Z',
      prescription: {
        id: 'rx-ext',
        hisRxNo: 'RX-EXT-1',
        hiRxNo: null,
        visitNo: null,
        totalFen: 12320,
        items: [
          {
            drugCode: 'Y0507',
            name: '达格列净片',
            spec: '10mg*14片',
            quantity: 2,
            unit: '盒',
            amountFen: 12320,
          },
        ],
      },
      patient: { id: 'p-9', name: '张三', idNumber: '110101198001011234', visitCardNo: 'VC900001' },
    });
    await sim.idle();
    expect(ok.status).toBe(200);
    expect(sim.state.errors).toEqual([]);
    expect(platform.pushes.map((p) => p.path)).toEqual([
      '/api/integration/v1/his/visits',
      '/api/integration/v1/his/bills',
    ]);
    const visitNo = platform.pushes[0].body.visitNo;
    expect(platform.pushes[1].body).toMatchObject({
      visitNo,
      bills: [
        {
          billNo: 'RX-EXT-1-YF',
          items: [{ code: 'Y0507', quantity: 2, unitPriceFen: 6160, amountFen: 12320 }],
        },
      ],
    });
  });
});

describe('inpatient discharge settlement reversal (撤销出院结算)', () => {
  const reversalPushes = (pushes: Push[]) => pushes.filter((p) => p.path.endsWith('/settlement-reversal'));
  const dischargePushes = (pushes: Push[]) => pushes.filter((p) => p.path.endsWith('/discharge'));

  it('the billing office reverses a discharge: the platform is told once per reversal number, and the stay can be discharged again', async () => {
    const platform = await fakePlatform();
    const sim = await startSim(platform.url, 21, { stayDays: 1 });
    const a = await sim.admit({ name: '住院甲', visitCardNo: 'C00021' });

    // not discharged yet: nothing to reverse, nothing pushed
    const early = await fetch(`${sim.url}/sim/admissions/${a.admissionNo}/reverse-discharge`, {
      method: 'POST',
      body: '{}',
    });
    expect(early.status).toBe(409);
    expect(((await early.json()) as { code: string }).code).toBe('ADMISSION_NOT_DISCHARGED');
    const unknown = await fetch(`${sim.url}/sim/admissions/ZYNOPE/reverse-discharge`, {
      method: 'POST',
      body: '{}',
    });
    expect(unknown.status).toBe(404);
    expect(reversalPushes(platform.pushes)).toHaveLength(0);

    await sim.nextDay(a.admissionNo); // day 1 charged
    await sim.nextDay(a.admissionNo); // discharged
    expect(a.discharged).toBe(true);
    expect(dischargePushes(platform.pushes)).toHaveLength(1);

    const res = await fetch(`${sim.url}/sim/admissions/${a.admissionNo}/reverse-discharge`, {
      method: 'POST',
      body: JSON.stringify({ reason: '漏记费用，撤销结算' }),
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ admissionNo: a.admissionNo, reversalNo: `CX${a.admissionNo}-1` });
    expect(reversalPushes(platform.pushes)).toEqual([
      {
        path: `/api/integration/v1/his/admissions/${a.admissionNo}/settlement-reversal`,
        body: { reversalNo: `CX${a.admissionNo}-1`, reason: '漏记费用，撤销结算' },
        signatureOk: true,
      },
    ]);
    expect(a.discharged).toBe(false);
    expect(a.reversals.map((r) => r.reversalNo)).toEqual([`CX${a.admissionNo}-1`]);
    expect((sim.summary().admissions as any[]).find((x) => x.admissionNo === a.admissionNo)).toMatchObject({
      discharged: false,
      reversals: 1,
    });

    // a second reversal right away is refused by the simulator: the stay is open
    const twice = await fetch(`${sim.url}/sim/admissions/${a.admissionNo}/reverse-discharge`, {
      method: 'POST',
      body: '{}',
    });
    expect(twice.status).toBe(409);
    // repeating the same reversal number (as a HIS retrying a push) sends the same number, recorded once
    const repeat = await sim.reverseDischarge(a.admissionNo, { reversalNo: `CX${a.admissionNo}-1` });
    expect(repeat.reversalNo).toBe(`CX${a.admissionNo}-1`);
    expect(reversalPushes(platform.pushes).map((p) => p.body.reversalNo)).toEqual([
      `CX${a.admissionNo}-1`,
      `CX${a.admissionNo}-1`,
    ]);
    expect(a.reversals).toHaveLength(1);

    // discharged again, then a second reversal gets a new number
    await sim.nextDay(a.admissionNo);
    expect(a.discharged).toBe(true);
    expect(dischargePushes(platform.pushes)).toHaveLength(2);
    const second = await sim.reverseDischarge(a.admissionNo);
    expect(second.reversalNo).toBe(`CX${a.admissionNo}-2`);
    expect(second.reversalNo).not.toBe(repeat.reversalNo);
    expect(a.reversals).toHaveLength(2);
  });
});

describe('reference ranges follow sex and age (WS/T 404, 405, 779, 780)', () => {
  const ind = (code: string) => LAB_PANELS.flatMap((p) => p.indicators).find((i) => i.code === code)!;
  const adultWoman = { sex: 'female' as const, ageYears: 41 };
  const adultMan = { sex: 'male' as const, ageYears: 41 };

  it("a woman's haemoglobin and creatinine ranges are a woman's, a man's a man's, a child's a child's", () => {
    expect(referenceRangeFor(ind('HGB'), adultWoman)).toEqual({ low: 115, high: 150 });
    expect(referenceRangeFor(ind('HGB'), adultMan)).toEqual({ low: 130, high: 175 });
    expect(referenceRangeFor(ind('CREA'), adultWoman)).toEqual({ low: 41, high: 81 });
    expect(referenceRangeFor(ind('CREA'), adultMan)).toEqual({ low: 57, high: 111 });
    expect(referenceRangeFor(ind('UA'), adultWoman)).toEqual({ low: 155, high: 357 });
    expect(referenceRangeFor(ind('HGB'), { sex: 'male', ageYears: 5 })).toEqual({ low: 112, high: 149 });
    expect(referenceRangeFor(ind('CREA'), { sex: 'female', ageYears: 8 })).toEqual({ low: 27, high: 66 });
    expect(referenceRangeFor(ind('BUN'), { sex: 'male', ageYears: 70 })).toEqual({ low: 3.6, high: 9.5 });
    // nothing known of the patient: the indicator's own range
    expect(referenceRangeFor(ind('HGB'))).toEqual({ low: 130, high: 175 });
  });

  it('sex and age come from the HIS file, else from the resident ID number', () => {
    const on = new Date('2026-11-23T05:00:00Z');
    expect(subjectOf({ idNumber: '310104198508230422' }, on)).toEqual({ sex: 'female', ageYears: 41 });
    expect(subjectOf({ idNumber: '110101198005120313' }, on)).toEqual({ sex: 'male', ageYears: 46 });
    expect(subjectOf({ idNumber: '110101201806050153', gender: 'male' }, on)).toEqual({
      sex: 'male',
      ageYears: 8,
    });
    expect(subjectOf({ gender: 'female', birthDate: '2000-11-24' }, on)).toEqual({
      sex: 'female',
      ageYears: 25,
    });
    expect(subjectOf({}, on)).toEqual({ sex: null, ageYears: null });
  });

  it("a woman's results are flagged against her range: a haemoglobin of 120 is normal for her, low for a man", () => {
    const r = rngFor(5, 'female');
    for (let k = 0; k < 300; k++) {
      const o = observe(r, ind('HGB'), 0.3, adultWoman);
      expect(o).toMatchObject({ refLow: 115, refHigh: 150 });
      if (o.flag === 'N') expect(o.value).toBeGreaterThanOrEqual(115);
      if (o.flag === 'N') expect(o.value).toBeLessThanOrEqual(150);
      if (o.flag === 'H') expect(o.value).toBeGreaterThan(150);
      if (o.flag === 'L') expect(o.value).toBeLessThan(115);
    }
    const man = observe(rngFor(5, 'male'), ind('HGB'), 0, adultMan);
    expect(man).toMatchObject({ refLow: 130, refHigh: 175, flag: 'N' });
  });

  it('a lab report pushed for a woman carries her ranges, a man’s his, each result under its panel', async () => {
    const platform = await fakePlatform();
    const sim = await startSim(platform.url, 11);
    const event = (n: number, patient: Record<string, unknown>) => ({
      ...checkedIn(n),
      patient: { id: `p-${n}`, visitCardNo: null, ...patient },
    });
    await platformCall(
      sim,
      '/qingnang/v1/events',
      event(1, { name: '李娜', idNumber: '310104198508230422', gender: 'female', birthDate: '1985-08-23' }),
    );
    await platformCall(
      sim,
      '/qingnang/v1/events',
      event(2, { name: '张伟', idNumber: '110101198005120313', gender: 'male', birthDate: '1980-05-12' }),
    );
    await sim.idle();
    const labs = [...sim.state.bills.values()].filter((b) => b.kind === 'lab');
    expect(labs).toHaveLength(2);
    for (const b of labs) {
      // the doctor ordered a blood count and a kidney panel
      b.panels = ['J1001', 'J2002'];
      b.state = 'paid';
      await sim.execute(b.billNo);
    }
    await sim.idle();
    const reports = platform.pushes.filter((p) => p.path === '/api/integration/v1/his/lis/reports');
    expect(reports).toHaveLength(2);
    const of = (name: string) => reports.find((p) => p.body.patient.name === name)!.body;
    const obs = (body: any, code: string) => body.observations.find((o: any) => o.code === code);
    const woman = of('李娜');
    const man = of('张伟');
    expect(obs(woman, 'HGB')).toMatchObject({ refLow: 115, refHigh: 150, section: '血常规（五分类）' });
    expect(obs(woman, 'CREA')).toMatchObject({ refLow: 41, refHigh: 81, section: '肾功能' });
    expect(obs(man, 'HGB')).toMatchObject({ refLow: 130, refHigh: 175 });
    expect(obs(man, 'CREA')).toMatchObject({ refLow: 57, refHigh: 111 });
    for (const body of [woman, man]) {
      expect(body.sections.map((x: any) => x.name)).toEqual(['血常规（五分类）', '肾功能']);
      for (const o of body.observations) {
        if (typeof o.value !== 'number') continue;
        const expected =
          o.refHigh !== undefined && o.value > o.refHigh
            ? 'H'
            : o.refLow !== undefined && o.value < o.refLow
              ? 'L'
              : 'N';
        expect(o.flag, o.code).toBe(expected);
      }
    }
  });
});
