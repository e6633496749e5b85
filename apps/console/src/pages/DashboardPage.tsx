import { useMemo } from 'react';
import { Card, Col, Row, Statistic, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { articles, priceItems } from '../api/directory';
import { listRegistrations } from '../api/registration';
import { useMe } from '../auth';
import { BarChart } from '../components/BarChart';
import { useDepartments, useDoctors } from '../components/lookups';
import { useTr } from '../i18n';
import { hospitalToday } from '../format';
import { holds } from '../menu';

function Count({
  title,
  value,
  to,
  loading,
}: {
  title: string;
  value?: number;
  to?: string;
  loading?: boolean;
}) {
  const navigate = useNavigate();
  return (
    <Card hoverable={!!to} onClick={() => to && navigate(to)}>
      <Statistic title={title} value={value ?? '-'} loading={loading} />
    </Card>
  );
}

export function DashboardPage() {
  const tr = useTr();
  const me = useMe();
  const perms = me?.permissions ?? [];
  const dir = holds(perms, 'directory.manage');
  const depts = useDepartments();
  const doctors = useDoctors();
  const arts = useQuery({
    queryKey: ['dashboard', 'articles'],
    queryFn: () => articles.list({ page: 1, pageSize: 1 }),
    enabled: holds(perms, 'content.manage'),
  });
  const prices = useQuery({
    queryKey: ['dashboard', 'prices'],
    queryFn: () => priceItems.list({ page: 1, pageSize: 1 }),
    enabled: holds(perms, 'prices.manage'),
  });
  const today = hospitalToday();
  const regs = useQuery({
    queryKey: ['dashboard', 'registrations', today],
    queryFn: () => listRegistrations({ from: today, to: today, page: 1, pageSize: 1 }),
    enabled: holds(perms, 'registrations.read'),
    retry: false,
  });
  const chart = useMemo(() => {
    const all = depts.data ?? [];
    const parents = all.filter((d) => !d.parentId);
    const parentOf = (id: string) => {
      const d = all.find((x) => x.id === id);
      return d?.parentId ?? d?.id;
    };
    const counts = new Map<string, number>();
    for (const doc of doctors.data ?? []) {
      const ps = new Set((doc.departments ?? []).map((x) => parentOf(x.id)));
      ps.forEach((p) => p && counts.set(p, (counts.get(p) ?? 0) + 1));
    }
    return { labels: parents.map((p) => p.name), values: parents.map((p) => counts.get(p.id) ?? 0) };
  }, [depts.data, doctors.data]);

  return (
    <>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {tr(`您好，${me?.user.displayName ?? ''}`, `Hello, ${me?.user.displayName ?? ''}`)}
      </Typography.Title>
      <Row gutter={[16, 16]}>
        {dir && (
          <Col xs={12} lg={6}>
            <Count
              title={tr('科室', 'Departments')}
              value={depts.data?.length}
              loading={depts.isLoading}
              to="/directory/departments"
            />
          </Col>
        )}
        {dir && (
          <Col xs={12} lg={6}>
            <Count
              title={tr('医生', 'Doctors')}
              value={doctors.data?.length}
              loading={doctors.isLoading}
              to="/directory/doctors"
            />
          </Col>
        )}
        {holds(perms, 'content.manage') && (
          <Col xs={12} lg={6}>
            <Count
              title={tr('资讯文章', 'Articles')}
              value={arts.data?.total}
              loading={arts.isLoading}
              to="/directory/articles"
            />
          </Col>
        )}
        {holds(perms, 'prices.manage') && (
          <Col xs={12} lg={6}>
            <Count
              title={tr('收费项目', 'Fee items')}
              value={prices.data?.total}
              loading={prices.isLoading}
              to="/directory/prices"
            />
          </Col>
        )}
        {holds(perms, 'registrations.read') && (
          <Col xs={12} lg={6}>
            <Count
              title={tr('今日挂号', "Today's registrations")}
              value={regs.data?.total}
              loading={regs.isLoading}
              to="/registration/registrations"
            />
          </Col>
        )}
      </Row>
      {dir && chart.labels.length > 0 && (
        <Card title={tr('各科室医生人数', 'Doctors per department')} style={{ marginTop: 16 }}>
          <BarChart labels={chart.labels} values={chart.values} />
        </Card>
      )}
    </>
  );
}
