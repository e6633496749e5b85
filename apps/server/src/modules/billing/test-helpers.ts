import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { TestApp } from '../../testing/harness.js';
import { openChannel, type SignedCall } from '../../testing/channels.js';
import { getPatientById } from '../identity/index.js';
import { newPatient, payAtSandbox } from '../registration/testing.js';

/** A signed call as the HIS makes it: `(path, body) => response`. */
export type HisCall = SignedCall;

/**
 * Opens an HIS integration channel through the admin API and returns a caller that signs as it;
 * by default it may push visits, bills and their execution.
 */
export const openHisChannel = (
  t: TestApp,
  operations = ['his.visits.push', 'his.bills.push', 'his.execution.push'],
): Promise<HisCall> => openChannel(t, operations);

let seq = 0;

/**
 * A verified patient with one visit the HIS opened: a drug bill (37.00, pharmacy window) and a lab
 * bill (25.00, laboratory), as the patient sees them.
 */
export async function patientWithVisit(t: TestApp, hisCall: HisCall) {
  const p = await newPatient(t);
  const rec = await getPatientById(t.app.ctx, p.patientId);
  // the wall clock only makes the HIS visit number unique across test runs; it is not business time
  const visitNo = `TV${Date.now()}${++seq}`;
  const opened = await hisCall('/api/integration/v1/his/visits', {
    visitNo,
    visitDate: '2026-11-23',
    departmentName: '内科',
    doctorName: '李医生',
    patient: { name: rec.name, idNumber: rec.idNumber },
  });
  expect(opened.status, JSON.stringify(opened.body)).toBe(200);
  const pushed = await hisCall('/api/integration/v1/his/bills', {
    visitNo,
    bills: [
      {
        billNo: `RX${visitNo}`,
        kind: 'prescription',
        title: '西药处方',
        execDepartment: '西药房',
        execLocation: '门诊楼1F 2号窗口',
        items: [
          {
            code: 'Y001',
            name: '阿莫西林胶囊',
            unit: '盒',
            quantity: 2,
            unitPriceFen: 1850,
            amountFen: 3700,
          },
        ],
      },
      {
        billNo: `LB${visitNo}`,
        kind: 'lab',
        title: '检验申请单',
        execDepartment: '检验科',
        execLocation: '门诊楼3F',
        items: [
          { code: 'J001', name: '血常规', unit: '次', quantity: 1, unitPriceFen: 2500, amountFen: 2500 },
        ],
      },
    ],
  });
  expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
  const list = await t.api.get(`/api/v1/bills?patientId=${p.patientId}`, { token: p.token });
  const drug = list.body.items.find((b: any) => b.kind === 'prescription');
  const lab = list.body.items.find((b: any) => b.kind === 'lab');
  return { ...p, name: rec.name, visitNo, drug, lab };
}

/** Pays these bills in one payment at the sandbox cashier; returns the bill payment. */
export async function payBills(t: TestApp, p: { token: string; patientId: string }, billIds: string[]) {
  const start = await t.api.post('/api/v1/bill-payments', {
    token: p.token,
    body: { patientId: p.patientId, billIds, idempotencyKey: `k-${randomBytes(6).toString('hex')}` },
  });
  expect(start.status, JSON.stringify(start.body)).toBe(201);
  await payAtSandbox(t, p.token, start.body.orderId, start.body.orderNo);
  return start.body;
}
