import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../platform/context.js';
import { HisError, HttpHis } from './index.js';
import { HIS_PATHS, HisHttpTransport } from './http.js';
import { systemClock } from '../../platform/clock.js';

/**
 * The HIS patient query (IDN-07) over HTTP, against a stand-in HIS that answers what each test
 * sets: the adapter masks the numbers the HIS sends in full, reads a missing card as "no file", and
 * refuses an answer it cannot use.
 */
let server: Server;
let his: HttpHis;
let answer: { status: number; body: unknown } = { status: 200, body: {} };
const asked: { path: string; body: unknown; signed: boolean }[] = [];
const ctx = {} as AppContext;

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      asked.push({ path: req.url ?? '', body: JSON.parse(raw), signed: !!req.headers['x-qn-signature'] });
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  his = new HttpHis(
    new HisHttpTransport({ HIS_URL: url, HIS_SECRET: 'test-his-secret', HIS_TIMEOUT_MS: 2000 }, systemClock),
  );
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('HIS patient query over HTTP', () => {
  it('asks by card number, signed, and masks the ID and phone numbers the HIS sends in full', async () => {
    answer = {
      status: 200,
      body: {
        hisPatientId: 'HP0012345678',
        visitCardNo: 'v0000012345',
        name: '周敏',
        gender: 'female',
        birthDate: '1988-05-06',
        idNumber: '110101198805061248',
        phone: '13912345678',
        address: '北京市东城区',
        cardStatus: 'frozen',
        insuranceType: 'employee',
        allergies: ['青霉素', 7],
        fileCreatedOn: '2015-02-03T00:00:00+08:00',
        lastVisitOn: null,
      },
    };
    const info = await his.patientInfo(ctx, 'V0000012345');
    expect(asked.at(-1)).toEqual({
      path: HIS_PATHS.patientInfo,
      body: { visitCardNo: 'V0000012345' },
      signed: true,
    });
    expect(info).toEqual({
      hisPatientId: 'HP0012345678',
      visitCardNo: 'V0000012345',
      name: '周敏',
      gender: 'female',
      birthDate: '1988-05-06',
      idNumberMasked: '110***********1248',
      phoneMasked: '139****5678',
      address: '北京市东城区',
      cardStatus: 'frozen',
      insuranceType: 'employee',
      allergies: ['青霉素'],
      fileCreatedOn: '2015-02-03',
      lastVisitOn: null,
    });
    expect(JSON.stringify(info)).not.toContain('110101198805061248');
  });

  it('reads CARD_UNKNOWN as "no file", and other refusals and outages as errors', async () => {
    answer = { status: 404, body: { code: 'CARD_UNKNOWN', message: 'no file' } };
    expect(await his.patientInfo(ctx, 'V1')).toBeNull();

    answer = { status: 503, body: { code: 'HIS_BUSY', message: 'busy' } };
    const busy = await his.patientInfo(ctx, 'V1').catch((e) => e);
    expect(busy).toBeInstanceOf(HisError);
    expect([busy.code, busy.retryable]).toEqual(['HIS_BUSY', true]);

    answer = { status: 403, body: { code: 'FORBIDDEN', message: 'no' } };
    expect((await his.patientInfo(ctx, 'V1').catch((e) => e)).code).toBe('FORBIDDEN');
  });

  it('refuses an answer without the HIS patient id or name, and defaults unknown enumerations', async () => {
    answer = { status: 200, body: { name: '周敏' } };
    expect((await his.patientInfo(ctx, 'V1').catch((e) => e)).code).toBe('HIS_BAD_ANSWER');

    answer = {
      status: 200,
      body: { hisPatientId: 'HP1', name: '周敏', cardStatus: 'weird', insuranceType: 'gold', gender: 'x' },
    };
    expect(await his.patientInfo(ctx, 'v1')).toMatchObject({
      visitCardNo: 'V1',
      cardStatus: 'active',
      insuranceType: 'self_pay',
      gender: null,
      idNumberMasked: null,
      phoneMasked: null,
      allergies: [],
    });
  });
});
