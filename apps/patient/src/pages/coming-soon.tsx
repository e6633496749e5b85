import { Button, Result } from 'antd-mobile';
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
      {service && l(service.description) ? (
        <div className="card soon-card" data-testid="coming-soon-description">
          <p>{l(service.description)}</p>
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
