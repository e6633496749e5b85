import { App, Button, Select, Typography } from 'antd';
import {
  einvoiceKindLabels,
  einvoiceStateLabels,
  invoiceStatusLabels,
  type EInvoiceState,
  type InvoiceStatus,
} from '@qingnang/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { listEInvoices, reissueEInvoice, type EInvoice } from '../../api/invoicing';
import { useMe } from '../../auth';
import { ListPage } from '../../components/ListPage';
import { dateTime, yuan } from '../../format';
import { useTr, type Tr } from '../../i18n';
import { CodeTag, codeLabel } from '../../labels';
import { holds } from '../../menu';

// Words come from the shared tables (@qingnang/contracts); only the tag colours are the console's.
const STATUS_COLORS: Partial<Record<InvoiceStatus, string>> = {
  issuing: 'processing',
  issued: 'green',
  printed: 'blue',
  reversed: 'orange',
  failed: 'red',
};

const statusTag = (tr: Tr, s: string) => (
  <CodeTag tr={tr} table={invoiceStatusLabels} code={s} colors={STATUS_COLORS} />
);

/** The states finance filters by (the stored e-invoice states). */
const FILTER_STATES: EInvoiceState[] = ['pending', 'issued', 'failed', 'cancelled'];

/** E-invoices of paid bills (PAY-10, 11): finance follows failed ones and re-issues them. */
export function EInvoicesPage() {
  const tr = useTr();
  const me = useMe();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const mayReissue = holds(me?.permissions ?? [], 'einvoices.manage');
  const reissue = useMutation({
    mutationFn: (id: string) => reissueEInvoice(id),
    onSuccess: (inv) => {
      if (inv.state === 'issued') message.success(tr('已重新开具', 'Issued'));
      else message.warning(tr('仍未开具成功，系统将继续重试', 'Not issued yet; the platform keeps retrying'));
      void qc.invalidateQueries({ queryKey: ['einvoices'] });
    },
    onError: (e) => message.error((e as Error).message),
  });
  return (
    <ListPage<EInvoice>
      title={tr('电子票据', 'E-invoices')}
      queryKey="einvoices"
      fetch={listEInvoices}
      serverPaging={false}
      showTotal
      testId="einvoices"
      quickFilters={(set, q) => (
        <>
          <Select
            allowClear
            placeholder={tr('开具状态', 'State')}
            style={{ width: 140 }}
            value={q.state as string | undefined}
            onChange={(v) => set({ state: v })}
            data-testid="einvoices-state"
            options={FILTER_STATES.map((v) => ({ value: v, label: codeLabel(tr, einvoiceStateLabels, v) }))}
          />
          <Select
            allowClear
            placeholder={tr('蓝字 / 红字', 'Blue / red')}
            style={{ width: 130 }}
            value={q.kind as string | undefined}
            onChange={(v) => set({ kind: v })}
            options={(['blue', 'red'] as const).map((v) => ({
              value: v,
              label: codeLabel(tr, einvoiceKindLabels, v),
            }))}
          />
        </>
      )}
      columns={[
        {
          title: tr('票据号码', 'Invoice'),
          key: 'no',
          render: (_, r) =>
            r.invoiceNo ? (
              <Typography.Text copyable={{ text: `${r.invoiceCode} ${r.invoiceNo}` }}>
                {r.invoiceCode}-{r.invoiceNo}
              </Typography.Text>
            ) : (
              <Typography.Text type="secondary">{tr('未开具', 'Not issued')}</Typography.Text>
            ),
        },
        {
          title: tr('类型', 'Kind'),
          dataIndex: 'kind',
          render: (k: string) => (
            <CodeTag tr={tr} table={einvoiceKindLabels} code={k} colors={{ red: 'red', blue: 'blue' }} />
          ),
        },
        { title: tr('项目', 'Title'), dataIndex: 'title', ellipsis: true },
        { title: tr('交款人', 'Payer'), dataIndex: 'payerName' },
        { title: tr('金额（元）', 'Amount'), dataIndex: 'amountFen', align: 'right', render: yuan },
        {
          title: tr('订单号', 'Order number'),
          dataIndex: 'orderNo',
          render: (n: string | null, r) => <span data-testid={`einvoice-order-${n ?? r.id}`}>{n}</span>,
        },
        { title: tr('状态', 'Status'), dataIndex: 'status', render: (s: string) => statusTag(tr, s) },
        { title: tr('尝试次数', 'Attempts'), dataIndex: 'attempts', align: 'right' },
        { title: tr('失败原因', 'Error'), dataIndex: 'lastError', ellipsis: true },
        { title: tr('支付时间', 'Paid at'), dataIndex: 'paidAt', render: dateTime },
        { title: tr('开具时间', 'Issued at'), dataIndex: 'issuedAt', render: dateTime },
        {
          title: tr('操作', 'Actions'),
          key: 'a',
          fixed: 'right',
          render: (_, r) =>
            mayReissue && r.state === 'failed' ? (
              <Button
                size="small"
                type="link"
                loading={reissue.isPending && reissue.variables === r.id}
                onClick={() => reissue.mutate(r.id)}
                data-testid={`einvoice-reissue-${r.id}`}
              >
                {tr('重新开具', 'Re-issue')}
              </Button>
            ) : null,
        },
      ]}
    />
  );
}
