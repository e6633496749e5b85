import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { addPatient } from '../../testing/patients.js';
import { getPatientById } from '../identity/index.js';
import { messagesOf, newPatient } from '../registration/testing.js';
import { openHisChannel, payBills, type HisCall } from './test-helpers.js';
import { PAY_REMINDER_JOB } from './fee-messages.js';

// MSG-04: a new fee to pay is announced once per bill; one reminder before an unpaid bill lapses at
// the end of its billing day. The test clock starts at 2026-11-23 09:00 in Shanghai; with the default
// of 4 hours the reminder moment is 20:00.
let t: TestApp;
let his: HisCall;

beforeAll(async () => {
  t = await createTestApp();
  his = await openHisChannel(t);
});
afterAll(async () => t?.close());

const remind = () => t.app.ctx.jobs.runNow(PAY_REMINDER_JOB, {});
const shanghai = (hhmm: string) => t.clock.set(`2026-11-23T${hhmm}:00+08:00`);
const claims = async (billIds: string[]) =>
  (
    await t.app.ctx.database.raw.query<{ bill_id: string; kind: string; recipients: number }>(
      'SELECT bill_id, kind, recipients FROM bill_fee_messages WHERE bill_id = ANY($1) ORDER BY kind, bill_id',
      [billIds],
    )
  ).rows;
const lastMessage = async (accountId: string, template: string) =>
  (
    await t.app.ctx.database.raw.query<{ body_zh: string; link: string }>(
      'SELECT body_zh, link FROM messages WHERE account_id = $1 AND template = $2 ORDER BY created_at DESC LIMIT 1',
      [accountId, template],
    )
  ).rows[0];

let seq = 0;
const drugBill = (billNo: string, amountFen = 3700) => ({
  billNo,
  kind: 'prescription',
  title: '西药处方',
  execDepartment: '门诊药房',
  execLocation: '门诊楼1F西药房',
  items: [
    { code: 'X001', name: '阿莫西林胶囊', unit: '盒', quantity: 1, unitPriceFen: amountFen, amountFen },
  ],
});
const labBill = (billNo: string) => ({
  billNo,
  kind: 'lab',
  title: '检验申请单',
  execDepartment: '检验科',
  execLocation: '门诊楼3F',
  items: [{ code: 'J001', name: '血常规', unit: '次', quantity: 1, unitPriceFen: 2500, amountFen: 2500 }],
});

/** The HIS opens a visit for this person and pushes its bills; returns the bill ids by number. */
async function pushVisitBills(person: { name: string; idNumber: string }, visitNo: string, list: unknown[]) {
  const opened = await his('/api/integration/v1/his/visits', {
    visitNo,
    visitDate: '2026-11-23',
    departmentName: '内科',
    patient: person,
  });
  expect(opened.status, JSON.stringify(opened.body)).toBe(200);
  const pushed = await his('/api/integration/v1/his/bills', { visitNo, bills: list });
  expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
  return new Map<string, string>(pushed.body.bills.map((b: any) => [b.billNo, b.billId]));
}

async function holder() {
  const p = await newPatient(t);
  const rec = await getPatientById(t.app.ctx, p.patientId);
  return { ...p, person: { name: rec.name, idNumber: rec.idNumber } };
}

