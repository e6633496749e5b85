import { Col, Form, Input, InputNumber, Row, Switch, Tag } from 'antd';
import { campuses, type Campus } from '../../api/directory';
import { CrudPage } from '../../components/CrudPage';
import { useTr } from '../../i18n';

export function CampusesPage() {
  const tr = useTr();
  return (
    <CrudPage<Campus>
      title={tr('院区', 'Campuses')}
      queryKey="campuses"
      resource={campuses}
      testId="campus"
      newDefaults={{ enabled: true, sort: 0 }}
      columns={[
        { title: tr('名称', 'Name'), dataIndex: 'name' },
        { title: tr('地址', 'Address'), dataIndex: 'address' },
        {
          title: tr('坐标（GCJ-02）', 'Coordinates (GCJ-02)'),
          key: 'coord',
          render: (_, c) => `${c.lat?.toFixed(6)}, ${c.lng?.toFixed(6)}`,
        },
        { title: tr('电话', 'Phone'), dataIndex: 'phone' },
        {
          title: tr('状态', 'Status'),
          dataIndex: 'enabled',
          render: (v: boolean) =>
            v ? <Tag color="green">{tr('启用', 'Enabled')}</Tag> : <Tag>{tr('停用', 'Disabled')}</Tag>,
        },
      ]}
      fromForm={(v: Campus) => ({
        name: v.name,
        address: v.address,
        lat: v.lat,
        lng: v.lng,
        phone: v.phone ?? '',
        openingHours: v.openingHours ?? '',
        transport: v.transport ?? '',
        sitePlanUrl: v.sitePlanUrl ?? '',
        sort: v.sort ?? 0,
        enabled: v.enabled ?? true,
      })}
      renderForm={() => (
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item
              name="name"
              label={tr('院区名称', 'Name')}
              rules={[{ required: true, whitespace: true }, { max: 100 }]}
            >
              <Input />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="phone" label={tr('电话', 'Phone')} rules={[{ max: 40 }]}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item
              name="address"
              label={tr('地址', 'Address')}
              rules={[{ required: true, whitespace: true }, { max: 200 }]}
            >
              <Input />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="lat"
              label={tr('纬度', 'Latitude')}
              rules={[{ required: true }, { type: 'number', min: -90, max: 90 }]}
            >
              <InputNumber precision={6} step={0.000001} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="lng"
              label={tr('经度', 'Longitude')}
              rules={[{ required: true }, { type: 'number', min: -180, max: 180 }]}
            >
              <InputNumber precision={6} step={0.000001} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="openingHours" label={tr('开放时间', 'Opening hours')} rules={[{ max: 200 }]}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="transport" label={tr('交通指引', 'Transport')} rules={[{ max: 2000 }]}>
              <Input.TextArea rows={3} />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item
              name="sitePlanUrl"
              label={tr('院区平面图地址', 'Site plan URL')}
              rules={[{ max: 500 }]}
            >
              <Input />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="sort" label={tr('排序', 'Sort')}>
              <InputNumber min={0} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="enabled" label={tr('启用', 'Enabled')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Col>
        </Row>
      )}
    />
  );
}
