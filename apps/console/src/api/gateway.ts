import { api, toPage, type Page, type Query } from './client';
import type {
  IntegrationChannel,
  ChannelWithSecret,
  IntegrationCall,
} from '@qingnang/contracts/api-types/console';
export type {
  IntegrationChannel,
  ChannelWithSecret,
  IntegrationCall,
} from '@qingnang/contracts/api-types/console';

export const INTEGRATION_OPERATIONS = [
  'slots.query',
  'slots.lock',
  'registrations.confirm',
  'registrations.cancel',
] as const;
export const CHANNEL_KINDS = ['his_counter', 'booking_platform', 'pharmacy', 'other'] as const;

export const channels = {
  list: async (): Promise<Page<IntegrationChannel>> =>
    toPage<IntegrationChannel>(await api.get('/admin/channels')),
  get: (id: string) => api.get<IntegrationChannel>(`/admin/channels/${id}`),
  /** the secret is returned only here and by rotateSecret */
  create: (body: unknown) => api.post<ChannelWithSecret>('/admin/channels', body),
  update: (id: string, body: unknown) => api.patch<IntegrationChannel>(`/admin/channels/${id}`, body),
  remove: (id: string) => api.delete(`/admin/channels/${id}`),
  rotateSecret: (id: string) => api.post<ChannelWithSecret>(`/admin/channels/${id}/rotate-secret`),
};

export const listIntegrationCalls = async (query: Query): Promise<Page<IntegrationCall>> =>
  toPage<IntegrationCall>(await api.get('/admin/integration-calls', query));
