import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { addPatient, loginPatient } from '../../testing/patients.js';
import { loginStaff } from '../../testing/staff.js';
import { makeResidentId } from '../../testing/id-numbers.js';
import { openChannel, type SignedCall } from '../../testing/channels.js';
import { messages } from '../notifications/index.js';
import { auditLog } from '../../platform/schema.js';
import { openImagingLink } from './service.js';
import { examAccessCodes, reports } from './schema.js';

let t: TestApp;
/** The LIS/PACS pushing a report through the signed integration API. */
let push: SignedCall;

const LIS = '/api/integration/v1/his/lis/reports';
const PACS = '/api/integration/v1/his/pacs/reports';

beforeAll(async () => {
  t = await createTestApp();
  push = await openChannel(t, ['lis.reports.push', 'pacs.reports.push'], {
    kind: 'other',
    name: '检验与影像系统',
  });
});
afterAll(async () => t.close());

let seq = 0;
const reportNo = (p = 'L') => `${p}${Date.now().toString(36)}${++seq}`;

function labReport(idNumber: string, overrides: Record<string, unknown> = {}) {
  return {
    reportNo: reportNo(),
    kind: 'lab',
    patient: { name: '张三', idNumber },
    title: '肝功能',
    department: '检验科',
    status: 'final',
    reportedAt: t.clock.now().toISOString(),
    observations: [
      { code: 'ALT', name: '丙氨酸氨基转移酶', value: 88, unit: 'U/L', refLow: 9, refHigh: 50 },
      { code: 'AST', name: '天门冬氨酸氨基转移酶', value: 30, unit: 'U/L', refLow: 15, refHigh: 40 },
      { code: 'ALB', name: '白蛋白', value: 35, unit: 'g/L', refLow: 40, refHigh: 55 },
      { code: 'HBSAG', name: '乙肝表面抗原', value: '阴性', refText: '阴性' },
    ],
    ...overrides,
  };
}

let phoneSeq = 0;
async function newPatient() {
  phoneSeq++;
  const phone = `1370000${String(4000 + phoneSeq).padStart(4, '0')}`;
  const { token, accountId } = await loginPatient(t, phone);
  const idNumber = makeResidentId('19900307', '110105', String(300 + phoneSeq));
  const p = await addPatient(t, token, { idNumber, phone });
  return { token, accountId, patientId: p.id, idNumber, phone };
}

async function messagesOf(accountId: string) {
  return t.app.ctx.db
    .select()
    .from(messages)
    .where(and(eq(messages.accountId, accountId), eq(messages.template, 'report.ready')));
}

