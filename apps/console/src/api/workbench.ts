import { api } from './client';
import type { Prescription } from './pharmacy';
import type { Workbench } from '@qingnang/contracts/api-types/console';
export type {
  ClinicPatient,
  ClinicCard,
  ServerMessage,
  Workbench,
} from '@qingnang/contracts/api-types/console';

export const getWorkbench = () => api.get<Workbench>('/admin/workbench');
