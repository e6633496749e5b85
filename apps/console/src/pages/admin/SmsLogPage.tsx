import { useState } from 'react';
import { Card, Input, Space, Table, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { listSmsMessages, type SmsMessage } from '../../api/staff';
import { dateTime } from '../../format';
import { useTr } from '../../i18n';

export function SmsLogPage() {
  const tr = useTr();
  const [phone, setPhone] = useState('');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const query = { phone: phone || undefined, page, pageSize };
  const list = useQuery({ queryKey: ['sms-messages', query], queryFn: () => listSmsMessages(query) });
  return (
    <Card
      title={tr('短信发送记录', 'SMS delivery log')}
      extra={
        <Space>
          <Input.Search
            allowClear
            placeholder={tr('手机号', 'Phone number')}
            onSearch={(v) => {
              setPhone(v.trim());
              setPage(1);
            }}
            style={{ width: 220 }}
          />
        </Space>
      }
    >
      <Table<SmsMessage>
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={list.data?.items}
        scroll={{ x: 'max-content' }}
        pagination={{
          current: page,
          pageSize,
          total: list.data?.total,
          onChange: (p, s) => {
            setPage(p);
            setPageSize(s);
          },
        }}
        columns={[
          { title: tr('时间', 'Time'), dataIndex: 'createdAt', render: dateTime, width: 170 },
          { title: tr('手机号', 'Phone'), dataIndex: 'phoneMasked' },
          { title: tr('用途', 'Purpose'), key: 'purpose', render: (_, m) => m.purpose ?? m.template },
          { title: tr('内容', 'Content'), dataIndex: 'content' },
          { title: tr('通道', 'Provider'), dataIndex: 'provider' },
          {
            title: tr('状态', 'Status'),
            dataIndex: 'status',
            render: (s?: string) =>
              s ? (
                <Tag color={s === 'sent' || s === 'delivered' ? 'green' : s === 'failed' ? 'red' : 'default'}>
                  {s}
                </Tag>
              ) : null,
          },
        ]}
      />
      {list.error && <div style={{ color: '#cf1322' }}>{(list.error as Error).message}</div>}
    </Card>
  );
}
