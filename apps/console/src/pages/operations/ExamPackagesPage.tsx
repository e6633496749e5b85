import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Checkbox,
  Col,
  DatePicker,
  Drawer,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { ApiError } from '../../api/client';
import { examPackages, getCapacity, setCapacity, type CapacityDay, type ExamPackage } from '../../api/exams';
import { CrudPage } from '../../components/CrudPage';
import { applyServerErrors } from '../../components/serverErrors';
import { hospitalToday, toFen, yuan } from '../../format';
import { useTr, type Tr } from '../../i18n';

const genderLabel = (tr: Tr, g: string) =>
  g === 'male' ? tr('男', 'Male') : g === 'female' ? tr('女', 'Female') : tr('不限', 'Any');

const WEEKDAYS = (tr: Tr) =>
  [
    tr('一', 'Mon'),
    tr('二', 'Tue'),
    tr('三', 'Wed'),
    tr('四', 'Thu'),
    tr('五', 'Fri'),
    tr('六', 'Sat'),
    tr('日', 'Sun'),
  ].map((label, i) => ({ value: i + 1, label }));

const isoWeekday = (d: string) => {
  const w = dayjs(d).day();
  return w === 0 ? 7 : w;
};

type PackageForm = Omit<ExamPackage, 'priceFen'> & { priceYuan: number };

const optional = (v: string | null | undefined) => {
  const t = (v ?? '').trim();
  return t ? t : null;
};

/** Physical-exam packages (EXAM): items, price, who they suit, and the daily capacity per date. */
export function ExamPackagesPage() {
  const tr = useTr();
  const [capacityOf, setCapacityOf] = useState<ExamPackage | null>(null);
  return (
    <>
      <CrudPage<ExamPackage>
        title={tr('体检套餐', 'Physical-exam packages')}
        queryKey="exam-packages"
        resource={examPackages}
        testId="exam-package"
        rowTestKey={(p) => p.code}
        modalWidth={880}
        newDefaults={{ gender: 'any', state: 'active', sort: 0, items: [{}] }}
        columns={[
          {
            title: tr('编码', 'Code'),
            dataIndex: 'code',
            render: (c: string) => <span data-testid={`exam-package-row-${c}`}>{c}</span>,
          },
          { title: tr('名称', 'Name'), dataIndex: 'name' },
          { title: tr('价格（元）', 'Price'), dataIndex: 'priceFen', align: 'right', render: yuan },
          { title: tr('适用性别', 'Gender'), dataIndex: 'gender', render: (g: string) => genderLabel(tr, g) },
          {
            title: tr('适用年龄', 'Age'),
            key: 'age',
            render: (_, p) =>
              p.minAge == null && p.maxAge == null
                ? tr('不限', 'Any')
                : `${p.minAge ?? 0}–${p.maxAge ?? '∞'}`,
          },
          { title: tr('项目数', 'Items'), dataIndex: 'itemCount', align: 'right' },
          {
            title: tr('状态', 'State'),
            dataIndex: 'state',
            render: (s: string) =>
              s === 'active' ? (
                <Tag color="green">{tr('上架', 'Active')}</Tag>
              ) : (
                <Tag>{tr('下架', 'Inactive')}</Tag>
              ),
          },
        ]}
        rowActions={(p) => (
          <Button
            size="small"
            type="link"
            onClick={() => setCapacityOf(p)}
            data-testid={`exam-capacity-${p.code}`}
          >
            {tr('每日名额', 'Daily capacity')}
          </Button>
        )}
        toForm={(p) => ({ ...p, priceYuan: p.priceFen / 100 })}
        fromForm={(v: PackageForm, editing) => ({
          ...(editing ? {} : { code: v.code.trim() }),
          name: v.name.trim(),
          description: (v.description ?? '').trim(),
          priceFen: toFen(v.priceYuan),
          gender: v.gender,
          minAge: v.minAge ?? null,
          maxAge: v.maxAge ?? null,
          notes: optional(v.notes),
          state: v.state,
          sort: v.sort ?? 0,
          items: (v.items ?? []).map((i) => ({
            name: i.name.trim(),
            category: i.category.trim(),
            meaning: optional(i.meaning),
            notes: optional(i.notes),
          })),
        })}
        renderForm={(editing) => <PackageFields editing={!!editing} />}
      />
      <CapacityDrawer pkg={capacityOf} onClose={() => setCapacityOf(null)} />
    </>
  );
}

