import { describe, expect, it } from 'vitest';
import { EXTRA_MENUS, ROUTE_PERMISSIONS, holds, visibleMenu } from './menu';

const keys = (perms: string[], server: Parameters<typeof visibleMenu>[1] = []) =>
  visibleMenu(perms, server).flatMap((g) => g.items.map((m) => m.key));

describe('console menu', () => {
  it('shows the issue 4 pages to the roles that hold their permission only', () => {
    expect(keys(['payments.read'])).toEqual(
      expect.arrayContaining(['writeback-failures', 'einvoices', 'insurance-settlements']),
    );
    expect(keys(['payments.read'])).not.toContain('indicators');
    expect(keys(['content.manage'])).toEqual(['indicators']);
    expect(keys(['exams.manage']).sort()).toEqual(['exam-bookings', 'exam-packages']);
    expect(keys(['patients.read'])).toEqual(['reports']);
    expect(keys(['prescription.read'])).toEqual(['prescriptions']);
    expect(keys([])).toEqual([]);
    expect(keys(['*']).sort()).toEqual(EXTRA_MENUS.map((m) => m.key).sort());
  });

  it('drops a console-only entry once the server catalogue lists the same page', () => {
    const server = [
      {
        key: 'indicators',
        group: 'services',
        zh: '指标库',
        en: 'Indicators',
        path: '/services/indicators',
        permission: 'content.manage',
      },
    ];
    const menu = visibleMenu(['content.manage'], server);
    expect(menu.flatMap((g) => g.items)).toEqual(server);
  });

  it('every menu entry has a route guarded by the same permission', () => {
    for (const m of EXTRA_MENUS) {
      expect(ROUTE_PERMISSIONS[m.key], m.key).toEqual({ path: m.path, permission: m.permission });
    }
    expect(holds(['exams.manage'], ROUTE_PERMISSIONS['exam-packages'].permission)).toBe(true);
    expect(holds(['payments.read'], ROUTE_PERMISSIONS['exam-packages'].permission)).toBe(false);
  });
});
