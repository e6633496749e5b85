import { useMemo, useState } from 'react';
import { Avatar, Button, Dropdown, Layout, Menu, Segmented, Space, Typography } from 'antd';
import { LogoutOutlined, MedicineBoxOutlined, UserOutlined } from '@ant-design/icons';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { logout } from '../api/staff';
import { useMe } from '../auth';
import { useLang, useTr } from '../i18n';
import { visibleMenu } from '../menu';

export function ConsoleLayout() {
  const tr = useTr();
  const { lang, setLang } = useLang();
  const me = useMe();
  const navigate = useNavigate();
  const location = useLocation();
  const qc = useQueryClient();
  const [collapsed, setCollapsed] = useState(false);
  const groups = useMemo(() => visibleMenu(me?.menus), [me]);

  const selected =
    groups
      .flatMap((g) => g.items)
      .filter((m) => (m.path === '/' ? location.pathname === '/' : location.pathname.startsWith(m.path)))
      .map((m) => m.path)[0] ?? '/';
  const items = groups.map((g) =>
    g.items.length === 1 && g.key === 'home'
      ? {
          key: g.items[0].path,
          icon: g.icon,
          label: <span data-testid={`menu-${g.items[0].key}`}>{tr(g.items[0].zh, g.items[0].en)}</span>,
        }
      : {
          key: `group:${g.key}`,
          icon: g.icon,
          label: <span data-testid={`menu-group-${g.key}`}>{tr(g.zh, g.en)}</span>,
          children: g.items.map((m) => ({
            key: m.path,
            label: <span data-testid={`menu-${m.key}`}>{tr(m.zh, m.en)}</span>,
          })),
        },
  );

  const doLogout = async () => {
    await logout().catch(() => undefined);
    qc.clear();
    navigate('/login', { replace: true });
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider
        width={220}
        collapsible
        collapsed={collapsed}
        onCollapse={setCollapsed}
        theme="light"
        className="console-sider"
      >
        <div className="console-brand">
          <MedicineBoxOutlined style={{ fontSize: 22, color: '#0f7b6c' }} />
          {!collapsed && <span>{tr('青囊管理台', 'Qingnang')}</span>}
        </div>
        <Menu
          className="console-menu"
          mode="inline"
          items={items}
          selectedKeys={[selected]}
          defaultOpenKeys={groups.map((g) => `group:${g.key}`)}
          onClick={(e) => navigate(e.key)}
          data-testid="side-menu"
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header className="console-header">
          <Typography.Text type="secondary">
            {tr('智慧医院运营管理', 'Smart-hospital operations')}
          </Typography.Text>
          <Space size="large">
            <Segmented
              size="small"
              value={lang}
              options={[
                { label: '中文', value: 'zh' },
                { label: 'EN', value: 'en' },
              ]}
              onChange={(v) => setLang(v as 'zh' | 'en')}
              data-testid="lang-switch"
            />
            <Dropdown
              menu={{
                items: [
                  {
                    key: 'password',
                    label: tr('修改密码', 'Change password'),
                    onClick: () => navigate('/change-password'),
                  },
                  {
                    key: 'logout',
                    icon: <LogoutOutlined />,
                    label: <span data-testid="logout">{tr('退出登录', 'Log out')}</span>,
                    onClick: () => void doLogout(),
                  },
                ],
              }}
            >
              <Button type="text" data-testid="user-menu">
                <Avatar size="small" icon={<UserOutlined />} style={{ marginRight: 8 }} />
                {me?.user.displayName ?? me?.user.username}
              </Button>
            </Dropdown>
          </Space>
        </Layout.Header>
        <Layout.Content className="console-content">
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
