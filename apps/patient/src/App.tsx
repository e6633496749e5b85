import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { ConfigProvider, TabBar } from 'antd-mobile';
import enUS from 'antd-mobile/es/locales/en-US';
import zhCN from 'antd-mobile/es/locales/zh-CN';
import { AppOutline, MessageOutline, UnorderedListOutline, UserOutline } from 'antd-mobile-icons';
import { lazy, Suspense, useLayoutEffect, useRef, type ComponentType, type ReactNode } from 'react';
import {
  BrowserRouter,
  Navigate,
  Outlet,
  Route,
  Routes,
  useLocation,
  useNavigate,
  useNavigationType,
} from 'react-router';
import { ApiError, messages } from './api';
import { Loading, RequireLogin, useLoggedIn } from './components/common';
import { I18nProvider, useI18n } from './i18n';
import { ArticlePage, ArticlesPage } from './pages/articles';
import { CampusesPage, CampusPage } from './pages/campuses';
import { CashierPage } from './pages/cashier';
import { ComingSoonPage } from './pages/coming-soon';
import { DepartmentPage, DepartmentsPage } from './pages/departments';
import { DoctorPage, DoctorsPage, FollowedDoctorsPage } from './pages/doctors';
import { HomePage } from './pages/home';
import { HospitalPage } from './pages/hospital';
import { PrivacyPage, TermsPage } from './pages/legal';
import { LoginPage } from './pages/login';
import { CardsPage, ChangePasswordPage, MePage, MessagesPage } from './pages/me';
import { AddPatientPage, PatientPage, PatientsPage } from './pages/patients';
import { PricesPage } from './pages/prices';
import {
  ConfirmRegistrationPage,
  DepartmentSchedulesPage,
  DoctorSchedulesPage,
  RegisterPage,
} from './pages/register';
import { RegistrationPage, RegistrationsPage } from './pages/registrations';

/** The care pages (bills, reports, inpatient, insurance, exams...) load on first use. */
function page<M, K extends keyof M>(load: () => Promise<M>, name: K) {
  return lazy(async () => ({ default: (await load())[name] as ComponentType }));
}
const bills = () => import('./pages/bills');
const BillsPage = page(bills, 'BillsPage');
const BillPage = page(bills, 'BillPage');
const BillPaymentPage = page(bills, 'BillPaymentPage');
const MyPaymentsPage = page(() => import('./pages/my-payments'), 'MyPaymentsPage');
const CreditPage = page(() => import('./pages/credit'), 'CreditPage');
const einvoices = () => import('./pages/einvoices');
const EInvoicesPage = page(einvoices, 'EInvoicesPage');
const EInvoicePage = page(einvoices, 'EInvoicePage');
const exams = () => import('./pages/exams');
const ExamsPage = page(exams, 'ExamsPage');
const ExamPackagePage = page(exams, 'ExamPackagePage');
const ExamBookingsPage = page(exams, 'ExamBookingsPage');
const ExamBookingPage = page(exams, 'ExamBookingPage');
const inpatient = () => import('./pages/inpatient');
const InpatientPage = page(inpatient, 'InpatientPage');
const AdmissionPage = page(inpatient, 'AdmissionPage');
const DailyListPage = page(inpatient, 'DailyListPage');
const insurance = () => import('./pages/insurance');
const InsurancePage = page(insurance, 'InsurancePage');
const InsurancePayPage = page(insurance, 'InsurancePayPage');
const InsuranceSettlementsPage = page(insurance, 'InsuranceSettlementsPage');
const InsuranceSettlementPage = page(insurance, 'InsuranceSettlementPage');
const SecondarySettlementPage = page(insurance, 'SecondarySettlementPage');
const reports = () => import('./pages/reports');
const ReportsPage = page(reports, 'ReportsPage');
const ReportPage = page(reports, 'ReportPage');
const HealthRecordPage = page(reports, 'HealthRecordPage');
const TrendPage = page(reports, 'TrendPage');
const ExamReportPage = page(reports, 'ExamReportPage');
const visits = () => import('./pages/visits');
const VisitsPage = page(visits, 'VisitsPage');
const VisitPage = page(visits, 'VisitPage');
const GuideSheetPage = page(visits, 'GuideSheetPage');
const MedicationsPage = page(() => import('./pages/medications'), 'MedicationsPage');
const AccessLogPage = page(() => import('./pages/access-log'), 'AccessLogPage');
const prescriptionPages = () => import('./pages/prescriptions');
const PrescriptionsPage = page(prescriptionPages, 'PrescriptionsPage');
const PrescriptionPage = page(prescriptionPages, 'PrescriptionPage');

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
    },
  },
});

