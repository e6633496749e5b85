import { Button, Result, Tag } from 'antd-mobile';
import { ClockCircleOutline } from 'antd-mobile-icons';
import { useNavigate, useParams } from 'react-router';
import { Page } from '../components/common';
import { useI18n } from '../i18n';
import { findService } from '../services';

/** Every service that is not built yet lands here, named, so the grid never dead-ends. */
export function ComingSoonPage() {
  const { key = '' } = useParams();
  const { t, l } = useI18n();
  const navigate = useNavigate();
  const service = findService(key);
  const name = service ? l(service.name) : t('soonUnknown');
  return (
    <Page title={service ? name : t('soonTitle')} testId="coming-soon-page">
      <Result
        icon={<ClockCircleOutline style={{ color: service?.color ?? '#1677ff' }} />}
        status="waiting"
        title={<span data-testid="coming-soon-title">{t('soonTitle')}</span>}
        description={<span data-testid="coming-soon-service">{t('soonBody', { name })}</span>}
      />
      {service ? (
        <div className="card soon-card">
          {l(service.description) ? <p>{l(service.description)}</p> : null}
          <div className="soon-features">
            <span>
              {t('soonFeatures')}
              {t('colon')}
            </span>
            {service.features.map((f) => (
              <Tag key={f} color="primary" fill="outline" style={{ marginRight: 4 }}>
                {f}
              </Tag>
            ))}
          </div>
        </div>
      ) : null}
      <div className="padded">
        <Button block color="primary" onClick={() => navigate('/')} data-testid="coming-soon-home">
          {t('backHome')}
        </Button>
      </div>
    </Page>
  );
}
