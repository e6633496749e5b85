import { api, toPage, type Page, type Query } from './client';
import { resource } from './resource';

export interface ExamPackageItem {
  name: string;
  category: string;
  meaning: string | null;
  notes: string | null;
}

/** A physical-exam package as the console maintains it (inactive ones included). */
export interface ExamPackage {
  id: string;
  code: string;
  name: string;
  description: string | null;
  priceFen: number;
  gender: 'any' | 'male' | 'female';
  minAge: number | null;
  maxAge: number | null;
  notes: string | null;
  state: 'active' | 'inactive';
  sort: number;
  itemCount: number;
  categories: string[];
  items: ExamPackageItem[];
  updatedAt: string;
}

/** PUT replaces the package with its items; POST also takes the code. */
export const examPackages = resource<ExamPackage>('/admin/exam-packages', 'put');

export interface CapacityDay {
  date: string;
  capacity: number;
  taken: number;
  remaining: number;
  closed: boolean;
}

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

export interface ExamBooking {
  id: string;
  bookingNo: string;
  patientId: string;
  patientNameMasked: string;
  package: { id: string; code: string; name: string };
  priceFen: number;
  examDate: string;
  state: string;
  paidAt: string | null;
  checkedInAt: string | null;
  completedAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  refundState: string;
  rescheduleCount: number;
  examOrderNo: string | null;
  examSystemPending: boolean;
  reportNo: string | null;
  createdAt: string;
}

export const listExamBookings = async (query: Query): Promise<Page<ExamBooking>> =>
  toPage<ExamBooking>(await api.get('/admin/exam-bookings', query));