export function App() {
  return (
    <I18nProvider>
      <LocalizedShell>
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <ScrollByHistory />
            <Suspense fallback={<Loading />}>
              <AppRoutes />
            </Suspense>
          </BrowserRouter>
        </QueryClientProvider>
      </LocalizedShell>
    </I18nProvider>
  );
}

function LocalizedShell({ children }: { children: ReactNode }) {
  const { lang } = useI18n();
  return <ConfigProvider locale={lang === 'zh' ? zhCN : enUS}>{children}</ConfigProvider>;
}

/**
 * Each page opens at its top; going back returns to where the patient left the earlier page
 * (react-router's ScrollRestoration needs a data router, this app uses BrowserRouter).
 */
function ScrollByHistory() {
  const location = useLocation();
  const navigationType = useNavigationType();
  const positions = useRef(new Map<string, number>());
  useLayoutEffect(() => {
    if ('scrollRestoration' in window.history) window.history.scrollRestoration = 'manual';
  }, []);
  useLayoutEffect(() => {
    const key = location.key;
    const saved = positions.current.get(key);
    let frame = 0;
    if (navigationType === 'POP' && saved !== undefined) {
      // the page's content may still be loading: try for a few frames until it is tall enough
      let tries = 0;
      const restore = () => {
        window.scrollTo(0, saved);
        if (Math.abs(window.scrollY - saved) > 1 && tries++ < 120) frame = requestAnimationFrame(restore);
      };
      restore();
    } else {
      window.scrollTo(0, 0);
    }
    const remember = () => positions.current.set(key, window.scrollY);
    window.addEventListener('scroll', remember, { passive: true });
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener('scroll', remember);
    };
  }, [location.key, navigationType]);
  return null;
}

const authed = (node: ReactNode) => <RequireLogin>{node}</RequireLogin>;

