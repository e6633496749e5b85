import { and, asc, eq } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { notFound } from '../../platform/errors.js';
import { buildings, campuses, departments, floors } from './schema.js';

/**
 * A schematic floor plan drawn from the directory itself (DIR-05), used while the hospital has not
 * uploaded a drawn plan for the floor: rooms on both sides of a corridor, departments in one colour
 * and other places (收费处, 药房 …) in another, so the patient sees what is on the floor and where.
 */
export async function floorPlanSvg(ctx: AppContext, floorId: string): Promise<string> {
  const [row] = await ctx.db
    .select({ floor: floors, buildingName: buildings.name, campusName: campuses.name })
    .from(floors)
    .innerJoin(buildings, eq(buildings.id, floors.buildingId))
    .innerJoin(campuses, eq(campuses.id, buildings.campusId))
    .where(eq(floors.id, floorId));
  if (!row) throw notFound('floor', '楼层');
  const deps = await ctx.db
    .select({ name: departments.name, location: departments.location })
    .from(departments)
    .where(and(eq(departments.floorId, floorId), eq(departments.enabled, true)))
    .orderBy(asc(departments.sort));
  const rooms = [
    ...deps.map((d) => ({ label: d.name, note: d.location, kind: 'department' as const })),
    ...row.floor.facilities.map((f) => ({ label: f, note: '', kind: 'facility' as const })),
  ];
  const perSide = Math.max(1, Math.ceil(rooms.length / 2));
  const width = Math.max(640, perSide * 170 + 40);
  const roomW = (width - 40) / perSide;
  const top = rooms.slice(0, perSide);
  const bottom = rooms.slice(perSide);
  const room = (r: (typeof rooms)[number], i: number, y: number) => {
    const x = 20 + i * roomW;
    const fill = r.kind === 'department' ? '#e6f4ff' : '#f6ffed';
    const stroke = r.kind === 'department' ? '#1677ff' : '#52c41a';
    return (
      `<rect x="${x + 4}" y="${y}" width="${roomW - 8}" height="110" rx="6" fill="${fill}" stroke="${stroke}"/>` +
      `<text x="${x + roomW / 2}" y="${y + 52}" text-anchor="middle" font-size="16">${xml(r.label)}</text>` +
      (r.note
        ? `<text x="${x + roomW / 2}" y="${y + 78}" text-anchor="middle" font-size="11" fill="#666">${xml(r.note)}</text>`
        : '')
    );
  };
  const title = `${row.campusName} · ${row.buildingName} · ${row.floor.label}`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="380" viewBox="0 0 ${width} 380" ` +
    `font-family="Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif">` +
    `<title>${xml(title)}</title>` +
    `<rect width="100%" height="100%" fill="#ffffff"/>` +
    `<text x="20" y="34" font-size="20" font-weight="bold">${xml(title)}</text>` +
    top.map((r, i) => room(r, i, 60)).join('') +
    `<rect x="20" y="180" width="${width - 40}" height="40" fill="#fafafa" stroke="#d9d9d9"/>` +
    `<text x="${width / 2}" y="205" text-anchor="middle" font-size="13" fill="#999">走廊 Corridor</text>` +
    bottom.map((r, i) => room(r, i, 230)).join('') +
    `</svg>`
  );
}

function xml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
