import { Col, Form, Input, Row, Select, Typography } from 'antd';
import { indicators, type Indicator } from '../../api/reports';
import { CrudPage } from '../../components/CrudPage';
import { dateTime } from '../../format';
import { useTr } from '../../i18n';

type Row = Indicator & { id: string };

const text = (v: string | null | undefined) => {
  const t = (v ?? '').trim();
  return t ? t : null;
};

/**
 * The indicator knowledge base (RPT): what each lab indicator measures and what a high or low
 * value may mean, in plain language. Patients read these next to their flagged results.
 */
export function IndicatorsPage() {
  const tr = useTr();
  return (
    <CrudPage<Row>
      title={tr('指标知识库', 'Indicator knowledge base')}
      queryKey="indicators"
      resource={indicators}
      testId="indicator"
      search={{ placeholder: tr('代码 / 名称 / 别名', 'Code, name or alias') }}
      modalWidth={760}
      columns={[
        {
          title: tr('代码', 'Code'),
          dataIndex: 'code',
          render: (c: string) => <span data-testid={`indicator-row-${c}`}>{c}</span>,
        },
        { title: tr('名称', 'Name'), dataIndex: 'name' },
        { title: tr('类别', 'Category'), dataIndex: 'category' },
        { title: tr('单位', 'Unit'), dataIndex: 'unit' },
        {
          title: tr('含义', 'Meaning'),
          dataIndex: 'meaning',
          render: (m: string, r) => (
            <Typography.Text
              style={{ maxWidth: 360, display: 'inline-block' }}
              ellipsis={{ tooltip: m }}
              data-testid={`indicator-meaning-${r.code}`}
            >
              {m}
            </Typography.Text>
          ),
        },
        { title: tr('更新时间', 'Updated'), dataIndex: 'updatedAt', render: dateTime },
      ]}
      toForm={(r) => ({ ...r, aliases: r.aliases ?? [] })}
      fromForm={(v: Row, editing) => ({
        ...(editing ? {} : { code: v.code.trim() }),
        name: v.name.trim(),
        aliases: (v.aliases ?? []).map((a) => a.trim()).filter(Boolean),
        category: v.category.trim(),
        unit: text(v.unit),
        meaning: v.meaning.trim(),
        highMeaning: text(v.highMeaning),
        lowMeaning: text(v.lowMeaning),
        advice: text(v.advice),
      })}
      renderForm={(editing) => (
        <>
          <Row gutter={16}>
            <Col span={8}>
              <Form.Item
                name="code"
                label={tr('代码', 'Code')}
                rules={[
                  { required: true },
                  {
                    pattern: /^[A-Za-z][A-Za-z0-9%+-]{0,31}$/,
                    message: tr(
                      '字母开头，可含字母、数字和 % + -',
                      'A letter, then letters, digits and % + -',
                    ),
                  },
                ]}
              >
                <Input disabled={!!editing} data-testid="indicator-code" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item
                name="name"
                label={tr('名称', 'Name')}
                rules={[{ required: true, whitespace: true }, { max: 100 }]}
              >
                <Input data-testid="indicator-name" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item
                name="category"
                label={tr('类别', 'Category')}
                rules={[{ required: true, whitespace: true }, { max: 50 }]}
              >
                <Input placeholder={tr('如 血常规', 'e.g. blood routine')} data-testid="indicator-category" />
              </Form.Item>
            </Col>
          </Row>
          <Row gutter={16}>
            <Col span={8}>
              <Form.Item name="unit" label={tr('单位', 'Unit')} rules={[{ max: 32 }]}>
                <Input data-testid="indicator-unit" />
              </Form.Item>
            </Col>
            <Col span={16}>
              <Form.Item
                name="aliases"
                label={tr('别名（回车添加）', 'Aliases (Enter to add)')}
                rules={[{ type: 'array', max: 20 }]}
              >
                <Select
                  mode="tags"
                  open={false}
                  tokenSeparators={[',', '，']}
                  data-testid="indicator-aliases"
                />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item
            name="meaning"
            label={tr('通俗解读：这个指标是什么', 'Plain-language meaning')}
            rules={[{ required: true, whitespace: true }, { max: 1000 }]}
          >
            <Input.TextArea rows={3} showCount maxLength={1000} data-testid="indicator-meaning" />
          </Form.Item>
          <Form.Item name="highMeaning" label={tr('偏高可能意味着', 'When high')} rules={[{ max: 1000 }]}>
            <Input.TextArea rows={2} data-testid="indicator-high" />
          </Form.Item>
          <Form.Item name="lowMeaning" label={tr('偏低可能意味着', 'When low')} rules={[{ max: 1000 }]}>
            <Input.TextArea rows={2} data-testid="indicator-low" />
          </Form.Item>
          <Form.Item
            name="advice"
            label={tr('建议与参考说明', 'Advice and reference notes')}
            rules={[{ max: 1000 }]}
          >
            <Input.TextArea rows={2} data-testid="indicator-advice" />
          </Form.Item>
        </>
      )}
    />
  );
}
