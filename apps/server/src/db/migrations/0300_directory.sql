-- Hospital directory and content: the hospital, its campuses, buildings and floors, the two-level
-- department tree, doctors, articles, the public price list, featured disciplines, recommended
-- doctors and the doctors a patient account follows.

-- One organisation per database, so one hospital row (the id is fixed).
CREATE TABLE hospital (
  id text PRIMARY KEY DEFAULT 'hospital' CHECK (id = 'hospital'),
  name text NOT NULL,
  level text NOT NULL DEFAULT '',
  introduction text NOT NULL DEFAULT '',
  scale text NOT NULL DEFAULT '',
  history text NOT NULL DEFAULT '',
  honours jsonb NOT NULL DEFAULT '[]',
  leadership jsonb NOT NULL DEFAULT '[]',
  rules text NOT NULL DEFAULT '',
  phone text NOT NULL DEFAULT '',
  website text NOT NULL DEFAULT '',
  logo_url text NOT NULL DEFAULT '',
  updated_at timestamptz NOT NULL
);

CREATE TABLE campuses (
  id text PRIMARY KEY,
  name text NOT NULL,
  address text NOT NULL,
  -- GCJ-02 (the datum Tencent Maps uses)
  lat double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
  lng double precision NOT NULL CHECK (lng BETWEEN -180 AND 180),
  phone text NOT NULL DEFAULT '',
  opening_hours text NOT NULL DEFAULT '',
  transport text NOT NULL DEFAULT '',
  site_plan_url text NOT NULL DEFAULT '',
  sort integer NOT NULL DEFAULT 0,
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE buildings (
  id text PRIMARY KEY,
  campus_id text NOT NULL REFERENCES campuses(id),
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  sort integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX buildings_campus_idx ON buildings (campus_id, sort);

CREATE TABLE floors (
  id text PRIMARY KEY,
  building_id text NOT NULL REFERENCES buildings(id),
  label text NOT NULL,
  level integer NOT NULL,
  floor_plan_url text NOT NULL DEFAULT '',
  -- places on the floor that are not departments (收费处, 药房, 检验科采血处 ...)
  facilities jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (building_id, label)
);

CREATE TABLE departments (
  id text PRIMARY KEY,
  parent_id text REFERENCES departments(id),
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  name_initials text NOT NULL DEFAULT '',
  campus_id text REFERENCES campuses(id),
  floor_id text REFERENCES floors(id),
  location text NOT NULL DEFAULT '',
  phone text NOT NULL DEFAULT '',
  introduction text NOT NULL DEFAULT '',
  strengths text NOT NULL DEFAULT '',
  scope text NOT NULL DEFAULT '',
  staffing text NOT NULL DEFAULT '',
  sort integer NOT NULL DEFAULT 0,
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX departments_parent_idx ON departments (parent_id, sort);
CREATE INDEX departments_floor_idx ON departments (floor_id);

CREATE TABLE doctors (
  id text PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  name_initials text NOT NULL DEFAULT '',
  title text NOT NULL CHECK (title IN ('chief_physician', 'associate_chief', 'attending', 'resident')),
  gender text NOT NULL CHECK (gender IN ('male', 'female')),
  photo_url text NOT NULL DEFAULT '',
  specialties text[] NOT NULL DEFAULT '{}',
  introduction text NOT NULL DEFAULT '',
  enabled boolean NOT NULL DEFAULT true,
  sort integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX doctors_sort_idx ON doctors (sort, name);

CREATE TABLE doctor_departments (
  doctor_id text NOT NULL REFERENCES doctors(id) ON DELETE CASCADE,
  department_id text NOT NULL REFERENCES departments(id),
  sort integer NOT NULL DEFAULT 0,
  PRIMARY KEY (doctor_id, department_id)
);
CREATE INDEX doctor_departments_department_idx ON doctor_departments (department_id);

CREATE TABLE article_categories (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('announcement', 'guide', 'education', 'knowledge', 'encyclopedia', 'news')),
  name text NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  sort integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (name)
);

CREATE TABLE articles (
  id text PRIMARY KEY,
  category_id text NOT NULL REFERENCES article_categories(id),
  title text NOT NULL CHECK (length(btrim(title)) > 0),
  summary text NOT NULL DEFAULT '',
  cover_url text NOT NULL DEFAULT '',
  body text NOT NULL DEFAULT '',
  source text NOT NULL DEFAULT 'original' CHECK (source IN ('original', 'reprint')),
  source_name text NOT NULL DEFAULT '',
  author text NOT NULL DEFAULT '',
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
  published_at timestamptz,
  created_by text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (status = 'draft' OR published_at IS NOT NULL)
);
CREATE INDEX articles_published_idx ON articles (status, published_at DESC);
CREATE INDEX articles_category_idx ON articles (category_id);

CREATE TABLE price_items (
  id text PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  category text NOT NULL,
  spec text NOT NULL DEFAULT '',
  unit text NOT NULL DEFAULT '',
  price_fen integer NOT NULL CHECK (price_fen >= 0),
  -- every reading of the name's pinyin initials (polyphones), space separated: 'zzrydszsy czrydszsy'
  pinyin_initials text NOT NULL DEFAULT '',
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX price_items_category_idx ON price_items (category, name);

CREATE TABLE featured_disciplines (
  id text PRIMARY KEY,
  department_id text NOT NULL REFERENCES departments(id),
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  image_url text NOT NULL DEFAULT '',
  sort integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE recommended_doctors (
  id text PRIMARY KEY,
  doctor_id text NOT NULL UNIQUE REFERENCES doctors(id) ON DELETE CASCADE,
  reason text NOT NULL DEFAULT '',
  sort integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE doctor_follows (
  account_id text NOT NULL,
  doctor_id text NOT NULL REFERENCES doctors(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (account_id, doctor_id)
);
CREATE INDEX doctor_follows_doctor_idx ON doctor_follows (doctor_id);
