import { api, toPage } from './client';
import { resource } from './resource';
import type {
  Hospital,
  Campus,
  Building,
  Floor,
  Department,
  Doctor,
  ArticleCategory,
  Article,
  PriceItem,
  FeaturedDiscipline,
  RecommendedDoctor,
} from '@qingnang/contracts/api-types/console';
export type {
  DoctorTitle,
  ArticleKind,
  Leader,
  Hospital,
  Campus,
  Building,
  Floor,
  Department,
  Doctor,
  ArticleCategory,
  Article,
  PriceItem,
  FeaturedDiscipline,
  RecommendedDoctor,
} from '@qingnang/contracts/api-types/console';

export const getHospital = () => api.get<Hospital>('/admin/hospital');
const HOSPITAL_FIELDS: (keyof Hospital)[] = [
  'name',
  'level',
  'introduction',
  'scale',
  'history',
  'honours',
  'leadership',
  'rules',
  'phone',
  'website',
  'logoUrl',
];
/** PUT takes exactly the editable fields (the body schema is strict). */
export const saveHospital = (h: Partial<Hospital>) =>
  api.put<Hospital>(
    '/admin/hospital',
    Object.fromEntries(HOSPITAL_FIELDS.filter((k) => h[k] !== undefined).map((k) => [k, h[k]])),
  );

export const campuses = resource<Campus>('/admin/campuses');
export const buildings = resource<Building>('/admin/buildings');
export const floors = resource<Floor>('/admin/floors');
export const departments = resource<Department>('/admin/departments');
export const doctors = resource<Doctor>('/admin/doctors');
export const articles = {
  ...resource<Article>('/admin/articles'),
  publish: (id: string) => api.post<Article>(`/admin/articles/${id}/publish`),
  unpublish: (id: string) => api.post<Article>(`/admin/articles/${id}/unpublish`),
};
export const priceItems = resource<PriceItem>('/admin/price-items');
export const articleCategories = resource<ArticleCategory>('/admin/article-categories');
export const featuredDisciplines = resource<FeaturedDiscipline>('/admin/featured-disciplines');
export const recommendedDoctors = resource<RecommendedDoctor>('/admin/recommended-doctors');

export async function listArticleCategories(): Promise<ArticleCategory[]> {
  return toPage<ArticleCategory>(await api.get('/admin/article-categories')).items;
}

export async function listPriceCategories(): Promise<string[]> {
  const r = await api.get<unknown>('/price-categories');
  const items = toPage<string | { code?: string; name?: string }>(r).items;
  return items.map((c) => (typeof c === 'string' ? c : (c.code ?? c.name ?? '')));
}
