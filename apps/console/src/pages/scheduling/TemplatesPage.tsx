import { useState } from 'react';
import {
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Form,
  InputNumber,
  Modal,
  Popconfirm,
  Row,
  Select,
  Space,
  Switch,
  Table,
  Tag,
} from 'antd';
import { PlusOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { listShifts, templates, type ScheduleTemplate } from '../../api/scheduling';
import { useDepartments, useDoctors } from '../../components/lookups';
import { applyServerErrors } from '../../components/serverErrors';
import { toFen, yuan } from '../../format';
import { useLang, useTr } from '../../i18n';
import { levelLabel, weekdayLabel } from './labels';

export function TemplatesPage() {
  const tr = useTr();
  const { lang } = useLang();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const depts = useDepartments();
  const doctors = useDoctors();
  const shifts = useQuery({ queryKey: ['shifts'], queryFn: listShifts });
  const [departmentId, setDepartmentId] = useState<string | undefined>();
  const [editing, setEditing] = useState<ScheduleTemplate | null | undefined>(undefined);
  const [weeks, setWeeks] = useState(2);
  const [form] = Form.useForm();
  const list = useQuery({
    queryKey: ['schedule-templates', departmentId],
    queryFn: () => templates.list({ departmentId }),
  });
  // a name, never the id: blank until the look-up has answered
  const doctorName = (id: string) => doctors.data?.find((d) => d.id === id)?.name ?? '';
  const deptName = (id: string) => depts.data?.find((d) => d.id === id)?.name ?? '';
  const shiftName = (code: string) => {
    const s = shifts.data?.find((x) => x.code === code);
    return s ? (lang === 'en' ? s.nameEn : s.nameZh) : code;
  };
  const invalidate = () => void qc.invalidateQueries({ queryKey: ['schedule-templates'] });

  const save = useMutation({
    mutationFn: (v: ScheduleTemplate & { feeYuan: number }) => {
      const body = {
        weekdays: v.weekdays,
        shiftCode: v.shiftCode,
        segmentMinutes: v.segmentMinutes,
        slotsPerSegment: v.slotsPerSegment,
        level: v.level,
        feeFen: toFen(v.feeYuan),
        enabled: v.enabled,
      };
      return editing
        ? templates.update(editing.id, body)
        : templates.create({ ...body, doctorId: v.doctorId, departmentId: v.departmentId });
    },
    onSuccess: () => {
      message.success(tr('已保存', 'Saved'));
      setEditing(undefined);
      invalidate();
    },
    onError: (e) => message.error(applyServerErrors(form, e)),
  });
  const remove = useMutation({
    mutationFn: (id: string) => templates.remove(id),
    onSuccess: invalidate,
    onError: (e) => message.error((e as Error).message),
  });
  const generate = useMutation({
    mutationFn: () => templates.generate(weeks),
    onSuccess: (r) => message.success(tr(`已生成 ${r.created} 个排班`, `${r.created} schedules generated`)),
    onError: (e) => message.error((e as Error).message),
  });

  const open = (t: ScheduleTemplate | null) => {
    form.resetFields();
    form.setFieldsValue(
      t
        ? { ...t, feeYuan: t.feeFen / 100 }
        : {
            departmentId,
            weekdays: [1, 2, 3, 4, 5],
            segmentMinutes: 30,
            slotsPerSegment: 5,
            level: 'general',
            feeYuan: 10,
            enabled: true,
          },
    );
    setEditing(t);
  };

  return (
    <Card
      title={tr('排班模板', 'Schedule templates')}
      extra={
        <Space wrap>
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={tr('按科室筛选', 'Filter by department')}
            style={{ width: 200 }}
            value={departmentId}
            onChange={setDepartmentId}
            options={(depts.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
          />
          <InputNumber
            min={1}
            max={12}
            value={weeks}
            onChange={(v) => setWeeks(v ?? 2)}
            addonAfter={tr('周', 'weeks')}
            style={{ width: 120 }}
          />
          <Popconfirm
            title={tr(`按模板生成未来 ${weeks} 周排班？`, `Generate ${weeks} weeks of schedules?`)}
            onConfirm={() => generate.mutate()}
          >
            <Button
              icon={<ThunderboltOutlined />}
              loading={generate.isPending}
              data-testid="templates-generate"
            >
              {tr('生成排班', 'Generate')}
            </Button>
          </Popconfirm>
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => open(null)}
            data-testid="template-new"
          >
            {tr('新建', 'New')}
          </Button>
        </Space>
      }
    >
      <Table<ScheduleTemplate>
        rowKey="id"
        size="middle"
        loading={list.isLoading}
        dataSource={list.data?.items}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: tr('科室', 'Department'), dataIndex: 'departmentId', render: deptName },
          { title: tr('医生', 'Doctor'), dataIndex: 'doctorId', render: doctorName },
          {
            title: tr('出诊日', 'Weekdays'),
            dataIndex: 'weekdays',
            render: (ws: number[]) => ws.map((w) => <Tag key={w}>{weekdayLabel(tr, w)}</Tag>),
          },
          { title: tr('班次', 'Shift'), dataIndex: 'shiftCode', render: shiftName },
          { title: tr('时段（分钟）', 'Segment (min)'), dataIndex: 'segmentMinutes' },
          { title: tr('每时段号数', 'Slots / segment'), dataIndex: 'slotsPerSegment' },
          { title: tr('号别', 'Level'), dataIndex: 'level', render: (l: string) => levelLabel(tr, l) },
          { title: tr('挂号费（元）', 'Fee (yuan)'), dataIndex: 'feeFen', align: 'right', render: yuan },
          {
            title: tr('启用', 'Enabled'),
            dataIndex: 'enabled',
            render: (e: boolean) => (e ? <Tag color="green">✓</Tag> : <Tag>—</Tag>),
          },
          {
            title: tr('操作', 'Actions'),
            key: 'a',
            fixed: 'right',
            render: (_, t) => (
              <Space>
                <Button type="link" size="small" onClick={() => open(t)}>
                  {tr('编辑', 'Edit')}
                </Button>
                <Popconfirm
                  title={tr('删除该模板？', 'Delete this template?')}
                  onConfirm={() => remove.mutate(t.id)}
                >
                  <Button type="link" size="small" danger>
                    {tr('删除', 'Delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== undefined}
        width={720}
        title={editing ? tr('编辑模板', 'Edit template') : tr('新建模板', 'New template')}
        onCancel={() => setEditing(undefined)}
        onOk={() => form.submit()}
        confirmLoading={save.isPending}
        forceRender
      >
        <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)}>
          <Row gutter={16}>
            <Col span={12}>
              <Form.Item name="departmentId" label={tr('科室', 'Department')} rules={[{ required: true }]}>
                <Select
                  disabled={!!editing}
                  showSearch={{ optionFilterProp: 'label' }}
                  options={(depts.data ?? [])
                    .filter((d) => d.parentId)
                    .map((d) => ({ value: d.id, label: d.name }))}
                />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="doctorId" label={tr('医生', 'Doctor')} rules={[{ required: true }]}>
                <Select
                  disabled={!!editing}
                  showSearch={{ optionFilterProp: 'label' }}
                  options={(doctors.data ?? []).map((d) => ({
                    value: d.id,
                    label: `${d.name}（${d.departments?.map((x) => x.name).join('、') ?? ''}）`,
                  }))}
                />
              </Form.Item>
            </Col>
            <Col span={24}>
              <Form.Item
                name="weekdays"
                label={tr('出诊日', 'Weekdays')}
                rules={[{ required: true, type: 'array', min: 1 }]}
              >
                <Checkbox.Group
                  options={[1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: d, label: weekdayLabel(tr, d) }))}
                />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="shiftCode" label={tr('班次', 'Shift')} rules={[{ required: true }]}>
                <Select
                  options={(shifts.data ?? []).map((s) => ({
                    value: s.code,
                    label: `${shiftName(s.code)} ${s.startTime}-${s.endTime}`,
                  }))}
                />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item
                name="segmentMinutes"
                label={tr('时段长度（分钟）', 'Segment length (min)')}
                rules={[{ required: true }]}
              >
                <InputNumber min={5} max={720} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item
                name="slotsPerSegment"
                label={tr('每时段号数', 'Slots per segment')}
                rules={[{ required: true }]}
              >
                <InputNumber min={1} max={500} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="level" label={tr('号别', 'Level')} rules={[{ required: true }]}>
                <Select
                  options={['general', 'expert', 'special'].map((l) => ({
                    value: l,
                    label: levelLabel(tr, l),
                  }))}
                />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item
                name="feeYuan"
                label={tr('挂号费（元）', 'Fee (yuan)')}
                rules={[{ required: true }, { type: 'number', min: 0, max: 100000 }]}
              >
                <InputNumber min={0} precision={2} step={1} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="enabled" label={tr('启用', 'Enabled')} valuePropName="checked">
                <Switch />
              </Form.Item>
            </Col>
          </Row>
        </Form>
      </Modal>
    </Card>
  );
}
