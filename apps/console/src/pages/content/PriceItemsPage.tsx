import { Col, Form, Input, InputNumber, Row, Select, Switch, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { listPriceCategories, priceItems, type PriceItem } from '../../api/directory';
import { CrudPage } from '../../components/CrudPage';
import { toFen, yuan } from '../../format';
import { useTr } from '../../i18n';

export function PriceItemsPage() {
  const tr = useTr();
  const cats = useQuery({ queryKey: ['price-categories'], queryFn: listPriceCategories });
  return (
    <CrudPage<PriceItem & { priceYuan?: number }>
      title={tr('价格公示', 'Price list')}
      queryKey="price-items"
      serverPaging
      resource={priceItems}
      testId="price"
      search={{ placeholder: tr('名称 / 拼音首字母', 'Name or pinyin initials') }}
      filters={(set, q) => (
        <Select
          allowClear
          placeholder={tr('类别', 'Category')}
          style={{ width: 160 }}
          value={q.category as string | undefined}
          onChange={(v) => set({ category: v })}
          options={(cats.data ?? []).map((c) => ({ value: c, label: c }))}
        />
      )}
      newDefaults={{ enabled: true }}
      columns={[
        { title: tr('编码', 'Code'), dataIndex: 'code' },
        { title: tr('名称', 'Name'), dataIndex: 'name' },
        { title: tr('类别', 'Category'), dataIndex: 'category' },
        { title: tr('规格', 'Spec'), dataIndex: 'spec' },
        { title: tr('单位', 'Unit'), dataIndex: 'unit' },
        {
          title: tr('单价（元）', 'Price (yuan)'),
          dataIndex: 'priceFen',
          align: 'right',
          render: (f: number) => yuan(f),
        },
        {
          title: tr('状态', 'Status'),
          dataIndex: 'enabled',
          render: (v: boolean) =>
            v ? <Tag color="green">{tr('启用', 'Enabled')}</Tag> : <Tag>{tr('停用', 'Disabled')}</Tag>,
        },
      ]}
      toForm={(p) => ({ ...p, priceYuan: p.priceFen / 100 })}
      fromForm={(v: PriceItem & { priceYuan: number }) => ({
        code: v.code,
        name: v.name,
        category: Array.isArray(v.category) ? v.category[0] : v.category,
        spec: v.spec ?? '',
        unit: v.unit ?? '',
        priceFen: toFen(v.priceYuan),
        enabled: v.enabled ?? true,
      })}
      renderForm={() => (
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item
              name="code"
              label={tr('编码', 'Code')}
              rules={[{ required: true, whitespace: true }, { max: 50 }]}
            >
              <Input />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="category"
              label={tr('类别', 'Category')}
              rules={[{ required: true }, { max: 50 }]}
            >
              <Select showSearch options={(cats.data ?? []).map((c) => ({ value: c, label: c }))} />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item
              name="name"
              label={tr('名称', 'Name')}
              rules={[{ required: true, whitespace: true }, { max: 200 }]}
            >
              <Input />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="spec" label={tr('规格', 'Spec')} rules={[{ max: 100 }]}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="unit" label={tr('单位', 'Unit')} rules={[{ max: 20 }]}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="priceYuan"
              label={tr('单价（元）', 'Price (yuan)')}
              rules={[
                { required: true },
                {
                  type: 'number',
                  min: 0,
                  max: 10_000_000,
                  message: tr('价格须在 0 到 1000 万元之间', 'Price must be 0 to 10,000,000 yuan'),
                },
              ]}
            >
              <InputNumber
                min={0}
                precision={2}
                step={0.01}
                style={{ width: '100%' }}
                data-testid="price-yuan"
              />
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
