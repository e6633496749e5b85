import { useQuery } from '@tanstack/react-query';
import { Image, List } from 'antd-mobile';
import { useNavigate } from 'react-router';
import { directory } from '../api';
import { Page, QueryView, RichText, Section } from '../components/common';
import { useI18n } from '../i18n';

export function HospitalPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const hospital = useQuery({ queryKey: ['hospital'], queryFn: directory.hospital });
  return (
    <Page title={t('hospitalTitle')} testId="hospital-page">
      <QueryView query={hospital}>
        {(h) => (
          <>
            <div className="hospital-hero">
              {h.logoUrl ? <Image src={h.logoUrl} width={56} height={56} fit="contain" /> : null}
              <div>
                <div className="hospital-name">{h.name}</div>
                {h.level ? <div className="hospital-level">{h.level}</div> : null}
              </div>
            </div>
            <Section className="card">
              <RichText value={h.introduction} testId="hospital-introduction" />
            </Section>
            {h.scale ? (
              <Section title={t('hospitalScale')} className="card">
                <RichText value={h.scale} />
              </Section>
            ) : null}
            {h.history ? (
              <Section title={t('hospitalHistory')} className="card">
                <RichText value={h.history} />
              </Section>
            ) : null}
            {h.honours && h.honours.length > 0 ? (
              <Section title={t('hospitalHonours')} className="card">
                <ul className="bullets">
                  {h.honours.map((x) => (
                    <li key={x}>{x}</li>
                  ))}
                </ul>
              </Section>
            ) : null}
            {h.leadership && h.leadership.length > 0 ? (
              <Section title={t('hospitalLeadership')} className="card">
                <List>
                  {h.leadership.map((p) => (
                    <List.Item key={p.name + p.position} description={p.introduction}>
                      {p.name} <span className="muted small">{p.position}</span>
                    </List.Item>
                  ))}
                </List>
              </Section>
            ) : null}
            {h.rules ? (
              <Section title={t('hospitalRules')} className="card">
                <RichText value={h.rules} />
              </Section>
            ) : null}
            <List className="card">
              {h.phone ? (
                <List.Item extra={<a href={`tel:${h.phone}`}>{h.phone}</a>}>{t('hospitalContact')}</List.Item>
              ) : null}
              <List.Item arrowIcon onClick={() => navigate('/campuses')}>
                {t('hospitalCampuses')}
              </List.Item>
              <List.Item arrowIcon onClick={() => navigate('/departments')}>
                {t('departmentsTitle')}
              </List.Item>
            </List>
          </>
        )}
      </QueryView>
    </Page>
  );
}
