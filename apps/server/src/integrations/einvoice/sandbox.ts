import { createHash } from 'node:crypto';
import type { AppContext } from '../../platform/context.js';
import {
  EInvoiceError,
  verificationUrl,
  type EInvoiceIssueRequest,
  type EInvoicePlatform,
  type IssuedEInvoice,
} from './index.js';
import { renderInvoicePdf, resolveCjkFont } from './pdf.js';

const CATEGORY_DIGIT = { outpatient: '1', registration: '1', inpatient: '2' } as const;

/**
 * The sandbox e-invoice platform: numbers invoices the way a finance bureau's platform does
 * (8-digit code, 10-digit number, 6-character check code), remembers every serial number it issued
 * in einvoice_sandbox_issues (so a repeated request gets the same invoice), renders the PDF with a
 * Chinese font and a verification QR code, and can be told to be down.
 */
export class SandboxEInvoicePlatform implements EInvoicePlatform {
  readonly kind = 'sandbox' as const;
  failing = false;

  async issue(ctx: AppContext, req: EInvoiceIssueRequest): Promise<IssuedEInvoice> {
    if (this.failing)
      throw new EInvoiceError('EINVOICE_PLATFORM_UNAVAILABLE', 'sandbox e-invoice platform is down');
    const total = req.items.reduce((s, i) => s + i.amountFen, 0);
    if (!req.items.length || total !== req.amountFen || req.amountFen <= 0)
      throw new EInvoiceError('EINVOICE_AMOUNT_MISMATCH', 'items do not add up to the amount', false);
    if (req.kind === 'red' && !req.original)
      throw new EInvoiceError('EINVOICE_ORIGINAL_REQUIRED', 'a red-letter invoice names its original', false);

    const now = ctx.clock.now();
    const year = new Date(now.getTime() + 8 * 3600_000).getUTCFullYear() % 100;
    const code = `3301${String(year).padStart(2, '0')}${CATEGORY_DIGIT[req.category]}${req.kind === 'red' ? '9' : '1'}`;
    const raw = ctx.database.raw;
    const inserted = await raw.query<Row>(
      `INSERT INTO einvoice_sandbox_issues (serial_no, invoice_code, invoice_no, check_code, kind, amount_fen, issued_at)
       SELECT $1, $2, lpad(nextval('einvoice_sandbox_no_seq')::text, 10, '0'), '', $3, $4, $5
       ON CONFLICT (serial_no) DO NOTHING
       RETURNING invoice_code, invoice_no, check_code, issued_at`,
      [req.serialNo, code, req.kind, req.amountFen, now],
    );
    let row = inserted.rows[0];
    if (row) {
      const check = createHash('sha256')
        .update(`${req.serialNo}:${row.invoice_no}`)
        .digest('hex')
        .slice(0, 6)
        .toUpperCase();
      await raw.query(`UPDATE einvoice_sandbox_issues SET check_code = $2 WHERE serial_no = $1`, [
        req.serialNo,
        check,
      ]);
      row = { ...row, check_code: check };
    } else {
      row = (
        await raw.query<Row>(
          `SELECT invoice_code, invoice_no, check_code, issued_at FROM einvoice_sandbox_issues WHERE serial_no = $1`,
          [req.serialNo],
        )
      ).rows[0];
    }
    const issued = {
      invoiceCode: row.invoice_code,
      invoiceNo: row.invoice_no,
      checkCode: row.check_code,
      issuedAt: new Date(row.issued_at),
    };
    const verifyUrl = verificationUrl(ctx.config.PUBLIC_BASE_URL, issued);
    const pdf = await renderInvoicePdf({
      request: req,
      payeeName: ctx.config.EINVOICE_PAYEE_NAME,
      ...issued,
      verifyUrl,
      timezone: ctx.config.HOSPITAL_TIMEZONE,
      font: resolveCjkFont({ path: ctx.config.EINVOICE_FONT_PATH, face: ctx.config.EINVOICE_FONT_FACE }),
    });
    return { ...issued, pdf, verifyUrl };
  }

  /** What the sandbox platform issued, oldest first (tests and the demo). */
  async issues(ctx: AppContext, serialPrefix = '') {
    const r = await ctx.database.raw.query<Row & { serial_no: string; kind: string; amount_fen: number }>(
      `SELECT serial_no, invoice_code, invoice_no, check_code, kind, amount_fen, issued_at
         FROM einvoice_sandbox_issues WHERE serial_no LIKE $1 ORDER BY invoice_no`,
      [`${serialPrefix}%`],
    );
    return r.rows.map((x) => ({
      serialNo: x.serial_no,
      invoiceCode: x.invoice_code,
      invoiceNo: x.invoice_no,
      kind: x.kind,
      amountFen: x.amount_fen,
    }));
  }
}

interface Row {
  invoice_code: string;
  invoice_no: string;
  check_code: string;
  issued_at: Date | string;
}
