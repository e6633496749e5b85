import { describe, expect, it } from 'vitest';
import { CONSOLE_MENUS, menusFor } from '../../server/src/modules/staff/menus';
import { GROUPS, ROUTE_PERMISSIONS, holds, visibleMenu } from './menu';

// The server's catalogue is the menu: what GET /staff/me sends a user holding these permissions.
const served = (perms: string[]) => menusFor(new Set(perms));
const keys = (perms: string[]) => visibleMenu(served(perms)).flatMap((g) => g.items.map((m) => m.key));

describe('console menu', () => {
  it('shows the pages of a role, and nothing the server did not send', () => {
    expect(keys(['payments.read'])).toEqual(
      expect.arrayContaining(['writeback-failures', 'einvoices', 'insurance-settlements', 'bills']),
    );
    expect(keys(['payments.read'])).not.toContain('indicators');
    expect(keys(['content.manage']).sort()).toEqual(['articles', 'dashboard', 'indicators']);
    expect(keys(['directory.manage'])).toContain('buildings');
    expect(keys(['prescription.read'])).toEqual(['dashboard', 'prescriptions']);
    expect(keys([])).toEqual(['dashboard']);
    expect(visibleMenu(undefined)).toEqual([]);
    expect(visibleMenu([]).flatMap((g) => g.items)).toEqual([]);
  });

  it('groups the menus in the console order; a group it does not know goes last under its own name', () => {
    const menu = visibleMenu([
      { key: 'new-page', group: 'lab' as never, zh: '新页面', en: 'New page', path: '/lab/new' },
      ...served(['*']),
    ]);
    const known = Object.keys(GROUPS);
    expect(menu.map((g) => g.key)).toEqual([...known.filter((g) => menu.some((x) => x.key === g)), 'lab']);
    expect(menu.at(-1)).toMatchObject({ zh: 'lab', en: 'lab', items: [{ key: 'new-page' }] });
    expect(menu.find((g) => g.key === 'directory')?.items.map((m) => m.key)).toContain('buildings');
  });

  it('every menu the server may send has a console route guarded by the same permission, and back', () => {
    for (const m of CONSOLE_MENUS) {
      expect(ROUTE_PERMISSIONS[m.key], m.key).toEqual({ path: m.path, permission: m.permission });
    }
    expect(Object.keys(ROUTE_PERMISSIONS).sort()).toEqual(CONSOLE_MENUS.map((m) => m.key).sort());
    expect(holds(['exams.manage'], ROUTE_PERMISSIONS['exam-packages'].permission)).toBe(true);
    expect(holds(['payments.read'], ROUTE_PERMISSIONS['exam-packages'].permission)).toBe(false);
    expect(holds(['*'], ROUTE_PERMISSIONS['exam-packages'].permission)).toBe(true);
  });
});