function AppRoutes() {
  return (
    <Routes>
      <Route element={<TabLayout />}>
        <Route path="/" element={<HomePage />} />
        <Route path="/registrations" element={authed(<RegistrationsPage />)} />
        <Route path="/messages" element={authed(<MessagesPage />)} />
        <Route path="/me" element={<MePage />} />
      </Route>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/legal/terms" element={<TermsPage />} />
      <Route path="/legal/privacy" element={<PrivacyPage />} />
      <Route path="/soon/:key" element={<ComingSoonPage />} />
      <Route path="/hospital" element={<HospitalPage />} />
      <Route path="/departments" element={<DepartmentsPage />} />
      <Route path="/departments/:id" element={<DepartmentPage />} />
      <Route path="/doctors" element={<DoctorsPage />} />
      <Route path="/doctors/:id" element={<DoctorPage />} />
      <Route path="/articles" element={<ArticlesPage />} />
      <Route path="/articles/:id" element={<ArticlePage />} />
      <Route path="/prices" element={<PricesPage />} />
      <Route path="/campuses" element={<CampusesPage />} />
      <Route path="/campuses/:id" element={<CampusPage />} />
      <Route path="/patients" element={authed(<PatientsPage />)} />
      <Route path="/patients/new" element={authed(<AddPatientPage />)} />
      <Route path="/patients/:id" element={authed(<PatientPage />)} />
      <Route path="/access-log" element={authed(<AccessLogPage />)} />
      <Route path="/cards" element={authed(<CardsPage />)} />
      <Route path="/followed-doctors" element={authed(<FollowedDoctorsPage />)} />
      <Route path="/password" element={authed(<ChangePasswordPage />)} />
      <Route path="/register/:mode" element={<RegisterPage />} />
      <Route path="/register/:mode/departments/:departmentId" element={<DepartmentSchedulesPage />} />
      <Route path="/register/:mode/doctors/:doctorId" element={<DoctorSchedulesPage />} />
      <Route path="/register/confirm/:scheduleId" element={authed(<ConfirmRegistrationPage />)} />
      <Route path="/registrations/:id" element={authed(<RegistrationPage />)} />
      <Route path="/cashier/:orderNo" element={<CashierPage />} />
      <Route path="/bills" element={authed(<BillsPage />)} />
      <Route path="/bills/:id" element={authed(<BillPage />)} />
      {/* one 我的缴费: the bill-payment list was a second, partial copy of it */}
      <Route path="/bill-payments" element={<Navigate to="/my-payments" replace />} />
      <Route path="/bill-payments/:id" element={authed(<BillPaymentPage />)} />
      <Route path="/my-payments" element={authed(<MyPaymentsPage />)} />
      <Route path="/einvoices" element={authed(<EInvoicesPage />)} />
      <Route path="/einvoices/:id" element={authed(<EInvoicePage />)} />
      <Route path="/reports" element={authed(<ReportsPage />)} />
      <Route path="/reports/:id" element={authed(<ReportPage />)} />
      <Route path="/health-record" element={authed(<HealthRecordPage />)} />
      <Route path="/health-record/trend" element={authed(<TrendPage />)} />
      <Route path="/insurance" element={authed(<InsurancePage />)} />
      <Route path="/insurance/pay" element={authed(<InsurancePayPage />)} />
      <Route path="/insurance/secondary" element={authed(<SecondarySettlementPage />)} />
      <Route path="/prescriptions" element={authed(<PrescriptionsPage />)} />
      <Route path="/prescriptions/:id" element={authed(<PrescriptionPage />)} />
      <Route path="/insurance/settlements" element={authed(<InsuranceSettlementsPage />)} />
      <Route path="/insurance/settlements/:id" element={authed(<InsuranceSettlementPage />)} />
      <Route path="/visits" element={authed(<VisitsPage />)} />
      <Route path="/visits/:id" element={authed(<VisitPage />)} />
      <Route path="/medications" element={authed(<MedicationsPage />)} />
      <Route path="/guide-sheet" element={authed(<GuideSheetPage />)} />
      <Route path="/credit" element={authed(<CreditPage />)} />
      <Route path="/exams" element={authed(<ExamsPage />)} />
      <Route path="/exam-packages/:id" element={authed(<ExamPackagePage />)} />
      <Route path="/exam-bookings" element={authed(<ExamBookingsPage />)} />
      <Route path="/exam-bookings/:id" element={authed(<ExamBookingPage />)} />
      <Route path="/exam-report" element={<ExamReportPage />} />
      <Route path="/inpatient" element={authed(<InpatientPage />)} />
      <Route path="/inpatient/:id" element={authed(<AdmissionPage />)} />
      <Route path="/inpatient/:id/daily" element={authed(<DailyListPage />)} />
      {/* the links of the server's notifications (low balance, daily list, exam booking) */}
      <Route path="/admissions/:id" element={authed(<AdmissionPage />)} />
      <Route path="/admissions/:id/daily-lists" element={authed(<DailyListPage />)} />
      <Route path="/exams/bookings/:id" element={authed(<ExamBookingPage />)} />
      <Route path="*" element={<ComingSoonPage />} />
    </Routes>
  );
}

const tabs = [
  { key: '/', title: 'tabHome', icon: <AppOutline /> },
  { key: '/registrations', title: 'tabRegistrations', icon: <UnorderedListOutline /> },
  { key: '/messages', title: 'tabMessages', icon: <MessageOutline /> },
  { key: '/me', title: 'tabMe', icon: <UserOutline /> },
] as const;

function TabLayout() {
  const { t } = useI18n();
  const location = useLocation();
  const navigate = useNavigate();
  const loggedIn = useLoggedIn();
  const unread = useQuery({
    queryKey: ['messages', 'unread'],
    queryFn: messages.unreadCount,
    enabled: loggedIn,
    refetchInterval: 60_000,
  });
  const unreadCount = loggedIn ? (unread.data?.unread ?? 0) : 0;
  return (
    <div className="tab-layout">
      <div className="tab-content">
        <Outlet />
      </div>
      <TabBar className="tab-bar" activeKey={location.pathname} onChange={(key) => navigate(key)}>
        {tabs.map((tab) => (
          <TabBar.Item
            key={tab.key}
            icon={tab.icon}
            title={t(tab.title)}
            badge={tab.key === '/messages' && unreadCount > 0 ? unreadCount : undefined}
          />
        ))}
      </TabBar>
    </div>
  );
}
