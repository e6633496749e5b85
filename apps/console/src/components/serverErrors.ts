import type { FormInstance } from 'antd';
import { ApiError } from '../api/client';
import { fieldOfCode } from './fieldOfCode';

type Path = (string | number)[];

/**
 * Puts a refused save's errors on the form fields they concern and returns the message to show.
 * Zod issues carry a JSON pointer ("/leadership/0/name"); domain codes name the field
 * (DEPARTMENT_CODE_TAKEN → code, CAMPUS_UNKNOWN → campusId, DEPARTMENT_PARENT_INVALID → parentId).
 */
export function applyServerErrors(form: FormInstance, err: unknown): string {
  if (!(err instanceof ApiError)) return err instanceof Error ? err.message : String(err);
  const details = err.problem?.details as
    { issues?: { path?: string | Path; message: string }[]; field?: string } | undefined;
  const fields: { name: Path; errors: string[] }[] = [];
  for (const issue of details?.issues ?? []) {
    const path = Array.isArray(issue.path)
      ? issue.path
      : String(issue.path ?? '')
          .replace(/^\/?body/, '')
          .split(/[/.]/)
          .filter(Boolean)
          .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    if (path.length) fields.push({ name: path, errors: [issue.message] });
  }
  if (details?.field) fields.push({ name: [details.field], errors: [err.message] });
  if (fields.length === 0) {
    const field = fieldOfCode(err.code, Object.keys(form.getFieldsValue(true) ?? {}));
    if (field) fields.push({ name: [field], errors: [err.message] });
  }
  if (fields.length) form.setFields(fields);
  return err.message;
}
