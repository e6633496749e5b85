/**
 * 查询记录 (PIPL Art. 45 right of access): for the chosen family member, every read of their records
 * by hospital staff (shown by role and department, never by name) or by another account holding
 * them (relation and masked phone), with the kind of record and the ground, newest first.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { ErrorBlock, InfiniteScroll, Tag } from 'antd-mobile';
import { accessGroundLabels, patientRecordKindLabels } from '@qingnang/contracts';
import type { AccessLogEntry, PatientsAccessLogListResponse } from '@qingnang/contracts/api/access-log';
import { ApiError, type Patient } from '../api';
import { get } from '../api/client';
import { Page, QueryView } from '../components/common';
import { ForPatient } from '../components/care';
import { dateTime } from '../format';
import { useI18n } from '../i18n';

const PAGE_SIZE = 20;

const accessLog = (patientId: string, page: number) =>
  get<PatientsAccessLogListResponse>(`/patients/${patientId}/access-log?page=${page}&pageSize=${PAGE_SIZE}`);

export function AccessLogPage() {
  const { t } = useI18n();
  return (
    <Page title={t('accessLogTitle')} testId="access-log-page">
      <ForPatient>{(p) => <AccessLogList patient={p} />}</ForPatient>
    </Page>
  );
}

function AccessLogList({ patient }: { patient: Patient }) {
  const { t, lang, code } = useI18n();
  const list = useInfiniteQuery({
    queryKey: ['access-log', patient.id],
    initialPageParam: 1,
    queryFn: ({ pageParam }) => accessLog(patient.id, pageParam),
    getNextPageParam: (last, all) => {
      const loaded = all.reduce((n, p) => n + p.items.length, 0);
      return loaded < last.total && last.items.length === PAGE_SIZE ? all.length + 1 : undefined;
    },
    retry: (n, err) => !(err instanceof ApiError && err.status === 404) && n < 2,
  });
  // Records not open to this account (identity not confirmed, consent pending) have no log to show.
  if (list.error instanceof ApiError && list.error.status === 404)
    return (
      <ErrorBlock
        status="empty"
        title={t('accessLogTitle')}
        description={t('accessLogClosed')}
        data-testid="access-log-closed"
      />
    );
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <div className="small muted padded" data-testid="access-log-intro">
        {t('accessLogIntro')}
      </div>
      <QueryView query={list} empty={() => rows.length === 0} emptyText={t('accessLogEmpty')}>
        {() => (
          <div data-testid="access-log-list">
            {rows.map((e) => (
              <div
                key={e.id}
                className="card padded"
                data-testid="access-log-item"
                data-kind={e.recordKind}
                data-ground={e.ground}
                data-object={e.objectId ?? undefined}
              >
                <div className="bill-head">
                  <span className="strong" data-testid="access-log-actor">
                    {e.actor.kind === 'staff'
                      ? [
                          e.actor.roles.map((r) => (lang === 'zh' ? r.zh : r.en)).join(' / '),
                          e.actor.department,
                        ]
                          .filter(Boolean)
                          .join(' · ')
                      : accountLabel(e.actor, lang, t)}
                  </span>
                  <Tag color={e.ground === 'consent' || e.ground === 'guardian' ? 'primary' : 'default'}>
                    {t('accessLogGround', { ground: code(accessGroundLabels, e.ground) })}
                  </Tag>
                </div>
                <div className="small" data-testid="access-log-what">
                  {t('accessLogViewed', { kind: code(patientRecordKindLabels, e.recordKind) })}
                </div>
                <div className="small muted">
                  {dateTime(e.at)} · {t('accessLogRef', { id: e.id })}
                </div>
              </div>
            ))}
            <InfiniteScroll
              loadMore={async () => void (await list.fetchNextPage())}
              hasMore={list.hasNextPage}
            />
          </div>
        )}
      </QueryView>
    </>
  );
}

function accountLabel(
  actor: Extract<AccessLogEntry['actor'], { kind: 'account' }>,
  lang: 'zh' | 'en',
  t: ReturnType<typeof useI18n>['t'],
): string {
  const relation = lang === 'zh' ? actor.relationZh : actor.relationEn;
  const who = relation ? t('accessLogAccount', { relation }) : t('accessLogAccountUnknown');
  return actor.phoneMasked ? `${who} ${actor.phoneMasked}` : who;
}
