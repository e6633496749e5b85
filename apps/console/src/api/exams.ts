import { api, toPage, type Page, type Query } from './client';
import { resource } from './resource';
import type { ExamPackage, CapacityDay, ExamBooking } from '@qingnang/contracts/api-types/console';
export type {
  ExamPackageItem,
  ExamPackage,
  CapacityDay,
  ExamBooking,
} from '@qingnang/contracts/api-types/console';

/** PUT replaces the package with its items; POST also takes the code. */
export const examPackages = resource<ExamPackage>('/admin/exam-packages', 'put');

export const getCapacity = (packageId: string, from: string, to: string) =>
  api.get<{ packageId: string; items: CapacityDay[] }>(`/admin/exam-packages/${packageId}/capacity`, {
    from,
    to,
  });

/**
 * Sets the daily capacity and/or closes or reopens each date of a range (all or nothing:
 * EXAM_CAPACITY_BELOW_TAKEN with `details.dates` when a date already has more bookings).
 */
export const setCapacity = (
  packageId: string,
  body: { from: string; to: string; weekdays?: number[]; capacity?: number; closed?: boolean },
) => api.put<{ packageId: string; items: CapacityDay[] }>(`/admin/exam-packages/${packageId}/capacity`, body);

export const listExamBookings = async (query: Query): Promise<Page<ExamBooking>> =>
  toPage<ExamBooking>(await api.get('/admin/exam-bookings', query));
