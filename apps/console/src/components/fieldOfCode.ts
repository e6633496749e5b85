/**
 * The form field a domain error code is about: DEPARTMENT_CODE_TAKEN → code, CAMPUS_UNKNOWN →
 * campusId, DEPARTMENT_PARENT_INVALID → parentId, DOCTOR_DEPARTMENT_UNKNOWN → departmentIds.
 */
export function fieldOfCode(code: string, names: string[]): string | undefined {
  const padded = `_${code}_`;
  for (const name of names) {
    const snake = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
    const variants = [snake, snake.replace(/_(ID|IDS|FEN|URL)$/, '')];
    if (variants.some((v) => v && padded.includes(`_${v}_`))) return name;
  }
  return undefined;
}
