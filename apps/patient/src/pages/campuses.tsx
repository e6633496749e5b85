import { useQuery } from '@tanstack/react-query';
import { Button, Collapse, Image, List } from 'antd-mobile';
import { LocationOutline } from 'antd-mobile-icons';
import { useNavigate, useParams } from 'react-router';
import { directory, type Campus } from '../api';
import { Page, QueryView, Section } from '../components/common';
import { useI18n } from '../i18n';

/** A Tencent Maps marker link when the server gave no navigation URL (DIR-06). */
function navigationUrl(c: Campus): string | undefined {
  if (c.navigationUrl) return c.navigationUrl;
  if (c.lat === undefined || c.lng === undefined) return undefined;
  return `https://apis.map.qq.com/uri/v1/marker?marker=coord:${c.lat},${c.lng};title:${encodeURIComponent(
    c.name,
  )};addr:${encodeURIComponent(c.address)}&referer=qingnang`;
}

export function CampusesPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const campuses = useQuery({ queryKey: ['campuses'], queryFn: directory.campuses });
  return (
    <Page title={t('campusesTitle')} testId="campuses-page">
      <QueryView query={campuses} empty={(x) => x.length === 0}>
        {(list) => (
          <>
            {list.map((c) => (
              <div key={c.id} className="card campus-card" data-testid="campus-item">
                <div className="campus-name" onClick={() => navigate(`/campuses/${c.id}`)}>
                  {c.name} <span className="muted small">›</span>
                </div>
                <CampusFacts campus={c} />
                <div className="campus-actions">
                  <NavigateButton campus={c} />
                  <Button size="small" fill="outline" onClick={() => navigate(`/campuses/${c.id}`)}>
                    {t('campusFloors')}
                  </Button>
                </div>
              </div>
            ))}
          </>
        )}
      </QueryView>
    </Page>
  );
}

function CampusFacts({ campus: c }: { campus: Campus }) {
  const { t } = useI18n();
  return (
    <div className="campus-facts small">
      <div>
        <span className="muted">
          {t('campusAddress')}
          {t('colon')}
        </span>
        {c.address}
      </div>
      {c.phone ? (
        <div>
          <span className="muted">
            {t('campusPhone')}
            {t('colon')}
          </span>
          <a href={`tel:${c.phone}`}>{c.phone}</a>
        </div>
      ) : null}
      {c.openingHours ? (
        <div>
          <span className="muted">
            {t('campusHours')}
            {t('colon')}
          </span>
          {c.openingHours}
        </div>
      ) : null}
      {c.transport ? (
        <div>
          <span className="muted">
            {t('campusTransport')}
            {t('colon')}
          </span>
          {c.transport}
        </div>
      ) : null}
    </div>
  );
}

function NavigateButton({ campus }: { campus: Campus }) {
  const { t } = useI18n();
  const url = navigationUrl(campus);
  if (!url) return null;
  return (
    <a
      className="adm-button adm-button-primary adm-button-small nav-link"
      href={url}
      target="_blank"
      rel="noreferrer"
      data-testid="campus-navigate"
    >
      <LocationOutline /> {t('campusNavigate')}
    </a>
  );
}

export function CampusPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const navigate = useNavigate();
  const campus = useQuery({ queryKey: ['campus', id], queryFn: () => directory.campus(id) });
  return (
    <Page title={campus.data?.name ?? t('campusesTitle')} testId="campus-page">
      <QueryView query={campus}>
        {(c) => (
          <>
            <div className="card campus-card">
              <div className="campus-name">{c.name}</div>
              <CampusFacts campus={c} />
              <div className="campus-actions">
                <NavigateButton campus={c} />
              </div>
            </div>
            {c.sitePlanUrl ? (
              <Section title={t('campusSitePlan')} className="card">
                <Image src={c.sitePlanUrl} fit="contain" />
              </Section>
            ) : null}
            {c.buildings && c.buildings.length > 0 ? (
              <Section title={t('campusFloors')} className="card">
                <Collapse defaultActiveKey={c.buildings[0] ? [c.buildings[0].id] : []}>
                  {c.buildings.map((b) => (
                    <Collapse.Panel key={b.id} title={b.name}>
                      {b.description ? <p className="small muted">{b.description}</p> : null}
                      <List>
                        {(b.floors ?? []).map((f) => (
                          <List.Item
                            key={f.id}
                            data-testid="floor-item"
                            prefix={<span className="floor-label">{f.label}</span>}
                            description={
                              f.facilities && f.facilities.length > 0 ? f.facilities.join('、') : undefined
                            }
                          >
                            {(f.departments ?? []).length > 0
                              ? (f.departments ?? []).map((d, i) => (
                                  <span
                                    key={(d.departmentId ?? d.id ?? '') + i}
                                    className="floor-dept"
                                    onClick={() =>
                                      d.departmentId && navigate(`/departments/${d.departmentId}`)
                                    }
                                  >
                                    {d.departmentName ?? d.name}
                                    {d.location ? (
                                      <span className="muted small">（{d.location}）</span>
                                    ) : null}
                                  </span>
                                ))
                              : '—'}
                            {f.floorPlanUrl ? (
                              <Image src={f.floorPlanUrl} fit="contain" className="floor-plan" lazy />
                            ) : null}
                          </List.Item>
                        ))}
                      </List>
                    </Collapse.Panel>
                  ))}
                </Collapse>
              </Section>
            ) : null}
            {c.departmentLocations && c.departmentLocations.length > 0 ? (
              <Section title={t('campusDepartments')} className="card">
                <List>
                  {c.departmentLocations.map((d, i) => (
                    <List.Item
                      key={(d.departmentId ?? d.id ?? '') + i}
                      extra={<span className="small">{d.location}</span>}
                      onClick={() =>
                        (d.departmentId ?? d.id) && navigate(`/departments/${d.departmentId ?? d.id}`)
                      }
                    >
                      {d.departmentName ?? d.name}
                    </List.Item>
                  ))}
                </List>
              </Section>
            ) : null}
          </>
        )}
      </QueryView>
    </Page>
  );
}