describe('lab reports (RPT-01, RPT-02, RPT-05)', () => {
  it('an abnormal indicator is flagged from the range and explained in plain language', async () => {
    const me = await newPatient();
    const body = labReport(me.idNumber);
    const pushed = await push(LIS, body);
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(201);
    expect(pushed.body).toMatchObject({ status: 'final', patientMatched: true, notified: true });

    const list = await t.api.get(`/api/v1/reports?patientId=${me.patientId}`, { token: me.token });
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ reportNo: body.reportNo, kind: 'lab', status: 'final' });

    const detail = await t.api.get(`/api/v1/reports/${pushed.body.reportId}`, { token: me.token });
    expect(detail.status).toBe(200);
    const byCode = Object.fromEntries(detail.body.observations.map((o: any) => [o.code, o]));
    expect(byCode.ALT).toMatchObject({ value: 88, flag: 'H', refLow: 9, refHigh: 50 });
    expect(byCode.ALT.interpretation.name).toBe('丙氨酸氨基转移酶');
    expect(byCode.ALT.interpretation.explanation).toContain('脂肪肝');
    expect(byCode.ALB.flag).toBe('L');
    expect(byCode.ALB.interpretation.explanation).toContain('营养不良');
    expect(byCode.AST).toMatchObject({ flag: 'N', interpretation: null });
    expect(byCode.HBSAG).toMatchObject({ value: '阴性', flag: null, interpretation: null });
    // a flag sent by the LIS wins over the computed one
    const critical = await push(
      LIS,
      labReport(me.idNumber, {
        observations: [
          { code: 'K', name: '钾', value: 6.9, unit: 'mmol/L', refLow: 3.5, refHigh: 5.3, flag: 'critical' },
        ],
      }),
    );
    const kDetail = await t.api.get(`/api/v1/reports/${critical.body.reportId}`, { token: me.token });
    expect(kDetail.body.observations[0]).toMatchObject({ flag: 'critical' });
    expect(kDetail.body.observations[0].interpretation.meaning).toContain('电解质');
  });

  it('lists by kind, and refuses another account, bad input and a wrong source', async () => {
    const me = await newPatient();
    const stranger = await newPatient();
    const lab = await push(LIS, labReport(me.idNumber));
    const ct = await push(PACS, {
      reportNo: reportNo('C'),
      kind: 'exam',
      patient: { name: '张三', idNumber: me.idNumber },
      title: '胸部CT平扫',
      status: 'final',
      conclusion: '双肺未见明显异常。',
      imageStudyUid: '1.2.840.113619.2.55.3.1234',
    });
    expect(ct.status).toBe(201);
    const exams = await t.api.get(`/api/v1/reports?patientId=${me.patientId}&kind=exam`, { token: me.token });
    expect(exams.body.items.map((i: any) => i.id)).toEqual([ct.body.reportId]);
    expect(exams.body.items[0].hasImages).toBe(true);

    for (const id of [lab.body.reportId, ct.body.reportId]) {
      const r = await t.api.get(`/api/v1/reports/${id}`, { token: stranger.token });
      expect(r.status).toBe(404);
      expect(r.body.code).toBe('REPORT_NOT_FOUND');
    }
    const foreign = await t.api.get(`/api/v1/reports?patientId=${me.patientId}`, { token: stranger.token });
    expect(foreign.status).toBe(404);
    expect((await t.api.get('/api/v1/reports?patientId=nope', { token: me.token })).status).toBe(400);
    expect((await t.api.get(`/api/v1/reports?patientId=${me.patientId}`)).status).toBe(401);

    // the LIS cannot push a CT, nor a report without a patient key, nor an inverted range
    expect((await push(LIS, { ...labReport(me.idNumber), kind: 'exam' })).body.code).toBe(
      'REPORT_KIND_NOT_ALLOWED',
    );
    expect((await push(LIS, { ...labReport(me.idNumber), patient: { name: '张三' } })).status).toBe(400);
    const inverted = labReport(me.idNumber, {
      observations: [{ code: 'ALT', name: 'ALT', value: 1, refLow: 50, refHigh: 9 }],
    });
    expect((await push(LIS, inverted)).status).toBe(400);
    // unsigned pushes are refused
    const unsigned = await t.api.post(LIS, { body: labReport(me.idNumber) });
    expect(unsigned.status).toBe(401);
  });
});

describe('report-ready notification (RPT-04)', () => {
  it('partial then final sends exactly one notification; re-pushes never send another', async () => {
    const me = await newPatient();
    const body = labReport(me.idNumber, { status: 'partial', title: '血常规' });
    const first = await push(LIS, body);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'partial', notified: false });
    expect(await messagesOf(me.accountId)).toHaveLength(0);
    const listed = await t.api.get(`/api/v1/reports?patientId=${me.patientId}`, { token: me.token });
    expect(listed.body.items[0].status).toBe('partial');

    const final = await push(LIS, { ...body, status: 'final' });
    expect(final.status).toBe(200);
    expect(final.body).toMatchObject({ reportId: first.body.reportId, status: 'final', notified: true });
    const again = await push(LIS, { ...body, status: 'final' });
    expect(again.body).toMatchObject({ status: 'final', notified: false });
    const msgs = await messagesOf(me.accountId);
    expect(msgs).toHaveLength(1);
    expect(msgs[0].bodyZh).toContain('血常规');
    expect(msgs[0].link).toBe(`/reports/${first.body.reportId}`);
    expect(msgs[0].bodyZh).not.toContain(me.idNumber);

    // a final report cannot go back; one row per report number
    const back = await push(LIS, { ...body, status: 'partial' });
    expect(back.status).toBe(409);
    expect(back.body.code).toBe('REPORT_STATUS_BACKWARDS');
    const rows = await t.app.ctx.db.select().from(reports).where(eq(reports.reportNo, body.reportNo));
    expect(rows).toHaveLength(1);
    expect(rows[0].status).toBe('final');
  });

  it('concurrent final pushes of one report still send one notification', async () => {
    const me = await newPatient();
    const body = labReport(me.idNumber);
    const results = await Promise.all([push(LIS, body), push(LIS, body), push(LIS, body)]);
    for (const r of results) expect([200, 201, 409]).toContain(r.status);
    expect(results.filter((r) => r.body.notified === true)).toHaveLength(1);
    expect(await messagesOf(me.accountId)).toHaveLength(1);
  });

  it('a report matched by the visit card reaches the card holder', async () => {
    const me = await newPatient();
    const card = await t.api.post(`/api/v1/patients/${me.patientId}/visit-card`, {
      token: me.token,
      body: {},
    });
    expect(card.status, JSON.stringify(card.body)).toBe(200);
    const res = await push(LIS, {
      ...labReport(me.idNumber),
      patient: { name: '张三', visitCardNo: card.body.visitCardNo },
    });
    expect(res.body.patientMatched).toBe(true);
    const list = await t.api.get(`/api/v1/reports?patientId=${me.patientId}`, { token: me.token });
    expect(list.body.items.map((i: any) => i.id)).toContain(res.body.reportId);
  });
});

