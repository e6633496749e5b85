import { doctorTitleLabels } from '@qingnang/contracts';
import { useQuery } from '@tanstack/react-query';
import { Grid, Image, List, SearchBar } from 'antd-mobile';
import { useNavigate } from 'react-router';
import { directory } from '../api';
import { LanguageSwitch, Section } from '../components/common';
import { useI18n } from '../i18n';
import { allServices, primaryServiceKeys, serviceGroups, serviceLink, type Service } from '../services';

export function HomePage() {
  const { t, l, code } = useI18n();
  const navigate = useNavigate();
  const hospital = useQuery({ queryKey: ['hospital'], queryFn: directory.hospital });
  const notices = useQuery({
    queryKey: ['articles', 'announcement', 'home'],
    queryFn: () => directory.articles({ category: 'announcement', page: 1, pageSize: 3 }),
  });
  const featured = useQuery({ queryKey: ['featured-disciplines'], queryFn: directory.featuredDisciplines });
  const recommended = useQuery({ queryKey: ['recommended-doctors'], queryFn: directory.recommendedDoctors });
  const primary = primaryServiceKeys
    .map((key) => allServices.find((s) => s.key === key))
    .filter((s): s is Service => Boolean(s));

  return (
    <div className="home" data-testid="home-page">
      <header className="home-header">
        <div className="home-header-top">
          <div>
            <div className="home-welcome">{t('homeWelcome')}</div>
            <div className="home-hospital" data-testid="hospital-name">
              {hospital.data?.name ?? t('appName')}
            </div>
            {hospital.data?.level ? <div className="home-level">{hospital.data.level}</div> : null}
          </div>
          <LanguageSwitch />
        </div>
        <div onClick={() => navigate('/doctors')}>
          <SearchBar placeholder={t('homeSearchPlaceholder')} className="home-search" />
        </div>
      </header>

      <div className="card nine-grid" data-testid="service-grid">
        <Grid columns={3} gap={0}>
          {primary.map((service) => (
            <Grid.Item key={service.key}>
              <ServiceTile service={service} big testId={`service-${service.key}`} />
            </Grid.Item>
          ))}
        </Grid>
      </div>

      {notices.data && notices.data.items.length > 0 ? (
        <Section
          title={t('homeNotices')}
          extra={<a onClick={() => navigate('/articles?category=announcement')}>{t('more')}</a>}
        >
          <List>
            {notices.data.items.slice(0, 3).map((a) => (
              <List.Item key={a.id} onClick={() => navigate(`/articles/${a.id}`)} arrowIcon>
                <span className="ellipsis">{a.title}</span>
              </List.Item>
            ))}
          </List>
        </Section>
      ) : null}

      {featured.data && featured.data.length > 0 ? (
        <Section title={t('homeFeatured')}>
          <div className="hscroll" data-testid="featured-disciplines">
            {featured.data.map((f) => (
              <div
                key={f.id}
                className="featured-card"
                onClick={() => navigate(`/register/advance/departments/${f.departmentId}`)}
              >
                {f.imageUrl ? <Image src={f.imageUrl} height={64} fit="cover" /> : null}
                <div className="featured-title">{f.title}</div>
                <div className="featured-desc ellipsis2">{f.description}</div>
                <div className="featured-book">{t('homeBook')} ›</div>
              </div>
            ))}
          </div>
        </Section>
      ) : null}

      {recommended.data && recommended.data.length > 0 ? (
        <Section title={t('homeRecommended')} extra={<a onClick={() => navigate('/doctors')}>{t('more')}</a>}>
          <div className="hscroll">
            {recommended.data.map((r) => {
              const d = r.doctor ?? r;
              const id = r.doctorId ?? r.doctor?.id ?? r.id ?? '';
              return (
                <div key={id} className="doctor-card" onClick={() => navigate(`/doctors/${id}`)}>
                  <DoctorAvatar name={d.name ?? ''} photoUrl={d.photoUrl} />
                  <div className="doctor-card-name">{d.name}</div>
                  <div className="doctor-card-title">{code(doctorTitleLabels, d.title)}</div>
                  <div className="doctor-card-dept ellipsis">
                    {d.departments?.[0]?.name ?? d.departmentName}
                  </div>
                </div>
              );
            })}
          </div>
        </Section>
      ) : null}

      <Section title={t('homeAllServices')}>
        {serviceGroups.map((group) => (
          <div key={group.key} className="service-group" data-testid={`service-group-${group.key}`}>
            <div className="service-group-title">{l(group.name)}</div>
            <Grid columns={4} gap={4}>
              {group.services.map((service) => (
                <Grid.Item key={service.key}>
                  <ServiceTile service={service} testId={`grid-${service.key}`} />
                </Grid.Item>
              ))}
            </Grid>
          </div>
        ))}
      </Section>
      <div className="footer-note">{hospital.data?.phone ? `☎ ${hospital.data.phone}` : ''}</div>
    </div>
  );
}

function ServiceTile({ service, big, testId }: { service: Service; big?: boolean; testId: string }) {
  const { l, t } = useI18n();
  const navigate = useNavigate();
  return (
    <div
      className={`service-tile ${big ? 'big' : ''}`}
      data-testid={testId}
      data-built={service.path ? 'true' : 'false'}
      onClick={() => navigate(serviceLink(service))}
    >
      <div className="service-icon" style={{ background: `${service.color}1a`, color: service.color }}>
        {service.icon}
      </div>
      <div className="service-name">{l(service.name)}</div>
      {!service.path ? <div className="service-soon">{t('soonShort')}</div> : null}
    </div>
  );
}

export function DoctorAvatar({
  name,
  photoUrl,
  size = 48,
}: {
  name: string;
  photoUrl?: string;
  size?: number;
}) {
  if (photoUrl)
    return (
      <Image src={photoUrl} width={size} height={size} fit="cover" style={{ borderRadius: size / 2 }} lazy />
    );
  return (
    <div className="avatar" style={{ width: size, height: size, fontSize: size * 0.4 }}>
      {name.slice(0, 1)}
    </div>
  );
}
