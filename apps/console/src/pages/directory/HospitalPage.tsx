import { useEffect } from 'react';
import { App, Button, Card, Col, Form, Input, Row, Space, Spin } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getHospital, saveHospital, type Hospital } from '../../api/directory';
import { applyServerErrors } from '../../components/serverErrors';
import { useTr } from '../../i18n';

export function HospitalPage() {
  const tr = useTr();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<Hospital>();
  const q = useQuery({ queryKey: ['hospital'], queryFn: getHospital });
  useEffect(() => {
    if (q.data) form.setFieldsValue(q.data);
  }, [q.data, form]);
  const save = useMutation({
    mutationFn: (v: Hospital) =>
      saveHospital({
        ...v,
        honours: (v.honours ?? []).map((h) => h.trim()).filter(Boolean),
        leadership: (v.leadership ?? []).filter((l) => l?.name),
      }),
    onSuccess: () => {
      message.success(tr('已保存', 'Saved'));
      void qc.invalidateQueries({ queryKey: ['hospital'] });
    },
    onError: (e) => message.error(applyServerErrors(form, e)),
  });

  if (q.isLoading) return <Spin />;
  return (
    <Card
      title={tr('医院介绍', 'Hospital')}
      extra={
        <Button
          type="primary"
          loading={save.isPending}
          onClick={() => form.submit()}
          data-testid="hospital-save"
        >
          {tr('保存', 'Save')}
        </Button>
      }
    >
      <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)} scrollToFirstError>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item
              name="name"
              label={tr('医院名称', 'Name')}
              rules={[{ required: true, whitespace: true }, { max: 100 }]}
            >
              <Input />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="level" label={tr('医院等级', 'Level')} rules={[{ max: 50 }]}>
              <Input placeholder={tr('如：三级甲等', 'e.g. Grade 3A')} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="phone" label={tr('电话', 'Phone')} rules={[{ max: 40 }]}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="website" label={tr('网站', 'Website')} rules={[{ max: 200 }]}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="logoUrl" label={tr('标志图片地址', 'Logo URL')} rules={[{ max: 500 }]}>
              <Input />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="introduction" label={tr('医院简介', 'Introduction')} rules={[{ max: 10000 }]}>
          <Input.TextArea rows={6} showCount data-testid="hospital-introduction" />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="scale" label={tr('医院规模', 'Scale')} rules={[{ max: 5000 }]}>
              <Input.TextArea rows={4} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="history" label={tr('发展历史', 'History')} rules={[{ max: 10000 }]}>
              <Input.TextArea rows={4} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="rules" label={tr('就医须知', 'Rules for visitors')} rules={[{ max: 10000 }]}>
          <Input.TextArea rows={3} />
        </Form.Item>
        <Card size="small" title={tr('荣誉', 'Honours')} style={{ marginBottom: 16 }}>
          <Form.List name="honours">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline" style={{ display: 'flex' }}>
                    <Form.Item
                      name={f.name}
                      rules={[{ required: true, whitespace: true }, { max: 200 }]}
                      style={{ width: 640 }}
                    >
                      <Input />
                    </Form.Item>
                    <MinusCircleOutlined onClick={() => remove(f.name)} />
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add('')}>
                  {tr('添加荣誉', 'Add honour')}
                </Button>
              </>
            )}
          </Form.List>
        </Card>
        <Card size="small" title={tr('领导团队', 'Leadership')}>
          <Form.List name="leadership">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Row key={f.key} gutter={8} align="top">
                    <Col span={4}>
                      <Form.Item name={[f.name, 'name']} rules={[{ required: true }, { max: 50 }]}>
                        <Input placeholder={tr('姓名', 'Name')} />
                      </Form.Item>
                    </Col>
                    <Col span={5}>
                      <Form.Item name={[f.name, 'position']} rules={[{ required: true }, { max: 100 }]}>
                        <Input placeholder={tr('职务', 'Position')} />
                      </Form.Item>
                    </Col>
                    <Col span={5}>
                      <Form.Item name={[f.name, 'photoUrl']} rules={[{ max: 500 }]}>
                        <Input placeholder={tr('照片地址', 'Photo URL')} />
                      </Form.Item>
                    </Col>
                    <Col span={9}>
                      <Form.Item name={[f.name, 'introduction']} rules={[{ max: 2000 }]}>
                        <Input placeholder={tr('简介', 'Introduction')} />
                      </Form.Item>
                    </Col>
                    <Col span={1}>
                      <MinusCircleOutlined style={{ marginTop: 8 }} onClick={() => remove(f.name)} />
                    </Col>
                  </Row>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ name: '', position: '' })}>
                  {tr('添加领导', 'Add leader')}
                </Button>
              </>
            )}
          </Form.List>
        </Card>
      </Form>
    </Card>
  );
}
