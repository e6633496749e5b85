import { api, toPage, type Page, type Query } from './client';

/** The CRUD shape every admin collection shares: list, create, update, remove. */
export interface Resource<T> {
  list(query?: Query): Promise<Page<T>>;
  get(id: string): Promise<T>;
  create(body: unknown): Promise<T>;
  update(id: string, body: unknown): Promise<T>;
  remove(id: string): Promise<void>;
}

export function resource<T>(base: string, updateMethod: 'patch' | 'put' = 'patch'): Resource<T> {
  return {
    list: async (query) => toPage<T>(await api.get(base, query)),
    get: (id) => api.get<T>(`${base}/${id}`),
    create: (body) => api.post<T>(base, body),
    update: (id, body) => api[updateMethod]<T>(`${base}/${id}`, body),
    remove: (id) => api.delete(`${base}/${id}`),
  };
}
