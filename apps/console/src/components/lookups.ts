import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import {
  campuses,
  departments,
  doctors,
  floors,
  buildings,
  type Department,
  type Doctor,
} from '../api/directory';

/** Shared option lists for selects; cached across pages. */
export function useDepartments() {
  return useQuery({
    queryKey: ['lookup', 'departments'],
    queryFn: async () => flattenDepartments((await departments.list()).items),
    staleTime: 30_000,
  });
}

export function useCampuses() {
  return useQuery({
    queryKey: ['lookup', 'campuses'],
    queryFn: async () => (await campuses.list()).items,
    staleTime: 30_000,
  });
}

export function useBuildings() {
  return useQuery({
    queryKey: ['lookup', 'buildings'],
    queryFn: async () => (await buildings.list()).items,
    staleTime: 30_000,
  });
}

export function useFloors() {
  return useQuery({
    queryKey: ['lookup', 'floors'],
    queryFn: async () => (await floors.list()).items,
    staleTime: 30_000,
  });
}

export function useDoctors() {
  return useQuery({
    queryKey: ['lookup', 'doctors'],
    queryFn: async () => {
      // the list is paged (at most 100 a page): read every page
      const all: Doctor[] = [];
      for (let page = 1; page <= 50; page++) {
        const r = await doctors.list({ page, pageSize: 100 });
        all.push(...r.items);
        if (all.length >= r.total || r.items.length === 0) break;
      }
      return all;
    },
    staleTime: 30_000,
  });
}

/** A department as every staff member may read it (GET /admin/lookup/departments). */
export interface DepartmentName {
  id: string;
  name: string;
  parentId: string | null;
}

/** A doctor as every staff member may read it (GET /admin/lookup/doctors). */
export interface DoctorName {
  id: string;
  name: string;
  title: string;
  titleZh: string;
  departmentIds: string[];
}

/**
 * Department names for filters and charts, readable by any staff role (finance, doctors and nurses
 * do not hold directory.manage, which guards the full records).
 */
export function useDepartmentNames() {
  return useQuery({
    queryKey: ['lookup', 'department-names'],
    queryFn: async () => (await api.get<{ items: DepartmentName[] }>('/admin/lookup/departments')).items,
    staleTime: 60_000,
  });
}

/** Doctor names for filters, readable by any staff role. */
export function useDoctorNames() {
  return useQuery({
    queryKey: ['lookup', 'doctor-names'],
    queryFn: async () => (await api.get<{ items: DoctorName[] }>('/admin/lookup/doctors')).items,
    staleTime: 60_000,
  });
}

/** The department list may come as a tree or flat; selects want it flat. */
export function flattenDepartments(items: Department[]): Department[] {
  const out: Department[] = [];
  const walk = (ds: Department[]) =>
    ds.forEach((d) => {
      out.push(d);
      if (d.children?.length) walk(d.children);
    });
  walk(items);
  return out;
}

/** Flat list → two-level tree (parents with their children). */
export function departmentTree(items: Department[]): Department[] {
  if (items.some((d) => d.children?.length)) return items;
  const byParent = new Map<string, Department[]>();
  for (const d of items) {
    if (!d.parentId) continue;
    byParent.set(d.parentId, [...(byParent.get(d.parentId) ?? []), d]);
  }
  const roots = items.filter((d) => !d.parentId || !items.some((p) => p.id === d.parentId));
  return roots.map((r) => {
    const children = byParent.get(r.id);
    return children?.length ? { ...r, children } : { ...r, children: undefined };
  });
}
