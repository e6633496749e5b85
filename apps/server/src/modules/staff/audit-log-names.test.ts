import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUDIT_ACTIONS,
  AUDIT_OBJECT_TYPES,
  auditActionLabels,
  auditObjectTypeLabels,
} from '@qingnang/contracts';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { addPatient, loginPatient } from '../../testing/patients.js';
import { loginStaff } from '../../testing/staff.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('audit log as the console shows it', () => {
  it('names the patient a staff member opened by masked name, and the staff account a login touched', async () => {
    const { token } = await loginPatient(t, '13500000361');
    const p = await addPatient(t, token, { name: '欧阳娜娜' });
    const operator = await loginStaff(t, 'operator');
    expect((await t.api.get(`/api/v1/admin/patients/${p.id}`, { token: operator.token })).status).toBe(200);
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await t.api.get(`/api/v1/admin/patients/${missing}`, { token: operator.token })).status).toBe(
      404,
    );

    const admin = await loginStaff(t, 'admin');
    const reads = await t.api.get('/api/v1/admin/audit-logs?action=patients.read&pageSize=10', {
      token: admin.token,
    });
    expect(reads.status).toBe(200);
    const opened = reads.body.items.find((r: { objectId: string }) => r.objectId === p.id);
    expect(opened).toMatchObject({ objectType: 'patient', objectName: '欧**娜', outcome: 'success' });
    expect(JSON.stringify(reads.body)).not.toContain('欧阳娜娜');
    // an id that names nobody stays unnamed rather than guessed
    const failed = reads.body.items.find((r: { objectId: string }) => r.objectId === missing);
    expect(failed).toMatchObject({ objectName: null, outcome: 'failed' });

    const logins = await t.api.get(`/api/v1/admin/audit-logs?action=staff.login&objectId=${operator.id}`, {
      token: admin.token,
    });
    expect(logins.body.items.length).toBeGreaterThan(0);
    expect(logins.body.items[0]).toMatchObject({ objectType: 'staff_user', objectName: '运营专员' });
  });

  it('every audit action and object type the server writes has a zh/en label', () => {
    const actions = new Set<string>();
    const objectTypes = new Set<string>();
    for (const file of serverSources(new URL('../..', import.meta.url).pathname)) {
      const src = readFileSync(file, 'utf8');
      for (const m of src.matchAll(/\baction: '([a-z_.-]+)'/g)) actions.add(m[1]);
      for (const m of src.matchAll(/\bobjectType: '([a-z_]+)'/g)) objectTypes.add(m[1]);
    }
    expect(actions.size).toBeGreaterThan(50);
    const knownActions = new Set<string>(AUDIT_ACTIONS);
    const knownTypes = new Set<string>(AUDIT_OBJECT_TYPES);
    expect([...actions].filter((a) => !knownActions.has(a)).sort()).toEqual([]);
    expect([...objectTypes].filter((o) => !knownTypes.has(o)).sort()).toEqual([]);
    for (const a of AUDIT_ACTIONS) expect(auditActionLabels[a].zh, a).toMatch(/[\u4e00-\u9fa5]/);
    for (const o of AUDIT_OBJECT_TYPES) expect(auditObjectTypeLabels[o].zh, o).toMatch(/[\u4e00-\u9fa5]/);
  });
});

function serverSources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return serverSources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}
