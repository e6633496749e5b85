import { useEffect, useState } from 'react';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Dialog, InfiniteScroll, List, Toast } from 'antd-mobile';
import {
  BellOutline,
  GlobalOutline,
  HeartOutline,
  LockOutline,
  TeamOutline,
  UnorderedListOutline,
  UserCircleOutline,
  BankcardOutline,
  ReceiptOutline,
  FileOutline,
  ContentOutline,
  AppOutline,
} from 'antd-mobile-icons';
import { QRCodeSVG } from 'qrcode.react';
import { useNavigate } from 'react-router';
import { auth, messages, patients, type Message } from '../api';
import { errorText, LanguageSwitch, Page, QueryView, TextInput, useLoggedIn } from '../components/common';
import { dateTime } from '../format';
import { useI18n } from '../i18n';
import { CardsSection, PatientTags } from './patients';

export function MePage() {
  const { t, lang, setLang } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const loggedIn = useLoggedIn();
  const me = useQuery({ queryKey: ['me'], queryFn: auth.me, enabled: loggedIn });
  const unread = useQuery({
    queryKey: ['messages', 'unread'],
    queryFn: messages.unreadCount,
    enabled: loggedIn,
  });
  const go = (path: string) => navigate(loggedIn ? path : `/login?redirect=${encodeURIComponent(path)}`);

  const logout = async () => {
    const ok = await Dialog.confirm({
      content: t('meLogoutConfirm'),
      confirmText: t('meLogout'),
      cancelText: t('cancel'),
    });
    if (!ok) return;
    try {
      await auth.logout();
    } catch {
      // the local session is cleared even if the server call fails
    }
    queryClient.clear();
    Toast.show({ content: t('meLoggedOut') });
    navigate('/', { replace: true });
  };

  return (
    <div className="me" data-testid="me-page">
      <header className="me-header">
        <div className="me-header-right">
          <LanguageSwitch />
        </div>
        <div className="me-account" onClick={() => (loggedIn ? undefined : navigate('/login?redirect=/me'))}>
          <UserCircleOutline fontSize={56} />
          <div>
            <div className="me-phone" data-testid="me-phone">
              {loggedIn ? (me.data?.phoneMasked ?? '…') : t('meNotLoggedIn')}
            </div>
            {!loggedIn ? (
              <div className="small" data-testid="me-login">
                {t('meTapToLogin')} ›
              </div>
            ) : null}
          </div>
        </div>
      </header>
      <List className="card">
        <List.Item
          prefix={<TeamOutline />}
          arrowIcon
          onClick={() => go('/patients')}
          data-testid="me-patients"
        >
          {t('mePatients')}
        </List.Item>
        <List.Item prefix={<BankcardOutline />} arrowIcon onClick={() => go('/cards')} data-testid="me-cards">
          {t('meCards')}
        </List.Item>
        <List.Item
          prefix={<LockOutline />}
          arrowIcon
          onClick={() => go('/access-log')}
          data-testid="me-access-log"
        >
          {t('accessLogEntry')}
        </List.Item>
        <List.Item
          prefix={<UnorderedListOutline />}
          arrowIcon
          onClick={() => go('/registrations')}
          data-testid="me-registrations"
        >
          {t('meRegistrations')}
        </List.Item>
        <List.Item
          prefix={<ReceiptOutline />}
          arrowIcon
          onClick={() => go('/my-payments')}
          data-testid="me-payments"
        >
          {t('billPaymentsTitle')}
        </List.Item>
        <List.Item
          prefix={<FileOutline />}
          arrowIcon
          onClick={() => go('/einvoices')}
          data-testid="me-einvoices"
        >
          {t('einvoicesTitle')}
        </List.Item>
        <List.Item
          prefix={<ContentOutline />}
          arrowIcon
          onClick={() => go('/reports')}
          data-testid="me-reports"
        >
          {t('reportsTitle')}
        </List.Item>
        <List.Item
          prefix={<AppOutline />}
          arrowIcon
          onClick={() => go('/inpatient')}
          data-testid="me-inpatient"
        >
          {t('inpTitle')}
        </List.Item>
        <List.Item
          prefix={<HeartOutline />}
          arrowIcon
          onClick={() => go('/followed-doctors')}
          data-testid="me-followed"
        >
          {t('meFollowed')}
        </List.Item>
        <List.Item
          prefix={<BellOutline />}
          arrowIcon
          onClick={() => go('/messages')}
          data-testid="me-messages"
          extra={unread.data && unread.data.unread > 0 ? <Badge content={unread.data.unread} /> : undefined}
        >
          {t('meMessages')}
        </List.Item>
      </List>
      <List className="card">
        {loggedIn ? (
          <List.Item
            prefix={<LockOutline />}
            arrowIcon
            onClick={() => go('/password')}
            data-testid="me-password"
          >
            {me.data && !me.data.hasPassword ? t('meSetPassword') : t('mePassword')}
          </List.Item>
        ) : null}
        <List.Item
          prefix={<GlobalOutline />}
          extra={lang === 'zh' ? '简体中文' : 'English'}
          onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
          data-testid="me-language"
        >
          {t('meLanguage')}
        </List.Item>
      </List>
      {loggedIn ? (
        <div className="padded">
          <Button block color="danger" fill="outline" onClick={logout} data-testid="logout">
            {t('meLogout')}
          </Button>
        </div>
      ) : null}
    </div>
  );
}

