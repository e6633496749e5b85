import { Checkbox, Col, Form, Input, Row, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { listPermissions, roles, type Role } from '../../api/staff';
import { CrudPage } from '../../components/CrudPage';
import { useLang, useTr } from '../../i18n';

export function RolesPage() {
  const tr = useTr();
  const { lang } = useLang();
  const perms = useQuery({ queryKey: ['permissions'], queryFn: listPermissions });
  const permLabel = (code: string) => {
    if (code === '*') return tr('全部权限', 'All permissions');
    const p = perms.data?.find((x) => x.key === code);
    return p ? (lang === 'en' ? p.en : p.zh) : code;
  };
  return (
    <CrudPage<Role & { id: string }>
      title={tr('角色与权限', 'Roles and permissions')}
      queryKey="roles"
      resource={roles}
      testId="role"
      deletable={(r) => !r.builtin}
      newDefaults={{ permissions: [] }}
      modalWidth={720}
      columns={[
        { title: tr('编码', 'Code'), dataIndex: 'code' },
        { title: tr('名称', 'Name'), key: 'name', render: (_, r) => (lang === 'en' ? r.nameEn : r.nameZh) },
        {
          title: tr('内置', 'Builtin'),
          dataIndex: 'builtin',
          render: (b: boolean) => (b ? <Tag>{tr('内置', 'Builtin')}</Tag> : null),
        },
        {
          title: tr('权限', 'Permissions'),
          dataIndex: 'permissions',
          render: (ps: string[]) => (
            <div style={{ maxWidth: 640, display: 'flex', flexWrap: 'wrap', rowGap: 4 }}>
              {(ps ?? []).map((p) => (
                <Tag key={p} color="blue">
                  {permLabel(p)}
                </Tag>
              ))}
            </div>
          ),
        },
      ]}
      fromForm={(v: Role, editing) =>
        editing
          ? { nameZh: v.nameZh, nameEn: v.nameEn, permissions: v.permissions }
          : { code: v.code, nameZh: v.nameZh, nameEn: v.nameEn, permissions: v.permissions }
      }
      renderForm={(editing) => (
        <>
          <Row gutter={16}>
            <Col span={8}>
              <Form.Item
                name="code"
                label={tr('编码', 'Code')}
                rules={[
                  { required: true },
                  { max: 32 },
                  {
                    pattern: /^[a-z][a-z0-9_]*$/,
                    message: tr(
                      '小写字母开头，仅含小写字母、数字、下划线',
                      'Lower-case letters, digits and _',
                    ),
                  },
                ]}
              >
                <Input disabled={!!editing} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item
                name="nameZh"
                label={tr('中文名称', 'Chinese name')}
                rules={[{ required: true, whitespace: true }, { max: 50 }]}
              >
                <Input />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item
                name="nameEn"
                label={tr('英文名称', 'English name')}
                rules={[{ required: true, whitespace: true }, { max: 50 }]}
              >
                <Input />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="permissions" label={tr('权限', 'Permissions')}>
            <Checkbox.Group style={{ width: '100%' }}>
              <Row gutter={[8, 8]}>
                {(editing?.permissions.includes('*')
                  ? [{ key: '*', zh: '全部权限', en: 'All permissions' }]
                  : []
                )
                  .concat(perms.data ?? [])
                  .map((p) => (
                    <Col span={12} key={p.key}>
                      <Checkbox value={p.key} data-testid={`permission-${p.key}`}>
                        {lang === 'en' ? p.en : p.zh} <span style={{ color: '#999' }}>{p.key}</span>
                      </Checkbox>
                    </Col>
                  ))}
              </Row>
            </Checkbox.Group>
          </Form.Item>
        </>
      )}
    />
  );
}
