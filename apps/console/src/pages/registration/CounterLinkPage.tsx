import { useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Modal, Radio, Select, Space, Table, Tag } from 'antd';
import { useMutation } from '@tanstack/react-query';
import {
  counterDocumentLabels,
  genderLabels,
  recordsAccessLabels,
  relationLabels,
  type CounterDocument,
} from '@qingnang/contracts';
import { findPatientsAtCounter, linkAtCounter, type CounterPatient } from '../../api/patients';
import { dateTime } from '../../format';
import { useTr } from '../../i18n';
import { CodeTag, codeLabel } from '../../labels';

const ACCESS_COLORS = {
  open: 'green',
  unverified: 'red',
  consent_pending: 'orange',
  guardian_pending: 'orange',
} as const;

/**
 * 窗口实名关联 (issue 9, PIPL Art. 31): staff who see the identity documents in person verify an
 * identity and open a family member's records, above all a child under 14 whom no SMS can consent
 * for: the guardian brings the household register or the birth certificate. Found by the full ID
 * number or phone (blind index; the server audits the search); the link itself is audited too.
 */
export function CounterLinkPage() {
  const tr = useTr();
  const { message } = App.useApp();
  const [by, setBy] = useState<'idNumber' | 'phone'>('idNumber');
  const [found, setFound] = useState<CounterPatient[] | null>(null);
  const [term, setTerm] = useState<{ idNumber?: string; phone?: string }>({});
  const [linking, setLinking] = useState<CounterPatient | null>(null);
  const [document, setDocument] = useState<CounterDocument>('household_register');

  const search = useMutation({
    mutationFn: (q: { idNumber?: string; phone?: string }) => findPatientsAtCounter(q),
    onSuccess: (items) => setFound(items),
    onError: (e) => message.error((e as Error).message),
  });
  const link = useMutation({
    mutationFn: (p: CounterPatient) => linkAtCounter(p.id, document),
    onSuccess: (r) => {
      message.success(
        r.released.length
          ? tr(
              '已核验并关联；该身份在其他账号的"本人"已解除',
              'Verified and linked; the other account\'s "self" of this identity was released',
            )
          : tr(
              '已核验并关联，该账号现在可查看就诊记录',
              'Verified and linked: the account now sees the records',
            ),
      );
      setLinking(null);
      search.mutate(term);
    },
    onError: (e) => message.error((e as Error).message),
  });

  const onSearch = (values: { value: string }) => {
    const q = { [by]: values.value.replace(/\s+/g, '').toUpperCase() };
    setTerm(q);
    search.mutate(q);
  };

  return (
    <Card title={tr('窗口实名关联', 'Counter identity link')} data-testid="counter-link">
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        message={tr(
          '请先当面核对证件原件：未满 14 周岁的儿童由监护人出示户口簿或出生医学证明；本人申诉出示居民身份证。关联后，持有该就诊人的账号即可查看其就诊记录。',
          'Check the original documents in person first: for a child under 14 the guardian shows the household register or birth certificate; a "self" appeal shows the resident ID card. Once linked, the account holding the patient sees their records.',
        )}
      />
      <Form layout="inline" onFinish={onSearch} style={{ marginBottom: 16 }}>
        <Form.Item>
          <Select
            value={by}
            onChange={setBy}
            style={{ width: 130 }}
            options={[
              { value: 'idNumber', label: tr('证件号码', 'ID number') },
              { value: 'phone', label: tr('手机号', 'Phone') },
            ]}
            data-testid="counter-link-by"
          />
        </Form.Item>
        <Form.Item
          name="value"
          rules={[{ required: true, message: tr('请输入完整号码', 'Enter the full number') }]}
        >
          <Input
            allowClear
            style={{ width: 260 }}
            placeholder={
              by === 'idNumber' ? tr('完整证件号码', 'Full ID number') : tr('完整手机号', 'Full phone number')
            }
            data-testid="counter-link-term"
          />
        </Form.Item>
        <Form.Item>
          <Button
            type="primary"
            htmlType="submit"
            loading={search.isPending}
            data-testid="counter-link-search"
          >
            {tr('查找就诊人', 'Find patients')}
          </Button>
        </Form.Item>
      </Form>
      {found && (
        <Table<CounterPatient>
          rowKey="id"
          size="small"
          dataSource={found}
          pagination={false}
          data-testid="counter-link-table"
          locale={{ emptyText: tr('没有找到就诊人', 'No patient found') }}
          columns={[
            { title: tr('姓名', 'Name'), dataIndex: 'name' },
            {
              title: tr('性别 / 年龄', 'Gender / age'),
              key: 'age',
              render: (_, p) => `${codeLabel(tr, genderLabels, p.gender)} / ${p.age ?? ''}${tr('岁', ' y')}`,
            },
            { title: tr('证件号码', 'ID number'), dataIndex: 'idNumberMasked' },
            {
              title: tr('与账号持有人关系', 'Relation to the account holder'),
              dataIndex: 'relation',
              render: (r: string) => codeLabel(tr, relationLabels, r),
            },
            { title: tr('手机号', 'Phone'), dataIndex: 'phoneMasked' },
            {
              title: tr('就诊记录', 'Records'),
              dataIndex: 'recordsAccess',
              render: (a: string) => (
                <CodeTag tr={tr} table={recordsAccessLabels} code={a} colors={ACCESS_COLORS} />
              ),
            },
            { title: tr('添加时间', 'Added'), dataIndex: 'createdAt', render: dateTime },
            {
              title: tr('操作', 'Actions'),
              key: 'actions',
              render: (_, p) =>
                p.recordsAccess === 'open' ? (
                  <Tag color="green">{tr('无需办理', 'Nothing to do')}</Tag>
                ) : (
                  <Button
                    size="small"
                    type="primary"
                    onClick={() => {
                      setDocument(p.age != null && p.age < 14 ? 'household_register' : 'resident_id_card');
                      setLinking(p);
                    }}
                    data-testid={`counter-link-open-${p.id}`}
                  >
                    {tr('核验并关联', 'Verify and link')}
                  </Button>
                ),
            },
          ]}
        />
      )}
      <Modal
        open={!!linking}
        title={tr('核验证件并关联', 'Verify documents and link')}
        okText={tr('确认关联', 'Link')}
        cancelText={tr('取消', 'Cancel')}
        confirmLoading={link.isPending}
        onOk={() => linking && link.mutate(linking)}
        onCancel={() => setLinking(null)}
        okButtonProps={{ 'data-testid': 'counter-link-confirm' } as never}
      >
        {linking && (
          <Space direction="vertical" style={{ width: '100%' }}>
            <span>
              {tr(
                `就诊人 ${linking.name}（${codeLabel(tr, relationLabels, linking.relation)}，${linking.age ?? ''} 岁），证件 ${linking.idNumberMasked}`,
                `Patient ${linking.name} (${codeLabel(tr, relationLabels, linking.relation)}, ${linking.age ?? ''}), ID ${linking.idNumberMasked}`,
              )}
            </span>
            <span>{tr('当面核对的证件：', 'Document seen in person:')}</span>
            <Radio.Group
              value={document}
              onChange={(e) => setDocument(e.target.value as CounterDocument)}
              data-testid="counter-link-document"
            >
              <Space direction="vertical">
                {(Object.keys(counterDocumentLabels) as CounterDocument[]).map((d) => (
                  <Radio key={d} value={d}>
                    {codeLabel(tr, counterDocumentLabels, d)}
                  </Radio>
                ))}
              </Space>
            </Radio.Group>
          </Space>
        )}
      </Modal>
    </Card>
  );
}