export function CardsPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: ['patients', 'list'], queryFn: patients.list });
  return (
    <Page title={t('cardsTitle')} testId="cards-page">
      <QueryView query={list} empty={(x) => x.length === 0} emptyText={t('patientsEmpty')}>
        {(items) => (
          <>
            {items.map((p) => (
              <div key={p.id} className="card" data-testid="cards-patient">
                <div className="patient-card-head padded-x" onClick={() => navigate(`/patients/${p.id}`)}>
                  <span className="strong">{p.name}</span>
                  <span className="muted small">{p.idNumberMasked}</span>
                  <PatientTags patient={p} />
                </div>
                {p.visitCardNo ? (
                  // the electronic visit card: the code the hospital's kiosks and counters scan
                  <div className="qr center padded" data-testid="visit-card-qr" data-card-no={p.visitCardNo}>
                    <QRCodeSVG value={p.visitCardNo} size={148} level="M" />
                    <div className="strong">{p.visitCardNo}</div>
                    <div className="small muted">{t('visitCardBarcodeHint')}</div>
                  </div>
                ) : null}
                <CardsSection
                  patient={p}
                  onChanged={() => queryClient.invalidateQueries({ queryKey: ['patients'] })}
                />
              </div>
            ))}
          </>
        )}
      </QueryView>
      <div className="padded">
        <Button block fill="outline" color="primary" onClick={() => navigate('/patients/new')}>
          {t('patientsAdd')}
        </Button>
      </div>
    </Page>
  );
}