function PackageFields({ editing }: { editing: boolean }) {
  const tr = useTr();
  return (
    <>
      <Row gutter={16}>
        <Col span={6}>
          <Form.Item
            name="code"
            label={tr('编码', 'Code')}
            rules={[
              { required: true },
              {
                pattern: /^[A-Za-z0-9_-]{2,32}$/,
                message: tr('2-32 位字母、数字、_ 或 -', '2-32 letters, digits, _ or -'),
              },
            ]}
          >
            <Input disabled={editing} data-testid="exam-package-code" />
          </Form.Item>
        </Col>
        <Col span={10}>
          <Form.Item
            name="name"
            label={tr('名称', 'Name')}
            rules={[{ required: true, whitespace: true }, { max: 60 }]}
          >
            <Input data-testid="exam-package-name" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item
            name="priceYuan"
            label={tr('价格（元）', 'Price (yuan)')}
            rules={[
              { required: true },
              {
                validator: (_, v) =>
                  v == null || toFen(v) > 0
                    ? Promise.resolve()
                    : Promise.reject(new Error(tr('价格须大于 0', 'The price must be above 0'))),
              },
            ]}
          >
            <InputNumber
              min={0.01}
              precision={2}
              style={{ width: '100%' }}
              data-testid="exam-package-price"
            />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col span={6}>
          <Form.Item name="gender" label={tr('适用性别', 'Gender')}>
            <Select
              options={['any', 'male', 'female'].map((g) => ({
                value: g,
                label: genderLabel(tr, g),
              }))}
            />
          </Form.Item>
        </Col>
        <Col span={5}>
          <Form.Item name="minAge" label={tr('最小年龄', 'Min age')}>
            <InputNumber min={0} max={150} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col span={5}>
          <Form.Item
            name="maxAge"
            label={tr('最大年龄', 'Max age')}
            dependencies={['minAge']}
            rules={[
              ({ getFieldValue }) => ({
                validator: (_, v) => {
                  const min = getFieldValue('minAge');
                  return v == null || min == null || v >= min
                    ? Promise.resolve()
                    : Promise.reject(new Error(tr('不能小于最小年龄', 'Not below the min age')));
                },
              }),
            ]}
          >
            <InputNumber min={0} max={150} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col span={4}>
          <Form.Item name="state" label={tr('状态', 'State')}>
            <Select
              options={[
                { value: 'active', label: tr('上架', 'Active') },
                { value: 'inactive', label: tr('下架', 'Inactive') },
              ]}
            />
          </Form.Item>
        </Col>
        <Col span={4}>
          <Form.Item name="sort" label={tr('排序', 'Sort')}>
            <InputNumber min={0} max={10000} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="description" label={tr('套餐介绍', 'Description')} rules={[{ max: 2000 }]}>
        <Input.TextArea rows={2} data-testid="exam-package-description" />
      </Form.Item>
      <Form.Item name="notes" label={tr('注意事项', 'Notes')} rules={[{ max: 1000 }]}>
        <Input.TextArea rows={2} placeholder={tr('如：检查前一晚 22 点后禁食', 'e.g. fast after 22:00')} />
      </Form.Item>
      <Typography.Title level={5}>{tr('检查项目', 'Items')}</Typography.Title>
      <Form.List
        name="items"
        rules={[
          {
            validator: async (_, items) => {
              if (!items || items.length < 1) throw new Error(tr('至少一个检查项目', 'At least one item'));
            },
          },
        ]}
      >
        {(fields, { add, remove }, { errors }) => (
          <>
            {fields.map((f, i) => (
              <Row key={f.key} gutter={8} align="top">
                <Col span={6}>
                  <Form.Item
                    name={[f.name, 'name']}
                    rules={[
                      { required: true, whitespace: true, message: tr('项目名称', 'Item name') },
                      { max: 60 },
                    ]}
                  >
                    <Input placeholder={tr('项目名称', 'Item name')} data-testid={`exam-item-name-${i}`} />
                  </Form.Item>
                </Col>
                <Col span={4}>
                  <Form.Item
                    name={[f.name, 'category']}
                    rules={[
                      { required: true, whitespace: true, message: tr('类别', 'Category') },
                      { max: 30 },
                    ]}
                  >
                    <Input placeholder={tr('类别', 'Category')} data-testid={`exam-item-category-${i}`} />
                  </Form.Item>
                </Col>
                <Col span={7}>
                  <Form.Item name={[f.name, 'meaning']} rules={[{ max: 500 }]}>
                    <Input placeholder={tr('检查意义', 'What it checks')} />
                  </Form.Item>
                </Col>
                <Col span={6}>
                  <Form.Item name={[f.name, 'notes']} rules={[{ max: 300 }]}>
                    <Input placeholder={tr('备注', 'Notes')} />
                  </Form.Item>
                </Col>
                <Col span={1}>
                  <MinusCircleOutlined
                    style={{ marginTop: 8 }}
                    onClick={() => remove(f.name)}
                    data-testid={`exam-item-remove-${i}`}
                  />
                </Col>
              </Row>
            ))}
            <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({})} data-testid="exam-item-add">
              {tr('添加项目', 'Add an item')}
            </Button>
            <Form.ErrorList errors={errors} />
          </>
        )}
      </Form.List>
    </>
  );
}

