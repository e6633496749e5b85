import { api, toPage } from './client';
import { resource } from './resource';

export type DoctorTitle = 'chief_physician' | 'associate_chief' | 'attending' | 'resident';
export type ArticleKind = 'announcement' | 'guide' | 'education' | 'knowledge' | 'encyclopedia' | 'news';

export interface Leader {
  name: string;
  position: string;
  photoUrl?: string;
  introduction?: string;
}

export interface Hospital {
  name: string;
  level: string;
  introduction: string;
  scale: string;
  history: string;
  honours: string[];
  leadership: Leader[];
  rules: string;
  phone: string;
  website: string;
  logoUrl: string;
}

export interface Campus {
  id: string;
  name: string;
  address: string;
  lat: number;
  lng: number;
  phone: string;
  openingHours: string;
  transport: string;
  sitePlanUrl: string;
  sort: number;
  enabled: boolean;
}

export interface Building {
  id: string;
  campusId: string;
  name: string;
  description: string;
  sort: number;
}

export interface Floor {
  id: string;
  buildingId: string;
  label: string;
  level: number;
  floorPlanUrl: string;
  facilities: string[];
}

export interface Department {
  id: string;
  parentId: string | null;
  code: string;
  name: string;
  campusId: string | null;
  floorId: string | null;
  location: string;
  phone: string;
  introduction: string;
  strengths: string;
  scope: string;
  staffing: string;
  sort: number;
  enabled: boolean;
  children?: Department[];
}

export interface Doctor {
  id: string;
  code: string;
  name: string;
  title: DoctorTitle;
  gender: 'male' | 'female';
  photoUrl: string;
  specialties: string[];
  introduction: string;
  enabled: boolean;
  sort: number;
  titleLabel?: { zh: string; en: string };
  departmentIds?: string[];
  departments?: { id: string; code: string; name: string }[];
}

export interface ArticleCategory {
  id: string;
  kind: ArticleKind;
  kindLabel?: { zh: string; en: string };
  name: string;
  enabled: boolean;
  sort: number;
}

export interface Article {
  id: string;
  categoryId: string;
  category?: ArticleCategory;
  title: string;
  summary: string;
  coverUrl: string;
  body: string;
  source: 'original' | 'reprint';
  sourceName: string;
  author: string;
  status: 'draft' | 'published';
  publishedAt: string | null;
  updatedAt?: string;
}

export interface PriceItem {
  id: string;
  code: string;
  name: string;
  category: string;
  spec: string;
  unit: string;
  priceFen: number;
  enabled: boolean;
}

export interface FeaturedDiscipline {
  id: string;
  departmentId: string;
  departmentName?: string;
  title: string;
  description: string;
  imageUrl: string;
  sort: number;
}

export interface RecommendedDoctor {
  id: string;
  doctorId: string;
  doctorName?: string;
  doctor?: Doctor;
  reason: string;
  sort: number;
}

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