export function MessagesPage() {
  const { t, l } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const list = useInfiniteQuery({
    queryKey: ['messages', 'list'],
    initialPageParam: 1,
    queryFn: ({ pageParam }) => messages.list(pageParam, 20),
    getNextPageParam: (last, all) => {
      const loaded = all.reduce((n, p) => n + p.items.length, 0);
      if (last.items.length < 20) return undefined;
      if (last.total !== undefined && loaded >= last.total) return undefined;
      return all.length + 1;
    },
  });
  const read = useMutation({
    mutationFn: (id: string) => messages.markRead(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['messages'] }),
  });
  const unread = useQuery({ queryKey: ['messages', 'unread'], queryFn: messages.unreadCount });
  const readAll = useMutation({
    mutationFn: () => messages.markAllRead(),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['messages'] }),
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  // Opening the centre is reading it: what was unread is marked read on the server (the tab badge
  // goes down) and keeps its dot for this visit, so the patient still sees what was new.
  const [newThisVisit, setNewThisVisit] = useState<Set<string> | null>(null);
  const firstPageLoaded = list.isSuccess;
  useEffect(() => {
    if (!firstPageLoaded || newThisVisit) return;
    const fresh = new Set(items.filter((m) => !m.read).map((m) => m.id));
    setNewThisVisit(fresh);
    if (fresh.size > 0) readAll.mutate();
  }, [firstPageLoaded, newThisVisit, items, readAll]);
  const text = (x: Message['title']) => (typeof x === 'string' ? x : l(x));
  const open = (m: Message) => {
    if (!m.read) read.mutate(m.id);
    if (m.link && m.link.startsWith('/')) navigate(m.link);
  };
  const unreadNow = unread.data?.unread ?? 0;
  return (
    <Page
      title={t('messagesTitle')}
      back={false}
      testId="messages-page"
      right={
        <Button
          size="mini"
          fill="none"
          disabled={unreadNow === 0 || readAll.isPending}
          onClick={() => readAll.mutate()}
          data-testid="messages-read-all"
          data-unread={unreadNow}
        >
          {t('messagesMarkAllRead')}
        </Button>
      }
    >
      <QueryView query={list} empty={() => items.length === 0} emptyText={t('messagesEmpty')}>
        {() => (
          <>
            <List data-testid="message-list">
              {items.map((m) => (
                <List.Item
                  key={m.id}
                  data-testid="message-item"
                  data-read={m.read ? 'true' : 'false'}
                  onClick={() => open(m)}
                  arrowIcon={Boolean(m.link)}
                  description={
                    <>
                      <div className="message-body">{text(m.body)}</div>
                      <div className="small muted">{dateTime(m.createdAt)}</div>
                    </>
                  }
                >
                  {!m.read || newThisVisit?.has(m.id) ? (
                    <Badge content={Badge.dot} style={{ marginRight: 6 }} data-testid="message-new" />
                  ) : null}
                  <span className="strong">{text(m.title)}</span>
                </List.Item>
              ))}
            </List>
            <InfiniteScroll
              loadMore={async () => void (await list.fetchNextPage())}
              hasMore={list.hasNextPage}
            />
          </>
        )}
      </QueryView>
    </Page>
  );
}

export function ChangePasswordPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const me = useQuery({ queryKey: ['me'], queryFn: auth.me });
  const [oldPassword, setOld] = useState('');
  const [newPassword, setNew] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const hasPassword = me.data?.hasPassword ?? true;
  const submit = async () => {
    setError(null);
    if (newPassword.length < 8 || !/[A-Za-z]/.test(newPassword) || !/\d/.test(newPassword))
      return setError(t('passwordRule'));
    if (newPassword !== repeat) return setError(t('passwordMismatch'));
    setBusy(true);
    try {
      await auth.changePassword({ oldPassword: hasPassword ? oldPassword : undefined, newPassword });
      Toast.show({ icon: 'success', content: t('passwordChanged') });
      navigate('/me', { replace: true });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Page title={hasPassword ? t('passwordTitle') : t('meSetPassword')} testId="password-page">
      <div className="form card">
        {hasPassword ? (
          <label className="form-row">
            <span className="form-label">{t('passwordOld')}</span>
            <TextInput
              testId="password-old"
              type="password"
              value={oldPassword}
              onChange={setOld}
              maxLength={128}
              autoComplete="current-password"
            />
          </label>
        ) : null}
        <label className="form-row">
          <span className="form-label">{t('passwordNew')}</span>
          <TextInput
            testId="password-new"
            type="password"
            value={newPassword}
            onChange={setNew}
            maxLength={128}
            autoComplete="new-password"
            placeholder={t('passwordRule')}
          />
        </label>
        <label className="form-row">
          <span className="form-label">{t('passwordRepeat')}</span>
          <TextInput
            testId="password-repeat"
            type="password"
            value={repeat}
            onChange={setRepeat}
            maxLength={128}
            autoComplete="new-password"
          />
        </label>
      </div>
      {error ? (
        <div className="form-error padded-x" role="alert" data-testid="password-error">
          {error}
        </div>
      ) : null}
      <div className="padded">
        <Button block color="primary" loading={busy} onClick={submit} data-testid="password-submit">
          {t('save')}
        </Button>
      </div>
    </Page>
  );
}
