import { randomBytes } from 'node:crypto';
import type { TestApp } from '../../testing/harness.js';

/**
 * Test fixture: a doctor of its own working in two departments (under one parent category), so a
 * test never depends on the demo directory's contents. Written straight into the directory's tables
 * because the directory's admin API is not what these tests are about.
 */
export async function addTestDoctor(
  t: TestApp,
  opts: { title?: 'chief_physician' | 'associate_chief' | 'attending' | 'resident' } = {},
): Promise<{ doctorId: string; departmentId: string; secondDepartmentId: string }> {
  const tag = randomBytes(4).toString('hex');
  const now = t.clock.now();
  const raw = t.app.ctx.database.raw;
  const parent = `dep-p-${tag}`;
  const departmentId = `dep-a-${tag}`;
  const secondDepartmentId = `dep-b-${tag}`;
  const doctorId = `doc-${tag}`;
  for (const [id, parentId, name] of [
    [parent, null, `测试大科${tag}`],
    [departmentId, parent, `测试内科${tag}`],
    [secondDepartmentId, parent, `测试专病门诊${tag}`],
  ] as const) {
    await raw.query(
      `INSERT INTO departments (id, parent_id, code, name, created_at, updated_at) VALUES ($1, $2, $1, $3, $4, $4)`,
      [id, parentId, name, now],
    );
  }
  await raw.query(
    `INSERT INTO doctors (id, code, name, title, gender, created_at, updated_at) VALUES ($1, $1, $2, $3, 'female', $4, $4)`,
    [doctorId, `李医生${tag}`, opts.title ?? 'chief_physician', now],
  );
  await raw.query(
    `INSERT INTO doctor_departments (doctor_id, department_id, sort) VALUES ($1, $2, 0), ($1, $3, 1)`,
    [doctorId, departmentId, secondDepartmentId],
  );
  return { doctorId, departmentId, secondDepartmentId };
}
