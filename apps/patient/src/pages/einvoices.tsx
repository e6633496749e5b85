/**
 * E-invoices (PAY-10/11): each payment's electronic invoice, its red-letter reversal after a refund,
 * the details and the PDF to open or save.
 */
import { einvoiceCategoryLabels, invoiceStatusLabels } from '@qingnang/contracts';
import { useQuery } from '@tanstack/react-query';
import { Button, List, NoticeBar, Tag } from 'antd-mobile';
import { useNavigate, useParams } from 'react-router';
import { einvoices, type EInvoice } from '../api';
import { Page, QueryView } from '../components/common';
import { ForPatient } from '../components/care';
import { usePatientAction } from '../components/action';
import { dateTime, yuan } from '../format';
import { useI18n } from '../i18n';

function StatusTag({ inv }: { inv: EInvoice }) {
  const { t, code } = useI18n();
  const color =
    inv.status === 'issued'
      ? 'success'
      : inv.status === 'issuing'
        ? 'primary'
        : inv.status === 'failed'
          ? 'danger'
          : 'default';
  return (
    <Tag color={color} data-testid="einvoice-status" data-status={inv.status}>
      {inv.kind === 'red' ? `${t('einvoiceRed')} · ` : ''}
      {code(invoiceStatusLabels, inv.status)}
    </Tag>
  );
}

export function EInvoicesPage() {
  const { t } = useI18n();
  return (
    <Page title={t('einvoicesTitle')} testId="einvoices-page">
      <ForPatient>{(p) => <EInvoiceList patientId={p.id} />}</ForPatient>
    </Page>
  );
}

function EInvoiceList({ patientId }: { patientId: string }) {
  const { t, code } = useI18n();
  const navigate = useNavigate();
  const list = useQuery({
    queryKey: ['einvoices', patientId],
    queryFn: () => einvoices.list(patientId),
    refetchInterval: (q) => (q.state.data?.some((i) => i.status === 'issuing') ? 3000 : false),
  });
  return (
    <QueryView query={list} empty={(x) => x.length === 0} emptyText={t('einvoicesEmpty')}>
      {(rows) => (
        <div data-testid="einvoice-list">
          {rows.map((inv) => (
            <div
              key={inv.id}
              className="card padded"
              data-testid="einvoice-item"
              data-id={inv.id}
              data-status={inv.status}
              data-kind={inv.kind}
              data-order-no={inv.orderNo ?? ''}
              onClick={() => navigate(`/einvoices/${inv.id}`)}
            >
              <div className="bill-head">
                <span className="strong">{inv.title}</span>
                <span className="price">¥{yuan(inv.amountFen)}</span>
              </div>
              <div className="bill-head small muted">
                <span>
                  {code(einvoiceCategoryLabels, inv.category)} · {dateTime(inv.issuedAt ?? inv.paidAt)}
                </span>
                <StatusTag inv={inv} />
              </div>
            </div>
          ))}
        </div>
      )}
    </QueryView>
  );
}

/** Saves (or on a phone, opens) the PDF fetched with the session. */
async function savePdf(inv: EInvoice) {
  const { blob, filename } = await einvoices.pdf(inv.id);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename ?? `einvoice-${inv.invoiceCode ?? ''}-${inv.invoiceNo ?? inv.id}.pdf`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function EInvoicePage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const { busy, run } = usePatientAction({ show: 'toast' });
  const inv = useQuery({
    queryKey: ['einvoice', id],
    queryFn: () => einvoices.get(id),
    refetchInterval: (q) => (q.state.data?.status === 'issuing' ? 3000 : false),
  });
  const download = (x: EInvoice) => run('download', () => savePdf(x));
  return (
    <Page title={t('einvoiceTitle')} testId="einvoice-page">
      <QueryView query={inv}>
        {(x) => (
          <>
            <div className="card padded center">
              <div className="strong" style={{ fontSize: 16 }}>
                {x.title}
              </div>
              <div className="price big" data-testid="einvoice-amount">
                ¥{yuan(x.amountFen)}
              </div>
              <StatusTag inv={x} />
            </div>
            {x.status === 'issuing' ? <NoticeBar color="info" content={t('einvoiceIssuingNote')} /> : null}
            {x.status === 'failed' ? (
              <NoticeBar color="alert" wrap content={t('einvoiceFailedNote')} />
            ) : null}
            {x.status === 'printed' ? (
              <NoticeBar color="info" wrap content={t('einvoicePrintedNote')} />
            ) : null}
            <List className="card">
              <List.Item extra={x.payerName}>{t('einvoicePayer')}</List.Item>
              {x.invoiceCode ? (
                <List.Item extra={<span data-testid="einvoice-code">{x.invoiceCode}</span>}>
                  {t('einvoiceCode')}
                </List.Item>
              ) : null}
              {x.invoiceNo ? (
                <List.Item extra={<span data-testid="einvoice-no">{x.invoiceNo}</span>}>
                  {t('einvoiceNo')}
                </List.Item>
              ) : null}
              {x.checkCode ? <List.Item extra={x.checkCode}>{t('einvoiceCheckCode')}</List.Item> : null}
              <List.Item extra={dateTime(x.paidAt)}>{t('einvoicePaidAt')}</List.Item>
              {x.issuedAt ? (
                <List.Item extra={dateTime(x.issuedAt)}>{t('einvoiceIssuedAt')}</List.Item>
              ) : null}
              {x.orderNo ? (
                <List.Item extra={<span className="small">{x.orderNo}</span>}>
                  {t('cashierOrderNo')}
                </List.Item>
              ) : null}
            </List>
            {x.items?.length ? (
              <List className="card" header={t('einvoiceItems')} data-testid="einvoice-items">
                {x.items.map((i, n) => (
                  <List.Item
                    key={`${i.code ?? ''}-${n}`}
                    description={`${i.quantity}${i.unit ?? ''} × ¥${yuan(i.unitPriceFen)}`}
                    extra={`¥${yuan(i.amountFen)}`}
                  >
                    {i.name}
                  </List.Item>
                ))}
              </List>
            ) : null}
            <div className="padded stack">
              {x.status === 'issued' || x.status === 'printed' || x.status === 'reversed' ? (
                <Button
                  block
                  color="primary"
                  loading={busy === 'download'}
                  onClick={() => download(x)}
                  data-testid="einvoice-download"
                >
                  {t('einvoiceDownload')}
                </Button>
              ) : null}
              {x.verifyUrl ? (
                <a
                  className="center small"
                  href={x.verifyUrl}
                  target="_blank"
                  rel="noreferrer"
                  data-testid="einvoice-verify"
                >
                  {t('einvoiceVerify')} ›
                </a>
              ) : null}
            </div>
          </>
        )}
      </QueryView>
    </Page>
  );
}
