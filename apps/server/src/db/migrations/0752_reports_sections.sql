-- RPT-08: a physical-exam report has a summary (总检, the report's conclusion) and one part per
-- department (内科, 外科, 眼科, 检验 ...): each observation may name its section, each section its own conclusion.
ALTER TABLE report_observations ADD COLUMN section text;
CREATE TABLE report_sections (
  report_id text NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
  seq integer NOT NULL,
  name text NOT NULL,
  conclusion text,
  PRIMARY KEY (report_id, seq)
);
