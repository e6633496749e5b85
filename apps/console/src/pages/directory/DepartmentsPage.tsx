import { Col, Form, Input, InputNumber, Row, Select, Switch, Tag } from 'antd';
import { departments, type Department } from '../../api/directory';
import { CrudPage } from '../../components/CrudPage';
import { departmentTree, useCampuses, useDepartments, useFloors } from '../../components/lookups';
import { useTr } from '../../i18n';

/* Mirrors the server's department schema (directory/schemas.ts departmentInput). */
export const DEPARTMENT_LIMITS = {
  name: 100,
  code: 32,
  location: 200,
  phone: 50,
  introduction: 200_000,
  strengths: 5000,
  scope: 5000,
  staffing: 2000,
};

export function DepartmentsPage() {
  const tr = useTr();
  const all = useDepartments();
  const campuses = useCampuses();
  const floors = useFloors();
  const parents = (all.data ?? []).filter((d) => !d.parentId);

  return (
    <CrudPage<Department>
      title={tr('科室管理', 'Departments')}
      queryKey="departments"
      resource={departments}
      testId="department"
      rowTestKey={(d) => d.code}
      transformItems={departmentTree}
      tableProps={{ expandable: { defaultExpandAllRows: true }, pagination: false }}
      modalWidth={760}
      columns={[
        {
          title: tr('科室名称', 'Name'),
          dataIndex: 'name',
          render: (v: string, d) => <span data-testid={`department-row-${d.code}`}>{v}</span>,
        },
        { title: tr('编码', 'Code'), dataIndex: 'code' },
        { title: tr('位置', 'Location'), dataIndex: 'location' },
        { title: tr('电话', 'Phone'), dataIndex: 'phone' },
        { title: tr('排序', 'Sort'), dataIndex: 'sort', width: 70 },
        {
          title: tr('状态', 'Status'),
          dataIndex: 'enabled',
          render: (v: boolean) =>
            v ? <Tag color="green">{tr('启用', 'Enabled')}</Tag> : <Tag>{tr('停用', 'Disabled')}</Tag>,
        },
      ]}
      newDefaults={{ enabled: true, sort: 0 }}
      toForm={(d) => ({ ...d, children: undefined })}
      fromForm={(v: Record<string, unknown>) => ({
        parentId: v.parentId ?? null,
        code: v.code,
        name: v.name,
        campusId: v.campusId ?? null,
        floorId: v.floorId ?? null,
        location: v.location ?? '',
        phone: v.phone ?? '',
        introduction: v.introduction ?? '',
        strengths: v.strengths ?? '',
        scope: v.scope ?? '',
        staffing: v.staffing ?? '',
        sort: v.sort ?? 0,
        enabled: v.enabled ?? true,
      })}
      renderForm={(editing) => (
        <>
          <Row gutter={16}>
            <Col span={12}>
              <Form.Item
                name="name"
                label={tr('科室名称', 'Name')}
                rules={[{ required: true, whitespace: true }, { max: DEPARTMENT_LIMITS.name }]}
              >
                <Input data-testid="department-name" />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item
                name="code"
                label={tr('科室编码', 'Code')}
                rules={[
                  { required: true },
                  { max: DEPARTMENT_LIMITS.code },
                  {
                    pattern: /^[A-Za-z0-9_-]+$/,
                    message: tr('仅限字母、数字、-、_', 'Letters, digits, - and _ only'),
                  },
                ]}
              >
                <Input data-testid="department-code" />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item
                name="parentId"
                label={tr('上级科室（留空为一级科室）', 'Parent (empty: top level)')}
              >
                <Select
                  allowClear
                  showSearch={{ optionFilterProp: 'label' }}
                  options={parents
                    .filter((p) => p.id !== editing?.id)
                    .map((p) => ({ value: p.id, label: p.name }))}
                />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="campusId" label={tr('院区', 'Campus')}>
                <Select
                  allowClear
                  options={(campuses.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
                />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="floorId" label={tr('楼层', 'Floor')}>
                <Select
                  allowClear
                  showSearch={{ optionFilterProp: 'label' }}
                  options={(floors.data ?? []).map((f) => ({ value: f.id, label: f.label }))}
                />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item
                name="location"
                label={tr('具体位置', 'Location')}
                rules={[{ max: DEPARTMENT_LIMITS.location }]}
              >
                <Input />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item
                name="phone"
                label={tr('电话', 'Phone')}
                rules={[
                  { max: DEPARTMENT_LIMITS.phone },
                  { pattern: /^[\d\-+() ]*$/, message: tr('电话格式不正确', 'Invalid phone') },
                ]}
              >
                <Input />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name="sort" label={tr('排序', 'Sort')}>
                <InputNumber min={0} max={9999} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name="enabled" label={tr('启用', 'Enabled')} valuePropName="checked">
                <Switch />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item
            name="introduction"
            label={tr('科室介绍', 'Introduction')}
            rules={[{ max: DEPARTMENT_LIMITS.introduction }]}
          >
            <Input.TextArea
              rows={5}
              showCount
              maxLength={DEPARTMENT_LIMITS.introduction}
              data-testid="department-introduction"
            />
          </Form.Item>
          <Form.Item
            name="strengths"
            label={tr('特色优势', 'Strengths')}
            rules={[{ max: DEPARTMENT_LIMITS.strengths }]}
          >
            <Input.TextArea
              rows={3}
              showCount
              maxLength={DEPARTMENT_LIMITS.strengths}
              data-testid="department-strengths"
            />
          </Form.Item>
          <Form.Item name="scope" label={tr('诊疗范围', 'Scope')} rules={[{ max: DEPARTMENT_LIMITS.scope }]}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <Form.Item
            name="staffing"
            label={tr('人员配置', 'Staffing')}
            rules={[{ max: DEPARTMENT_LIMITS.staffing }]}
          >
            <Input.TextArea rows={2} />
          </Form.Item>
        </>
      )}
    />
  );
}
