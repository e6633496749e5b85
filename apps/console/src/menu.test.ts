import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../server/src/platform/permissions';
import { CONSOLE_MENUS, menusFor } from '../../server/src/modules/staff/index';
import { GROUPS, HOME_SECTIONS, ROUTE_PERMISSIONS, holds, visibleMenu } from './menu';

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

describe('no menu item or permission points at nothing', () => {
  it('every workbench permission is a section of the 工作台 home, which every staff member opens', () => {
    const workbench = Object.keys(PERMISSIONS).filter((p) => p.endsWith('.workbench'));
    expect(Object.keys(HOME_SECTIONS).sort()).toEqual(workbench.sort());
    const home = CONSOLE_MENUS.find((m) => m.path === '/');
    expect(home?.key).toBe('dashboard');
    expect(home?.permission).toBeUndefined();
    // the server's home answers a section for each of them
    const answers = readFileSync(
      new URL('../../server/src/modules/workbench/service.ts', import.meta.url),
      'utf8',
    );
    const scope = readFileSync(
      new URL('../../server/src/modules/registration/staff-scope.ts', import.meta.url),
      'utf8',
    );
    for (const p of workbench) expect(answers + scope, p).toContain(`'${p}'`);
  });

  it('every permission opens a menu page, a home section, or is checked by the server', () => {
    const server = sources(new URL('../../server/src/modules', import.meta.url).pathname)
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const used = (p: string) =>
      CONSOLE_MENUS.some((m) => m.permission === p) || p in HOME_SECTIONS || server.includes(`'${p}'`);
    expect(Object.keys(PERMISSIONS).filter((p) => !used(p))).toEqual([]);
  });
});

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}