interface CapacityForm {
  from: Dayjs;
  to: Dayjs;
  weekdays?: number[];
  capacity?: number | null;
  open: 'keep' | 'open' | 'close';
}

const DAYS_SHOWN = 14;

/** A package's daily capacity: two weeks at a glance, one date or a range set at once. */
function CapacityDrawer({ pkg, onClose }: { pkg: ExamPackage | null; onClose: () => void }) {
  const tr = useTr();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<CapacityForm>();
  const [start, setStart] = useState(hospitalToday());
  const [belowTaken, setBelowTaken] = useState<string[] | null>(null);
  const end = dayjs(start)
    .add(DAYS_SHOWN - 1, 'day')
    .format('YYYY-MM-DD');
  const days = useQuery({
    queryKey: ['exam-capacity', pkg?.id, start, end],
    queryFn: () => getCapacity(pkg!.id, start, end),
    enabled: !!pkg,
  });
  const byDate = new Map((days.data?.items ?? []).map((d) => [d.date, d]));
  const rows = Array.from({ length: DAYS_SHOWN }, (_, i) => {
    const date = dayjs(start).add(i, 'day').format('YYYY-MM-DD');
    return { date, day: byDate.get(date) };
  });

  const save = useMutation({
    mutationFn: (v: CapacityForm) =>
      setCapacity(pkg!.id, {
        from: v.from.format('YYYY-MM-DD'),
        to: v.to.format('YYYY-MM-DD'),
        ...(v.weekdays && v.weekdays.length < 7 ? { weekdays: v.weekdays } : {}),
        ...(v.capacity != null ? { capacity: v.capacity } : {}),
        ...(v.open === 'keep' ? {} : { closed: v.open === 'close' }),
      }),
    onSuccess: () => {
      setBelowTaken(null);
      message.success(tr('名额已保存', 'Capacity saved'));
      void qc.invalidateQueries({ queryKey: ['exam-capacity', pkg?.id] });
    },
    onError: (e) => {
      const dates = e instanceof ApiError ? (e.problem?.details?.dates as string[] | undefined) : undefined;
      setBelowTaken(dates ?? null);
      message.error(applyServerErrors(form, e));
      // show what is booked now (the refusal means the table was out of date)
      void qc.invalidateQueries({ queryKey: ['exam-capacity', pkg?.id] });
    },
  });

  const editDate = (d: { date: string; day?: CapacityDay }) => {
    setBelowTaken(null);
    form.setFieldsValue({
      from: dayjs(d.date),
      to: dayjs(d.date),
      weekdays: undefined,
      capacity: d.day?.capacity ?? null,
      open: 'keep',
    });
  };

  return (
    <Drawer
      open={!!pkg}
      onClose={onClose}
      size={760}
      title={pkg ? `${tr('每日名额', 'Daily capacity')} · ${pkg.name}` : ''}
      afterOpenChange={(o) => {
        if (!o) {
          form.resetFields();
          setBelowTaken(null);
        }
      }}
      data-testid="capacity-drawer"
    >
      <Form<CapacityForm>
        form={form}
        layout="vertical"
        initialValues={{ from: dayjs(start), to: dayjs(start), open: 'keep' }}
        onFinish={(v) => save.mutate(v)}
      >
        <Row gutter={12}>
          <Col span={6}>
            <Form.Item name="from" label={tr('开始日期', 'From')} rules={[{ required: true }]}>
              <DatePicker allowClear={false} style={{ width: '100%' }} data-testid="capacity-from" />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item
              name="to"
              label={tr('结束日期', 'To')}
              dependencies={['from']}
              rules={[
                { required: true },
                ({ getFieldValue }) => ({
                  validator: (_, v: Dayjs | undefined) => {
                    const from: Dayjs | undefined = getFieldValue('from');
                    if (!v || !from) return Promise.resolve();
                    if (v.isBefore(from, 'day'))
                      return Promise.reject(new Error(tr('不能早于开始日期', 'Not before the start')));
                    if (v.diff(from, 'day') > 365)
                      return Promise.reject(new Error(tr('一次最多 366 天', 'At most 366 days')));
                    return Promise.resolve();
                  },
                }),
              ]}
            >
              <DatePicker allowClear={false} style={{ width: '100%' }} data-testid="capacity-to" />
            </Form.Item>
          </Col>
          <Col span={5}>
            <Form.Item name="capacity" label={tr('每日名额', 'Places per day')}>
              <InputNumber
                min={0}
                max={10000}
                precision={0}
                style={{ width: '100%' }}
                data-testid="capacity-count"
              />
            </Form.Item>
          </Col>
          <Col span={7}>
            <Form.Item
              name="open"
              label={tr('开放状态', 'Open or closed')}
              dependencies={['capacity']}
              rules={[
                ({ getFieldValue }) => ({
                  validator: (_, v) =>
                    v === 'keep' && getFieldValue('capacity') == null
                      ? Promise.reject(
                          new Error(tr('请填写名额或选择开放/关闭', 'Give a capacity or open / close')),
                        )
                      : Promise.resolve(),
                }),
              ]}
            >
              <Radio.Group
                optionType="button"
                size="small"
                data-testid="capacity-open"
                options={[
                  { value: 'keep', label: tr('不变', 'Keep') },
                  { value: 'open', label: tr('开放', 'Open') },
                  { value: 'close', label: tr('关闭', 'Close') },
                ]}
              />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item
          name="weekdays"
          label={tr('仅这些星期（不选为每天）', 'Only these weekdays (none = every day)')}
        >
          <Checkbox.Group options={WEEKDAYS(tr)} data-testid="capacity-weekdays" />
        </Form.Item>
        {belowTaken && (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 12 }}
            data-testid="capacity-below-taken"
            title={tr(
              `以下日期已预约人数超过新名额，未做任何修改：${belowTaken.join('、')}`,
              `These dates already have more bookings than the new capacity; nothing was changed: ${belowTaken.join(', ')}`,
            )}
          />
        )}
        <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="capacity-save">
          {tr('保存名额', 'Save capacity')}
        </Button>
      </Form>

      <Space style={{ margin: '20px 0 8px' }}>
        <Button
          size="small"
          onClick={() => setStart(dayjs(start).subtract(DAYS_SHOWN, 'day').format('YYYY-MM-DD'))}
          data-testid="capacity-prev"
        >
          {tr('前两周', 'Previous')}
        </Button>
        <Typography.Text>
          {start} ~ {end}
        </Typography.Text>
        <Button
          size="small"
          onClick={() => setStart(dayjs(start).add(DAYS_SHOWN, 'day').format('YYYY-MM-DD'))}
          data-testid="capacity-next"
        >
          {tr('后两周', 'Next')}
        </Button>
      </Space>
      {days.error && <Alert type="error" showIcon title={(days.error as Error).message} />}
      <Table
        rowKey="date"
        size="small"
        pagination={false}
        loading={days.isLoading}
        dataSource={rows}
        columns={[
          {
            title: tr('日期', 'Date'),
            dataIndex: 'date',
            render: (d: string) => `${d}（${WEEKDAYS(tr)[isoWeekday(d) - 1].label}）`,
          },
          {
            title: tr('名额', 'Capacity'),
            key: 'c',
            render: (_, r) => (
              <span data-testid={`capacity-cell-${r.date}`}>
                {r.day ? r.day.capacity : tr('未设置', 'Not set')}
              </span>
            ),
          },
          { title: tr('已约', 'Taken'), key: 't', render: (_, r) => r.day?.taken ?? 0 },
          { title: tr('剩余', 'Left'), key: 'r', render: (_, r) => (r.day ? r.day.remaining : '') },
          {
            title: tr('状态', 'State'),
            key: 's',
            render: (_, r) =>
              !r.day ? (
                <Tag>{tr('不可约', 'Not bookable')}</Tag>
              ) : r.day.closed ? (
                <Tag color="red" data-testid={`capacity-closed-${r.date}`}>
                  {tr('已关闭', 'Closed')}
                </Tag>
              ) : (
                <Tag color="green">{tr('开放', 'Open')}</Tag>
              ),
          },
          {
            title: tr('操作', 'Actions'),
            key: 'a',
            render: (_, r) => (
              <Button
                size="small"
                type="link"
                onClick={() => editDate(r)}
                data-testid={`capacity-edit-${r.date}`}
              >
                {tr('设置', 'Set')}
              </Button>
            ),
          },
        ]}
      />
    </Drawer>
  );
}
