import { useState } from 'react';
import { App, Button, Card, Form, Input, InputNumber, Modal, Table } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { listShifts, saveShift, type Shift } from '../../api/scheduling';
import { applyServerErrors } from '../../components/serverErrors';
import { useTr } from '../../i18n';

const HHMM = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

export function ShiftsPage() {
  const tr = useTr();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<Shift>();
  const [editing, setEditing] = useState<Shift | null | undefined>(undefined);
  const list = useQuery({ queryKey: ['shifts'], queryFn: listShifts });
  const save = useMutation({
    mutationFn: ({ code, ...rest }: Shift) => saveShift(code, rest),
    onSuccess: () => {
      message.success(tr('已保存', 'Saved'));
      setEditing(undefined);
      void qc.invalidateQueries({ queryKey: ['shifts'] });
    },
    onError: (e) => message.error(applyServerErrors(form, e)),
  });
  const open = (s: Shift | null) => {
    form.resetFields();
    form.setFieldsValue(s ?? { sort: 0 });
    setEditing(s);
  };
  return (
    <Card
      title={tr('班次设置', 'Shifts')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => open(null)} data-testid="shift-new">
          {tr('新建', 'New')}
        </Button>
      }
    >
      <Table<Shift>
        rowKey="code"
        loading={list.isLoading}
        dataSource={list.data}
        pagination={false}
        columns={[
          { title: tr('编码', 'Code'), dataIndex: 'code' },
          { title: tr('中文名称', 'Chinese name'), dataIndex: 'nameZh' },
          { title: tr('英文名称', 'English name'), dataIndex: 'nameEn' },
          { title: tr('开始', 'Start'), dataIndex: 'startTime' },
          { title: tr('结束', 'End'), dataIndex: 'endTime' },
          { title: tr('排序', 'Sort'), dataIndex: 'sort' },
          {
            title: tr('操作', 'Actions'),
            key: 'a',
            render: (_, s) => (
              <Button type="link" size="small" onClick={() => open(s)} data-testid={`shift-edit-${s.code}`}>
                {tr('编辑', 'Edit')}
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== undefined}
        title={editing ? tr('编辑班次', 'Edit shift') : tr('新建班次', 'New shift')}
        onCancel={() => setEditing(undefined)}
        onOk={() => form.submit()}
        confirmLoading={save.isPending}
        forceRender
      >
        <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)}>
          <Form.Item
            name="code"
            label={tr('编码', 'Code')}
            rules={[
              { required: true },
              {
                pattern: /^[a-z_]{2,32}$/,
                message: tr('2-32 位小写字母或下划线', '2-32 lower-case letters or _'),
              },
            ]}
          >
            <Input disabled={!!editing} placeholder="morning" />
          </Form.Item>
          <Form.Item
            name="nameZh"
            label={tr('中文名称', 'Chinese name')}
            rules={[{ required: true, whitespace: true }, { max: 20 }]}
          >
            <Input placeholder="上午" />
          </Form.Item>
          <Form.Item
            name="nameEn"
            label={tr('英文名称', 'English name')}
            rules={[{ required: true, whitespace: true }, { max: 40 }]}
          >
            <Input placeholder="Morning" />
          </Form.Item>
          <Form.Item
            name="startTime"
            label={tr('开始时间', 'Start time')}
            rules={[{ required: true }, { pattern: HHMM, message: 'HH:mm' }]}
          >
            <Input placeholder="08:00" />
          </Form.Item>
          <Form.Item
            name="endTime"
            label={tr('结束时间', 'End time')}
            dependencies={['startTime']}
            rules={[
              { required: true },
              { pattern: HHMM, message: 'HH:mm' },
              ({ getFieldValue }) => ({
                validator: (_, v: string) =>
                  !v || !getFieldValue('startTime') || v > getFieldValue('startTime')
                    ? Promise.resolve()
                    : Promise.reject(new Error(tr('结束时间须晚于开始时间', 'Must end after it starts'))),
              }),
            ]}
          >
            <Input placeholder="12:00" />
          </Form.Item>
          <Form.Item name="sort" label={tr('排序', 'Sort')}>
            <InputNumber min={0} max={100} precision={0} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