/** Another account adds the person as a parent; with `consent` the person confirms by SMS code. */
async function familyAccount(person: { name: string; idNumber: string }, consent: boolean) {
  const f = await newPatient(t);
  const added = await addPatient(t, f.token, {
    name: person.name,
    idNumber: person.idNumber,
    relation: 'parent',
  });
  expect(added.body.consent).toBe('pending');
  if (consent) {
    const sent = await t.api.post(`/api/v1/patients/${added.id}/consent/request`, { token: f.token });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    const ok = await t.api.post(`/api/v1/patients/${added.id}/consent/confirm`, {
      token: f.token,
      body: { code: sent.body.sandboxCode },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  }
  return f;
}

describe('new fee to pay (MSG-04 费用产生推送)', () => {
  it('the patient and a consenting family account get one message per new bill, even when the HIS pushes again', async () => {
    shanghai('09:00');
    const p = await holder();
    const family = await familyAccount(p.person, true);
    const notYet = await familyAccount(p.person, false);
    const visitNo = `FM${Date.now()}${++seq}`;
    const ids = await pushVisitBills(p.person, visitNo, [drugBill(`RX${visitNo}`), labBill(`LB${visitNo}`)]);

    expect(await messagesOf(t, p.accountId, 'bill.new-fee')).toBe(2);
    expect(await messagesOf(t, family.accountId, 'bill.new-fee')).toBe(2);
    // a family member who has not consented sees nothing of the patient's records
    expect(await messagesOf(t, notYet.accountId, 'bill.new-fee')).toBe(0);
    const msg = await lastMessage(p.accountId, 'bill.new-fee');
    expect(msg.body_zh).toMatch(/待缴费用：(西药处方|检验申请单)，(37\.00|25\.00) 元/);
    // the link opens the bills page on this patient with the bill chosen
    expect(msg.link).toMatch(
      new RegExp(`^/bills\\?patient=${p.patientId}&bill=(${[...ids.values()].join('|')})$`),
    );

    // the HIS repeats the push (and changes the drug bill's amount while unpaid): no second message
    const again = await pushVisitBills(p.person, visitNo, [
      drugBill(`RX${visitNo}`, 4200),
      labBill(`LB${visitNo}`),
    ]);
    expect([...again.values()].sort()).toEqual([...ids.values()].sort());
    expect(await messagesOf(t, p.accountId, 'bill.new-fee')).toBe(2);
    expect(await messagesOf(t, family.accountId, 'bill.new-fee')).toBe(2);
    expect(await claims([...ids.values()])).toEqual(
      [...ids.values()].sort().map((id) => ({ bill_id: id, kind: 'new_fee', recipients: 2 })),
    );
  });

  it('a bill of a person no account holds sends nothing and claims nothing', async () => {
    shanghai('09:00');
    const visitNo = `FN${Date.now()}${++seq}`;
    const ids = await pushVisitBills({ name: '无账号', idNumber: '110101199001011237' }, visitNo, [
      labBill(`LB${visitNo}`),
    ]);
    expect(await claims([...ids.values()])).toEqual([]);
  });
});

describe('reminder of fees still unpaid (MSG-04 待缴费提醒)', () => {
  it('reminds once, before the day ends, of the bills still unpaid; a paid bill and a late bill get none', async () => {
    shanghai('09:00');
    const p = await holder();
    const visitNo = `FR${Date.now()}${++seq}`;
    const ids = await pushVisitBills(p.person, visitNo, [drugBill(`RX${visitNo}`), labBill(`LB${visitNo}`)]);
    const drug = ids.get(`RX${visitNo}`)!;
    const lab = ids.get(`LB${visitNo}`)!;
    await payBills(t, p, [lab]);

    // too early: nothing yet
    shanghai('19:50');
    await remind();
    expect(await messagesOf(t, p.accountId, 'bill.pay-reminder')).toBe(0);

    // a bill pushed after the reminder moment only gets its new-fee message
    shanghai('20:05');
    const lateVisit = `FL${Date.now()}${++seq}`;
    const late = await pushVisitBills(p.person, lateVisit, [drugBill(`RX${lateVisit}`)]);

    shanghai('20:10');
    await remind();
    await remind();
    expect(await messagesOf(t, p.accountId, 'bill.pay-reminder')).toBe(1);
    const msg = await lastMessage(p.accountId, 'bill.pay-reminder');
    expect(msg.body_zh).toContain('西药处方（37.00 元）尚未缴费');
    expect(await claims([drug, lab, ...late.values()])).toEqual(
      [
        { bill_id: drug, kind: 'new_fee', recipients: 1 },
        { bill_id: lab, kind: 'new_fee', recipients: 1 },
        { bill_id: [...late.values()][0], kind: 'new_fee', recipients: 1 },
        { bill_id: drug, kind: 'reminder', recipients: 1 },
      ].sort((a, b) =>
        a.kind === b.kind ? a.bill_id.localeCompare(b.bill_id) : a.kind.localeCompare(b.kind),
      ),
    );

    // the next day yesterday's lapsed bill is not reminded again
    t.clock.set('2026-11-24T21:00:00+08:00');
    await remind();
    expect(await messagesOf(t, p.accountId, 'bill.pay-reminder')).toBe(1);
    shanghai('09:00');
  });

  it('a bill paid before the reminder gets no reminder, and running the job at once from two workers reminds once', async () => {
    shanghai('10:00');
    const p = await holder();
    const visitNo = `FP${Date.now()}${++seq}`;
    const ids = await pushVisitBills(p.person, visitNo, [drugBill(`RX${visitNo}`), labBill(`LB${visitNo}`)]);
    await payBills(t, p, [...ids.values()]);
    const other = await holder();
    const otherVisit = `FQ${Date.now()}${++seq}`;
    await pushVisitBills(other.person, otherVisit, [labBill(`LB${otherVisit}`)]);
    shanghai('21:00');
    await Promise.all([remind(), remind()]);
    expect(await messagesOf(t, p.accountId, 'bill.pay-reminder')).toBe(0);
    expect(await messagesOf(t, other.accountId, 'bill.pay-reminder')).toBe(1);
    shanghai('09:00');
  });
});