describe('family members (RPT-03, IDN-10)', () => {
  it("an unconsented adult family member's report is answered exactly like a missing one, and visible after consent", async () => {
    const spouseId = makeResidentId('19880808', '310101', '777');
    const spousePhone = '13600007777';
    const spouse = await loginPatient(t, spousePhone);
    const spouseSelf = await addPatient(t, spouse.token, {
      name: '周敏',
      idNumber: spouseId,
      phone: spousePhone,
    });
    const me = await newPatient();
    const fam = await addPatient(t, me.token, {
      relation: 'spouse',
      name: '周敏',
      idNumber: spouseId,
      phone: spousePhone,
    });
    expect(fam.body.consent).toBe('pending');
    const pushed = await push(LIS, labReport(spouseId, { patient: { name: '周敏', idNumber: spouseId } }));
    // the spouse's own account owns and is told about the report
    expect(await messagesOf(spouse.accountId)).toHaveLength(1);
    expect(await messagesOf(me.accountId)).toHaveLength(0);
    const own = await t.api.get(`/api/v1/reports?patientId=${spouseSelf.id}`, { token: spouse.token });
    expect(own.body.items).toHaveLength(1);

    const ghost = '00000000-0000-4000-8000-000000000000';
    const hiddenList = await t.api.get(`/api/v1/reports?patientId=${fam.id}`, { token: me.token });
    const missingList = await t.api.get(`/api/v1/reports?patientId=${ghost}`, { token: me.token });
    expect(hiddenList.status).toBe(404);
    expect(hiddenList.body).toEqual({
      ...missingList.body,
      instance: hiddenList.body.instance,
      requestId: hiddenList.body.requestId,
    });
    const hidden = await t.api.get(`/api/v1/reports/${pushed.body.reportId}`, { token: me.token });
    const missing = await t.api.get(`/api/v1/reports/${ghost}`, { token: me.token });
    expect(hidden.status).toBe(missing.status);
    expect(strip(hidden.body)).toEqual(strip(missing.body));
    for (const url of [
      `/api/v1/health-record?patientId=${fam.id}`,
      `/api/v1/health-record/trend?patientId=${fam.id}&code=ALT`,
    ]) {
      const r = await t.api.get(url, { token: me.token });
      expect(r.status).toBe(404);
      expect(r.body.code).toBe('PATIENT_NOT_FOUND');
    }
    expect(
      (await t.api.get(`/api/v1/reports/${pushed.body.reportId}/imaging-link`, { token: me.token })).body
        .code,
    ).toBe('REPORT_NOT_FOUND');

    // the spouse confirms with the code sent to their own phone
    const sent = await t.api.post(`/api/v1/patients/${fam.id}/consent/request`, { token: me.token });
    expect(sent.status).toBe(200);
    const ok = await t.api.post(`/api/v1/patients/${fam.id}/consent/confirm`, {
      token: me.token,
      body: { code: sent.body.sandboxCode },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const visible = await t.api.get(`/api/v1/reports/${pushed.body.reportId}`, { token: me.token });
    expect(visible.status).toBe(200);
    const list = await t.api.get(`/api/v1/reports?patientId=${fam.id}`, { token: me.token });
    expect(list.body.items.map((i: any) => i.id)).toEqual([pushed.body.reportId]);
  });
});

const strip = (b: any) => ({ ...b, instance: undefined, requestId: undefined });

describe('health record and trend (RPT-12, RPT-13)', () => {
  it('gathers indicators over time and gives one indicator oldest first with its range', async () => {
    const me = await newPatient();
    const start = t.clock.now().getTime();
    const values = [40, 95, 62];
    // pushed out of order: the trend follows the report time, not the push order
    for (const i of [2, 0, 1]) {
      const at = new Date(start - (3 - i) * 30 * 86_400_000).toISOString();
      const r = await push(
        LIS,
        labReport(me.idNumber, {
          reportedAt: at,
          observations: [
            { code: 'ALT', name: '丙氨酸氨基转移酶', value: values[i], unit: 'U/L', refLow: 9, refHigh: 50 },
          ],
        }),
      );
      expect(r.status).toBe(201);
    }
    // a pending report's values are not part of the record
    await push(
      LIS,
      labReport(me.idNumber, { status: 'pending', observations: [{ code: 'ALT', name: 'ALT', value: 999 }] }),
    );

    const trend = await t.api.get(`/api/v1/health-record/trend?patientId=${me.patientId}&code=alt`, {
      token: me.token,
    });
    expect(trend.status).toBe(200);
    expect(trend.body).toMatchObject({
      code: 'ALT',
      name: '丙氨酸氨基转移酶',
      unit: 'U/L',
      refLow: 9,
      refHigh: 50,
    });
    expect(trend.body.points.map((p: any) => p.value)).toEqual([40, 95, 62]);
    expect(trend.body.points.map((p: any) => p.flag)).toEqual(['N', 'H', 'H']);
    const times = trend.body.points.map((p: any) => Date.parse(p.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    const record = await t.api.get(`/api/v1/health-record?patientId=${me.patientId}`, { token: me.token });
    expect(record.status).toBe(200);
    const alt = record.body.indicators.find((i: any) => i.code === 'ALT');
    expect(alt).toMatchObject({ count: 3, category: '肝功能', latest: { value: 62, flag: 'H' } });
    expect(JSON.stringify(record.body)).not.toContain(me.idNumber);
    const none = await t.api.get(`/api/v1/health-record/trend?patientId=${me.patientId}&code=TSH`, {
      token: me.token,
    });
    expect(none.body.points).toEqual([]);
    expect(
      (await t.api.get(`/api/v1/health-record/trend?patientId=${me.patientId}`, { token: me.token })).status,
    ).toBe(400);
  });
});

describe('health-record centre (RPT-13)', () => {
  it('gathers the lab and exam reports of outpatient, emergency and inpatient care by kind and setting', async () => {
    const me = await newPatient();
    for (const setting of ['outpatient', 'emergency', 'inpatient', 'inpatient']) {
      const r = await push(LIS, labReport(me.idNumber, { setting }));
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const exam = await push(PACS, {
      reportNo: reportNo('DR'),
      kind: 'exam',
      setting: 'emergency',
      patient: { name: '张三', idNumber: me.idNumber },
      title: '胸部正位片',
      department: '放射科',
      status: 'final',
      reportedAt: t.clock.now().toISOString(),
      conclusion: '心肺未见明显异常',
    });
    expect(exam.status, JSON.stringify(exam.body)).toBe(201);

    const record = await t.api.get(`/api/v1/health-record?patientId=${me.patientId}`, { token: me.token });
    expect(record.status).toBe(200);
    const counts = Object.fromEntries(
      record.body.reportCounts.map((c: any) => [`${c.kind}/${c.setting}`, c.n]),
    );
    expect(counts).toEqual({
      'lab/outpatient': 1,
      'lab/emergency': 1,
      'lab/inpatient': 2,
      'exam/emergency': 1,
    });
    // indicators are grouped by the knowledge base's category
    const categories = new Set(record.body.indicators.map((i: any) => i.category));
    expect(categories.has('肝功能')).toBe(true);
    const alt = record.body.indicators.find((i: any) => i.code === 'ALT');
    expect(alt.count).toBe(4);
  });
});

describe('cloud imaging link (RPT-07)', () => {
  it('has encrypted parameters with no plain identity, and expires', async () => {
    const me = await newPatient();
    const ct = await push(PACS, {
      reportNo: reportNo('CT'),
      kind: 'exam',
      patient: { name: '张三', idNumber: me.idNumber },
      title: '头颅MRI',
      status: 'final',
      imageStudyUid: '1.2.840.99.7',
    });
    // RPT-06: no link until the patient authorises cloud-imaging access
    const before = await t.api.get(`/api/v1/reports/${ct.body.reportId}/imaging-link`, { token: me.token });
    expect(before.status).toBe(403);
    expect(before.body.code).toBe('IMAGING_AUTHORISATION_REQUIRED');
    const auth = await t.api.put('/api/v1/reports/imaging-authorisation', {
      token: me.token,
      body: { patientId: me.patientId, authorised: true },
    });
    expect(auth.status).toBe(200);
    expect(auth.body).toMatchObject({ patientId: me.patientId, authorised: true });
    const state = await t.api.get(`/api/v1/reports/imaging-authorisation?patientId=${me.patientId}`, {
      token: me.token,
    });
    expect(state.body.authorised).toBe(true);
    const res = await t.api.get(`/api/v1/reports/${ct.body.reportId}/imaging-link`, { token: me.token });
    expect(res.status).toBe(200);
    expect(Date.parse(res.body.expiresAt) - t.clock.now().getTime()).toBe(
      t.app.ctx.config.IMAGING_LINK_TTL_SECONDS * 1000,
    );
    const url = new URL(res.body.url);
    expect([...url.searchParams.keys()]).toEqual(['p']);
    for (const plain of [
      me.idNumber,
      me.phone,
      me.patientId,
      '1.2.840.99.7',
      ct.body.reportNo,
      encodeURIComponent('张三'),
    ]) {
      expect(res.body.url).not.toContain(plain);
    }
    const opened = openImagingLink(t.app.ctx, url.searchParams.get('p')!);
    expect(opened).toMatchObject({ studyUid: '1.2.840.99.7', reportNo: ct.body.reportNo });
    // tampering breaks it
    const p = url.searchParams.get('p')!;
    const tampered = p.slice(0, 20) + (p[20] === 'A' ? 'B' : 'A') + p.slice(21);
    expect(() => openImagingLink(t.app.ctx, tampered)).toThrow(/invalid/i);
    const lab = await push(LIS, labReport(me.idNumber));
    const noImages = await t.api.get(`/api/v1/reports/${lab.body.reportId}/imaging-link`, {
      token: me.token,
    });
    expect(noImages.status).toBe(404);
    expect(noImages.body.code).toBe('IMAGING_NOT_AVAILABLE');
    // another account cannot authorise for this patient; withdrawing stops new links
    const stranger = await newPatient();
    const foreign = await t.api.put('/api/v1/reports/imaging-authorisation', {
      token: stranger.token,
      body: { patientId: me.patientId, authorised: true },
    });
    expect(foreign.body.code).toBe('PATIENT_NOT_FOUND');
    await t.api.put('/api/v1/reports/imaging-authorisation', {
      token: me.token,
      body: { patientId: me.patientId, authorised: false },
    });
    const withdrawn = await t.api.get(`/api/v1/reports/${ct.body.reportId}/imaging-link`, {
      token: me.token,
    });
    expect(withdrawn.body.code).toBe('IMAGING_AUTHORISATION_REQUIRED');
    // and after the lifetime the issued link is refused
    t.clock.advance((t.app.ctx.config.IMAGING_LINK_TTL_SECONDS + 1) * 1000);
    expect(() => openImagingLink(t.app.ctx, p)).toThrow(/expired/i);
  });
});

// The extraction-code endpoints are rate-limited per network address: each call here comes from its own.
let address = 0;
const fromAddress = () => ({ 'x-forwarded-for': `10.77.${Math.floor(++address / 250)}.${address % 250}` });

describe('physical-exam report with an extraction code (RPT-08, RPT-09, RPT-11)', () => {
  async function examReport() {
    const me = await newPatient();
    const no = reportNo('TJ');
    const r = await push(PACS, {
      reportNo: no,
      kind: 'physical',
      patient: { name: '张三', idNumber: me.idNumber },
      title: '入职体检总检报告',
      status: 'final',
      conclusion: '总检：血脂偏高，建议复查。',
      sections: [
        { name: '内科', conclusion: '心肺听诊未见异常。' },
        { name: '检验科', conclusion: '总胆固醇偏高。' },
      ],
      observations: [
        {
          code: 'TC',
          name: '总胆固醇',
          value: 6.8,
          unit: 'mmol/L',
          refLow: 2.8,
          refHigh: 5.2,
          section: '检验科',
        },
      ],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    // RPT-10: the owner is told the report is finished and how to get the extraction code
    const told = await t.app.ctx.db
      .select()
      .from(messages)
      .where(and(eq(messages.accountId, me.accountId), eq(messages.template, 'report.exam_ready')));
    expect(told).toHaveLength(1);
    expect(told[0].bodyZh).toContain(no);
    expect(told[0].bodyZh).toContain('提取码');
    return { me, no };
  }
  const smsCount = async () =>
    Number(
      (
        await t.database.raw.query<{ n: string }>(
          "SELECT count(*) AS n FROM sms_messages WHERE template = 'reports.exam_code'",
        )
      ).rows[0].n,
    );

  it('sends a code to the phone on file and opens the report once with it', async () => {
    const { me, no } = await examReport();
    const before = await smsCount();
    const wrongName = await t.api.post('/api/v1/reports/exam-access', {
      headers: fromAddress(),
      body: { reportNo: no, name: '李四' },
    });
    const wrongNo = await t.api.post('/api/v1/reports/exam-access', {
      headers: fromAddress(),
      body: { reportNo: 'NOPE1', name: '张三' },
    });
    expect(wrongName.status).toBe(404);
    expect(strip(wrongName.body)).toEqual(strip(wrongNo.body));
    expect(await smsCount()).toBe(before);

    const sent = await t.api.post('/api/v1/reports/exam-access', {
      headers: fromAddress(),
      body: { reportNo: no, name: '张三' },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.phoneMasked).toBe(`${me.phone.slice(0, 3)}****${me.phone.slice(-4)}`);
    expect(await smsCount()).toBe(before + 1);
    const sms = await t.database.raw.query<{ phone_masked: string; content: string }>(
      "SELECT phone_masked, content FROM sms_messages WHERE template = 'reports.exam_code' ORDER BY created_at DESC LIMIT 1",
    );
    // the SMS log keeps the message with its code masked
    expect(sms.rows[0].content).toContain('******');
    expect(sms.rows[0].content).not.toContain(sent.body.sandboxCode);
    expect(
      (
        await t.api.post('/api/v1/reports/exam-access', {
          headers: fromAddress(),
          body: { reportNo: no, name: '张三' },
        })
      ).body.code,
    ).toBe('SMS_RESEND_TOO_SOON');

    const opened = await t.api.post('/api/v1/reports/exam-access/verify', {
      headers: fromAddress(),
      body: { reportNo: no, code: sent.body.sandboxCode },
    });
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ kind: 'physical', conclusion: '总检：血脂偏高，建议复查。' });
    expect(opened.body.observations[0]).toMatchObject({ code: 'TC', flag: 'H', section: '检验科' });
    // RPT-08: the summary and each department's part
    expect(opened.body.sections).toEqual([
      { name: '内科', conclusion: '心肺听诊未见异常。' },
      { name: '检验科', conclusion: '总胆固醇偏高。' },
    ]);
    expect(opened.body.observations[0].interpretation.explanation).toContain('心脑血管');
    // one use only
    const reused = await t.api.post('/api/v1/reports/exam-access/verify', {
      headers: fromAddress(),
      body: { reportNo: no, code: sent.body.sandboxCode },
    });
    expect(reused.status).toBe(400);
    expect(reused.body.code).toBe('EXAM_CODE_INVALID');
    // the owner also sees it in their list
    const list = await t.api.get(`/api/v1/reports?patientId=${me.patientId}&kind=physical`, {
      token: me.token,
    });
    expect(list.body.items).toHaveLength(1);
  });

  it('a code opens the report once even when used concurrently', async () => {
    const { no } = await examReport();
    const sent = await t.api.post('/api/v1/reports/exam-access', {
      headers: fromAddress(),
      body: { reportNo: no, name: '张三' },
    });
    const results = await Promise.all(
      [0, 1, 2].map(() =>
        t.api.post('/api/v1/reports/exam-access/verify', {
          headers: fromAddress(),
          body: { reportNo: no, code: sent.body.sandboxCode },
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 400, 400]);
  });

  it('refuses a wrong code, an expired code and too many tries', async () => {
    const { no } = await examReport();
    const sent = await t.api.post('/api/v1/reports/exam-access', {
      headers: fromAddress(),
      body: { reportNo: no, name: '张三' },
    });
    const good: string = sent.body.sandboxCode;
    const bad = good === '000000' ? '111111' : '000000';
    const max = t.app.ctx.config.EXAM_ACCESS_MAX_ATTEMPTS;
    for (let i = 0; i < max; i++) {
      const r = await t.api.post('/api/v1/reports/exam-access/verify', {
        headers: fromAddress(),
        body: { reportNo: no, code: bad },
      });
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('EXAM_CODE_INVALID');
    }
    const locked = await t.api.post('/api/v1/reports/exam-access/verify', {
      headers: fromAddress(),
      body: { reportNo: no, code: good },
    });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('EXAM_CODE_TOO_MANY_ATTEMPTS');
    const [rep] = await t.app.ctx.db.select().from(reports).where(eq(reports.reportNo, no));
    const codes = await t.app.ctx.db
      .select()
      .from(examAccessCodes)
      .where(eq(examAccessCodes.reportId, rep.id));
    expect(codes).toHaveLength(1);
    expect(codes[0]).toMatchObject({ attempts: max, consumedAt: null });

    // a new code after the resend interval; it expires unused
    t.clock.advance(61_000);
    const again = await t.api.post('/api/v1/reports/exam-access', {
      headers: fromAddress(),
      body: { reportNo: no, name: ' 张三 ' },
    });
    expect(again.status).toBe(200);
    t.clock.advance((t.app.ctx.config.EXAM_ACCESS_CODE_TTL_SECONDS + 1) * 1000);
    const expired = await t.api.post('/api/v1/reports/exam-access/verify', {
      headers: fromAddress(),
      body: { reportNo: no, code: again.body.sandboxCode },
    });
    expect(expired.status).toBe(400);
    expect(expired.body.code).toBe('EXAM_CODE_EXPIRED');
    expect(
      (
        await t.api.post('/api/v1/reports/exam-access/verify', {
          headers: fromAddress(),
          body: { reportNo: no, code: '12' },
        })
      ).status,
    ).toBe(400);
    // at most five codes per report and day (two so far)
    for (let i = 0; i < 4; i++) {
      t.clock.advance(61_000);
      const r = await t.api.post('/api/v1/reports/exam-access', {
        headers: fromAddress(),
        body: { reportNo: no, name: '张三' },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(i < 3 ? 200 : 429);
      if (i === 3) expect(r.body.code).toBe('EXAM_CODE_DAILY_LIMIT');
    }
  });
});

describe('console: indicator knowledge base and reports (RPT-05, RPT-12)', () => {
  it('has at least 50 indicators seeded, covering the common panels', async () => {
    const op = await loginStaff(t, 'operator');
    const res = await t.api.get('/api/v1/admin/indicators', { token: op.token });
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThanOrEqual(50);
    const codes = new Set(res.body.items.map((i: any) => i.code));
    for (const c of [
      'WBC',
      'RBC',
      'HGB',
      'PLT',
      'NEUT%',
      'LYMPH%',
      'ALT',
      'AST',
      'TBIL',
      'DBIL',
      'ALB',
      'GGT',
      'ALP',
      'CREA',
      'BUN',
      'UA',
      'eGFR',
      'TC',
      'TG',
      'HDL-C',
      'LDL-C',
      'GLU',
      'HbA1c',
      'K',
      'Na',
      'Cl',
      'Ca',
      'TSH',
      'FT3',
      'FT4',
      'CRP',
      'PCT',
      'PT',
      'APTT',
    ]) {
      expect(codes.has(c), c).toBe(true);
    }
    const search = await t.api.get(`/api/v1/admin/indicators?q=${encodeURIComponent('谷丙')}`, {
      token: op.token,
    });
    expect(search.body.items.map((i: any) => i.code)).toEqual(['ALT']);
  });

  it('an operator edits an explanation (audited) and patients see it; finance is refused', async () => {
    const op = await loginStaff(t, 'operator');
    const finance = await loginStaff(t, 'finance');
    const entry = {
      name: '尿酸',
      aliases: ['血尿酸', 'URIC'],
      category: '肾功能',
      unit: 'μmol/L',
      meaning: '嘌呤代谢的产物。',
      highMeaning: '尿酸偏高，痛风风险增加（运营修订）。',
      lowMeaning: null,
      advice: '多饮水，少吃高嘌呤食物。',
    };
    const denied = await t.api.put('/api/v1/admin/indicators/UA', { token: finance.token, body: entry });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('PERMISSION_DENIED');
    expect((await t.api.get('/api/v1/admin/indicators', { token: finance.token })).status).toBe(403);
    expect(
      (await t.api.put('/api/v1/admin/indicators/UA', { token: op.token, body: { ...entry, extra: 1 } }))
        .status,
    ).toBe(400);

    const res = await t.api.put('/api/v1/admin/indicators/UA', { token: op.token, body: entry });
    expect(res.status).toBe(200);
    expect(res.body.highMeaning).toContain('运营修订');
    const created = await t.api.post('/api/v1/admin/indicators', {
      token: op.token,
      body: { ...entry, code: 'NEWIND', name: '新指标', aliases: [] },
    });
    expect(created.status).toBe(201);
    const dup = await t.api.post('/api/v1/admin/indicators', {
      token: op.token,
      body: { ...entry, code: 'NEWIND', name: '新指标', aliases: [] },
    });
    expect(dup.body.code).toBe('INDICATOR_EXISTS');
    const unknown = await t.api.put('/api/v1/admin/indicators/NOSUCH', { token: op.token, body: entry });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('INDICATOR_NOT_FOUND');
    const trail = await t.app.ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'indicator.update'), eq(auditLog.objectId, 'UA')));
    expect(trail).toHaveLength(1);

    // the alias is matched too: a report coded URIC is explained with the edited text
    const me = await newPatient();
    const r = await push(
      LIS,
      labReport(me.idNumber, {
        observations: [{ code: 'URIC', name: '尿酸', value: 520, refLow: 208, refHigh: 428 }],
      }),
    );
    const d = await t.api.get(`/api/v1/reports/${r.body.reportId}`, { token: me.token });
    expect(d.body.observations[0].interpretation.explanation).toContain('运营修订');
  });

  it('staff with patients.read list reports (audited); others are refused', async () => {
    const op = await loginStaff(t, 'operator');
    const finance = await loginStaff(t, 'finance');
    const me = await newPatient();
    const r = await push(LIS, labReport(me.idNumber));
    const res = await t.api.get(`/api/v1/admin/reports?reportNo=${r.body.reportNo}`, { token: op.token });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(1);
    expect(res.body.items[0]).toMatchObject({
      id: r.body.reportId,
      patientNameMasked: '张*',
      patientId: me.patientId,
    });
    const one = await t.api.get(`/api/v1/admin/reports/${r.body.reportId}`, { token: op.token });
    expect(one.status).toBe(200);
    expect(one.body.observations).toHaveLength(4);
    const trail = await t.app.ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'report.read'), eq(auditLog.objectId, r.body.reportId)));
    expect(trail).toHaveLength(1);
    expect((await t.api.get('/api/v1/admin/reports', { token: finance.token })).status).toBe(403);
    expect((await t.api.get('/api/v1/admin/reports?pageSize=1000', { token: op.token })).status).toBe(400);
  });
});
