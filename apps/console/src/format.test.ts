import { describe, expect, it } from 'vitest';
import { toFen, yuan } from './format';
import { fieldOfCode } from './components/fieldOfCode';

describe('money in the console forms', () => {
  it('turns the yuan typed in a form into exact integer fen', () => {
    expect(toFen(12.5)).toBe(1250);
    expect(toFen('0.1')).toBe(10);
    expect(toFen(0.29)).toBe(29); // 0.29 * 100 is 28.999... in floating point
    expect(toFen(1234567.89)).toBe(123456789);
    expect(toFen('')).toBe(0);
  });

  it('refuses what is not an amount', () => {
    expect(toFen('12.345')).toBeNaN();
    expect(toFen('abc')).toBeNaN();
  });

  it('shows fen as yuan with two decimals', () => {
    expect(yuan(1250)).toBe('12.50');
    expect(yuan(5)).toBe('0.05');
    expect(yuan(-199)).toBe('-1.99');
  });
});

describe('server refusals land on the field they concern', () => {
  const departmentForm = ['name', 'code', 'parentId', 'campusId', 'floorId', 'introduction'];
  it('maps domain codes to form fields', () => {
    expect(fieldOfCode('DEPARTMENT_CODE_TAKEN', departmentForm)).toBe('code');
    expect(fieldOfCode('DEPARTMENT_NAME_REQUIRED', departmentForm)).toBe('name');
    expect(fieldOfCode('DEPARTMENT_PARENT_NOT_TOP_LEVEL', departmentForm)).toBe('parentId');
    expect(fieldOfCode('CAMPUS_UNKNOWN', departmentForm)).toBe('campusId');
    expect(fieldOfCode('DOCTOR_DEPARTMENT_UNKNOWN', ['name', 'departmentIds'])).toBe('departmentIds');
  });
  it('leaves a code about no field to the page message', () => {
    expect(fieldOfCode('PERMISSION_DENIED', departmentForm)).toBeUndefined();
  });
});
