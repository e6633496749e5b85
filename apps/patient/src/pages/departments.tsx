import { useQuery } from '@tanstack/react-query';
import { Button, List } from 'antd-mobile';
import { useNavigate, useParams } from 'react-router';
import { directory } from '../api';
import { Page, QueryView, RichText, Section } from '../components/common';
import { DepartmentPicker } from '../components/department-picker';
import { useI18n } from '../i18n';
import { DoctorRow } from './doctors';

export function DepartmentsPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <Page title={t('departmentsTitle')} testId="departments-page">
      <DepartmentPicker onPick={(d) => navigate(`/departments/${d.id}`)} />
    </Page>
  );
}

export function DepartmentPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const navigate = useNavigate();
  const department = useQuery({ queryKey: ['department', id], queryFn: () => directory.department(id) });
  return (
    <Page
      title={department.data?.name ?? t('departmentsTitle')}
      testId="department-page"
      footer={
        <Button
          block
          color="primary"
          data-testid="department-book"
          onClick={() => navigate(`/register/advance/departments/${id}`)}
        >
          {t('departmentBook')}
        </Button>
      }
    >
      <QueryView query={department}>
        {(d) => (
          <>
            <div className="dept-hero">
              <div className="dept-hero-name" data-testid="department-name">
                {d.name}
              </div>
              {d.location || d.campus ? (
                <div className="muted small" data-testid="department-location">
                  {t('departmentLocation')}
                  {t('colon')}
                  {[
                    d.campus?.name ?? d.campusName,
                    d.floor ? `${d.floor.buildingName ?? ''} ${d.floor.label}` : '',
                    d.location,
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </div>
              ) : null}
              {d.campus?.navigationUrl ? (
                <a
                  className="small"
                  href={d.campus.navigationUrl}
                  target="_blank"
                  rel="noreferrer"
                  data-testid="department-navigate"
                >
                  {t('campusNavigate')} ›
                </a>
              ) : null}
              {d.phone ? (
                <div className="small">
                  ☎ <a href={`tel:${d.phone}`}>{d.phone}</a>
                </div>
              ) : null}
            </div>
            {d.introduction ? (
              <Section title={t('departmentIntro')} className="card">
                <RichText value={d.introduction} testId="department-introduction" />
              </Section>
            ) : null}
            {d.strengths ? (
              <Section title={t('departmentStrengths')} className="card">
                <RichText value={d.strengths} />
              </Section>
            ) : null}
            {d.scope ? (
              <Section title={t('departmentScope')} className="card">
                <RichText value={d.scope} />
              </Section>
            ) : null}
            {d.staffing ? (
              <Section title={t('departmentStaffing')} className="card">
                <RichText value={d.staffing} />
              </Section>
            ) : null}
            {d.children && d.children.length > 0 ? (
              <List className="card">
                {d.children.map((c) => (
                  <List.Item key={c.id} arrowIcon onClick={() => navigate(`/departments/${c.id}`)}>
                    {c.name}
                  </List.Item>
                ))}
              </List>
            ) : null}
            <Section title={t('departmentDoctors')} className="card">
              {d.doctors && d.doctors.length > 0 ? (
                <List data-testid="doctor-list">
                  {d.doctors.map((doc) => (
                    <DoctorRow key={doc.id} doctor={doc} />
                  ))}
                </List>
              ) : (
                <div className="muted padded">{t('empty')}</div>
              )}
            </Section>
          </>
        )}
      </QueryView>
    </Page>
  );
}
