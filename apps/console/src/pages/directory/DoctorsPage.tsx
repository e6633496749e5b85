import { Col, Form, Input, InputNumber, Radio, Row, Select, Switch, Tag } from 'antd';
import { doctors, type Doctor, type DoctorTitle } from '../../api/directory';
import { CrudPage } from '../../components/CrudPage';
import { useDepartments } from '../../components/lookups';
import { useTr, type Tr } from '../../i18n';

export const titleLabel = (tr: Tr, t: DoctorTitle | string) =>
  ({
    chief_physician: tr('主任医师', 'Chief physician'),
    associate_chief: tr('副主任医师', 'Associate chief physician'),
    attending: tr('主治医师', 'Attending physician'),
    resident: tr('住院医师', 'Resident'),
  })[t as DoctorTitle] ?? t;

export function DoctorsPage() {
  const tr = useTr();
  const depts = useDepartments();
  const titles: DoctorTitle[] = ['chief_physician', 'associate_chief', 'attending', 'resident'];

  return (
    <CrudPage<Doctor>
      title={tr('医生', 'Doctors')}
      queryKey="doctors"
      serverPaging
      resource={doctors}
      testId="doctor"
      loadForEdit
      search={{ placeholder: tr('姓名 / 拼音首字母', 'Name or pinyin initials') }}
      filters={(set, q) => (
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={tr('按科室筛选', 'Filter by department')}
          style={{ width: 200 }}
          value={q.departmentId as string | undefined}
          onChange={(v) => set({ departmentId: v })}
          options={(depts.data ?? []).filter((d) => d.parentId).map((d) => ({ value: d.id, label: d.name }))}
        />
      )}
      modalWidth={760}
      newDefaults={{
        enabled: true,
        sort: 0,
        gender: 'male',
        title: 'attending',
        specialties: [],
        departmentIds: [],
      }}
      columns={[
        { title: tr('姓名', 'Name'), dataIndex: 'name' },
        { title: tr('工号', 'Code'), dataIndex: 'code' },
        { title: tr('职称', 'Title'), dataIndex: 'title', render: (t: string) => titleLabel(tr, t) },
        {
          title: tr('科室', 'Departments'),
          key: 'departments',
          render: (_, d) => (d.departments ?? []).map((x) => <Tag key={x.id}>{x.name}</Tag>),
        },
        {
          title: tr('擅长', 'Specialties'),
          dataIndex: 'specialties',
          ellipsis: true,
          render: (v: string[]) => (v ?? []).join('、'),
        },
        {
          title: tr('状态', 'Status'),
          dataIndex: 'enabled',
          render: (v: boolean) =>
            v ? <Tag color="green">{tr('出诊', 'Active')}</Tag> : <Tag>{tr('停用', 'Disabled')}</Tag>,
        },
      ]}
      toForm={(d) => ({ ...d, departmentIds: d.departmentIds ?? d.departments?.map((x) => x.id) ?? [] })}
      fromForm={(v: Doctor) => ({
        code: v.code,
        name: v.name,
        title: v.title,
        gender: v.gender,
        photoUrl: v.photoUrl ?? '',
        specialties: v.specialties ?? [],
        introduction: v.introduction ?? '',
        departmentIds: v.departmentIds ?? [],
        enabled: v.enabled ?? true,
        sort: v.sort ?? 0,
      })}
      renderForm={() => (
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item
              name="name"
              label={tr('姓名', 'Name')}
              rules={[{ required: true, whitespace: true }, { max: 50 }]}
            >
              <Input data-testid="doctor-name" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              name="code"
              label={tr('工号', 'Code')}
              rules={[
                { required: true },
                { max: 32 },
                {
                  pattern: /^[A-Za-z0-9_-]+$/,
                  message: tr('仅限字母、数字、-、_', 'Letters, digits, - and _ only'),
                },
              ]}
            >
              <Input />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="gender" label={tr('性别', 'Gender')} rules={[{ required: true }]}>
              <Radio.Group
                options={[
                  { value: 'male', label: tr('男', 'Male') },
                  { value: 'female', label: tr('女', 'Female') },
                ]}
              />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="title" label={tr('职称', 'Title')} rules={[{ required: true }]}>
              <Select options={titles.map((t) => ({ value: t, label: titleLabel(tr, t) }))} />
            </Form.Item>
          </Col>
          <Col span={16}>
            <Form.Item
              name="departmentIds"
              label={tr('所属科室（可多选）', 'Departments (one or more)')}
              rules={[
                {
                  required: true,
                  type: 'array',
                  min: 1,
                  message: tr('至少选择一个科室', 'Choose at least one department'),
                },
              ]}
            >
              <Select
                mode="multiple"
                showSearch={{ optionFilterProp: 'label' }}
                options={(depts.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
                data-testid="doctor-departments"
              />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="specialties" label={tr('擅长（回车分隔）', 'Specialties (Enter to separate)')}>
              <Select mode="tags" tokenSeparators={[',', '，', '、']} />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="introduction" label={tr('医生简介', 'Introduction')} rules={[{ max: 5000 }]}>
              <Input.TextArea rows={4} showCount />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="photoUrl" label={tr('照片地址', 'Photo URL')} rules={[{ max: 500 }]}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="sort" label={tr('排序', 'Sort')}>
              <InputNumber min={0} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="enabled" label={tr('启用', 'Enabled')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Col>
        </Row>
      )}
    />
  );
}
