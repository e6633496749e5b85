import { pgErrorOf } from '../../platform/db-errors.js';
import { DomainError, badRequest, conflict } from '../../platform/errors.js';

/** A text field that must not be blank: `DEPARTMENT_NAME_REQUIRED` and the like. */
export function requireText(
  entity: string,
  field: string,
  value: string | undefined,
  zhLabel: string,
): string {
  const v = (value ?? '').trim();
  if (!v)
    throw badRequest(
      `${entity}_${field}_REQUIRED`.toUpperCase(),
      `请填写${zhLabel}`,
      `${entity.replace(/_/g, ' ')} ${field} is required`,
    );
  return v;
}

// A unique constraint behind an explicit check: if two writes race past the check, the database
// still refuses the second, and it is reported with the same code as the check.
const UNIQUE_CODES: Record<string, DomainError> = {
  departments_code_key: conflict(
    'DEPARTMENT_CODE_TAKEN',
    '科室编码已存在',
    'Department code is already used',
  ),
  doctors_code_key: conflict('DOCTOR_CODE_TAKEN', '医生工号已存在', 'Doctor code is already used'),
  price_items_code_key: conflict(
    'PRICE_ITEM_CODE_TAKEN',
    '收费项目编码已存在',
    'Price item code is already used',
  ),
  article_categories_name_key: conflict(
    'ARTICLE_CATEGORY_NAME_TAKEN',
    '资讯分类名称已存在',
    'Article category name is already used',
  ),
  recommended_doctors_doctor_id_key: conflict(
    'DOCTOR_ALREADY_RECOMMENDED',
    '该医生已在推荐列表中',
    'Doctor is already recommended',
  ),
  floors_building_id_label_key: conflict(
    'FLOOR_LABEL_TAKEN',
    '该楼宇已有同名楼层',
    'Floor label already exists',
  ),
};

/**
 * Maps a database refusal to a domain error: a unique violation to its 409 code, a foreign key
 * that still points at a row being deleted to `<entity>_IN_USE`. Anything else is rethrown.
 */
export function mapDbError(entity: string, zhEntity: string) {
  return (e: unknown): never => {
    const pg = pgErrorOf(e);
    if (pg?.code === '23505') {
      throw (
        UNIQUE_CODES[pg.constraint ?? ''] ??
        conflict(`${entity.toUpperCase()}_DUPLICATE`, `${zhEntity}已存在`, `${entity} already exists`)
      );
    }
    if (pg?.code === '23503') {
      throw conflict(
        `${entity.toUpperCase()}_IN_USE`,
        `${zhEntity}仍被其他数据引用，无法删除，可改为停用`,
        `${entity} is still referenced; disable it instead`,
      );
    }
    throw e;
  };
}
