import type { ReactNode } from 'react';
import { Result } from 'antd';
import { Route, Routes } from 'react-router';
import { RequireLogin, useMe } from './auth';
import { ConsoleLayout } from './components/ConsoleLayout';
import { useTr } from './i18n';
import { ROUTE_PERMISSIONS, holds } from './menu';
import { LoginPage } from './pages/LoginPage';
import { ChangePasswordPage } from './pages/ChangePasswordPage';
import { DashboardPage } from './pages/DashboardPage';
import { UsersPage } from './pages/admin/UsersPage';
import { RolesPage } from './pages/admin/RolesPage';
import { AuditLogPage } from './pages/admin/AuditLogPage';
import { SmsLogPage } from './pages/admin/SmsLogPage';
import { SecurityAlertsPage } from './pages/admin/SecurityAlertsPage';
import { EventDeliveriesPage } from './pages/admin/EventDeliveriesPage';
import { CounterLinkPage } from './pages/registration/CounterLinkPage';
import { ChannelsPage } from './pages/admin/ChannelsPage';
import { HospitalPage } from './pages/directory/HospitalPage';
import { CampusesPage } from './pages/directory/CampusesPage';
import { BuildingsPage } from './pages/directory/BuildingsPage';
import { DepartmentsPage } from './pages/directory/DepartmentsPage';
import { DoctorsPage } from './pages/directory/DoctorsPage';
import { FeaturedDisciplinesPage } from './pages/directory/FeaturedDisciplinesPage';
import { RecommendedDoctorsPage } from './pages/directory/RecommendedDoctorsPage';
import { ArticlesPage } from './pages/content/ArticlesPage';
import { PriceItemsPage } from './pages/content/PriceItemsPage';
import { ShiftsPage } from './pages/scheduling/ShiftsPage';
import { TemplatesPage } from './pages/scheduling/TemplatesPage';
import { CalendarPage } from './pages/scheduling/CalendarPage';
import { ReleaseRulesPage } from './pages/scheduling/ReleaseRulesPage';
import { RegistrationsPage } from './pages/registration/RegistrationsPage';
import { BlacklistPage } from './pages/registration/BlacklistPage';
import { PaymentOrdersPage } from './pages/finance/PaymentOrdersPage';
import { RefundsPage } from './pages/finance/RefundsPage';
import { AbnormalOrdersPage } from './pages/finance/AbnormalOrdersPage';
import { WriteBackFailuresPage } from './pages/finance/WriteBackFailuresPage';
import { EInvoicesPage } from './pages/finance/EInvoicesPage';
import { BillsPage } from './pages/finance/BillsPage';
import { InpatientDepositsPage } from './pages/finance/InpatientDepositsPage';
import { CreditAccountsPage } from './pages/finance/CreditAccountsPage';
import { InsuranceSettlementsPage } from './pages/finance/InsuranceSettlementsPage';
import { IndicatorsPage } from './pages/operations/IndicatorsPage';
import { ExamPackagesPage } from './pages/operations/ExamPackagesPage';
import { ExamBookingsPage } from './pages/operations/ExamBookingsPage';
import { ReportsPage } from './pages/operations/ReportsPage';
import { PrescriptionsPage } from './pages/pharmacy/PrescriptionsPage';

const PAGES: Record<string, ReactNode> = {
  dashboard: <DashboardPage />,
  users: <UsersPage />,
  roles: <RolesPage />,
  audit: <AuditLogPage />,
  'sms-log': <SmsLogPage />,
  'security-alerts': <SecurityAlertsPage />,
  'event-deliveries': <EventDeliveriesPage />,
  'counter-link': <CounterLinkPage />,
  channels: <ChannelsPage />,
  hospital: <HospitalPage />,
  campuses: <CampusesPage />,
  buildings: <BuildingsPage />,
  departments: <DepartmentsPage />,
  doctors: <DoctorsPage />,
  featured: <FeaturedDisciplinesPage />,
  recommended: <RecommendedDoctorsPage />,
  articles: <ArticlesPage />,
  prices: <PriceItemsPage />,
  shifts: <ShiftsPage />,
  templates: <TemplatesPage />,
  schedules: <CalendarPage />,
  'release-rules': <ReleaseRulesPage />,
  registrations: <RegistrationsPage />,
  blacklist: <BlacklistPage />,
  'payment-orders': <PaymentOrdersPage />,
  refunds: <RefundsPage />,
  'abnormal-orders': <AbnormalOrdersPage />,
  'writeback-failures': <WriteBackFailuresPage />,
  indicators: <IndicatorsPage />,
  einvoices: <EInvoicesPage />,
  bills: <BillsPage />,
  'inpatient-deposits': <InpatientDepositsPage />,
  'credit-accounts': <CreditAccountsPage />,
  'exam-packages': <ExamPackagesPage />,
  'insurance-settlements': <InsuranceSettlementsPage />,
  'exam-bookings': <ExamBookingsPage />,
  reports: <ReportsPage />,
  prescriptions: <PrescriptionsPage />,
};

function Guard({ permission, children }: { permission?: string; children: ReactNode }) {
  const me = useMe();
  const tr = useTr();
  if (!holds(me?.permissions ?? [], permission))
    return (
      <Result
        status="403"
        title="403"
        subTitle={tr('您没有访问该页面的权限', 'You may not open this page')}
      />
    );
  return <>{children}</>;
}

export function ConsoleRoutes() {
  const tr = useTr();
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/change-password" element={<ChangePasswordPage />} />
      <Route
        element={
          <RequireLogin>
            <ConsoleLayout />
          </RequireLogin>
        }
      >
        {Object.entries(ROUTE_PERMISSIONS).map(([key, r]) => (
          <Route key={key} path={r.path} element={<Guard permission={r.permission}>{PAGES[key]}</Guard>} />
        ))}
        <Route
          path="*"
          element={<Result status="404" title="404" subTitle={tr('页面不存在', 'Page not found')} />}
        />
      </Route>
    </Routes>
  );
}
