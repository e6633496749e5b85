import { existsSync, readFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { formatYuan } from '../../platform/money.js';
import { EInvoiceError, type EInvoiceIssueRequest } from './index.js';

/**
 * CJK fonts looked for when EINVOICE_FONT_PATH is not set: Debian/Ubuntu fonts-noto-cjk first, then
 * where other distributions and macOS keep a Simplified Chinese face. A .ttc holds several faces, so
 * each candidate names the face to take.
 */
const FONT_CANDIDATES: { path: string; face?: string }[] = [
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', face: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc', face: 'NotoSerifCJKsc-Regular' },
  { path: '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc', face: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc', face: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', face: 'WenQuanYiMicroHei' },
  { path: '/System/Library/Fonts/PingFang.ttc', face: 'PingFangSC-Regular' },
];

const fontCache = new Map<string, Buffer>();

/** The font to draw Chinese with: the configured one (path, and the face for a .ttc), else the first candidate present. */
export function resolveCjkFont(configured?: { path?: string; face?: string }): {
  data: Buffer;
  face?: string;
} {
  const tried: string[] = [];
  const candidates = configured?.path
    ? [{ path: configured.path, face: configured.face }]
    : FONT_CANDIDATES.map((c) => ({ ...c, face: configured?.face ?? c.face }));
  for (const c of candidates) {
    tried.push(c.path);
    if (!existsSync(c.path)) continue;
    let data = fontCache.get(c.path);
    if (!data) {
      data = readFileSync(c.path);
      fontCache.set(c.path, data);
    }
    return { data, face: c.path.toLowerCase().endsWith('.ttc') ? c.face : undefined };
  }
  throw new EInvoiceError(
    'EINVOICE_FONT_MISSING',
    `No Chinese font for e-invoice PDFs: install fonts-noto-cjk or set EINVOICE_FONT_PATH (tried ${tried.join(', ')})`,
    false,
  );
}

export interface InvoicePdfInput {
  request: EInvoiceIssueRequest;
  payeeName: string;
  invoiceCode: string;
  invoiceNo: string;
  checkCode: string;
  issuedAt: Date;
  verifyUrl: string;
  timezone: string;
  font: { data: Buffer; face?: string };
}

const CATEGORY_TITLE = {
  outpatient: '医疗门诊收费票据（电子）',
  registration: '医疗门诊收费票据（电子）',
  inpatient: '医疗住院收费票据（电子）',
} as const;

/**
 * Renders an e-invoice as the payer receives it: title, code, number, check code and date, the
 * payer, the items with amounts, the total in figures and in capital characters, and a QR code of
 * the verification address. The numbers are also written into the document's metadata, so they can
 * be read without a text extractor.
 */
export async function renderInvoicePdf(input: InvoicePdfInput): Promise<Buffer> {
  const { request: r } = input;
  const sign = r.kind === 'red' ? -1 : 1;
  const title = `${input.payeeName}${CATEGORY_TITLE[r.category]}${r.kind === 'red' ? '（红字）' : ''}`;
  const doc = new PDFDocument({
    size: 'A5',
    layout: 'landscape',
    margin: 28,
    info: {
      Title: title,
      Subject: `e-invoice ${input.invoiceCode} ${input.invoiceNo}`,
      Keywords: `invoiceCode=${input.invoiceCode} invoiceNo=${input.invoiceNo} checkCode=${input.checkCode} kind=${r.kind}`,
      Author: input.payeeName,
      Creator: 'Qingnang e-invoice sandbox',
      CreationDate: input.issuedAt,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  if (input.font.face) doc.registerFont('cjk', input.font.data, input.font.face);
  else doc.registerFont('cjk', input.font.data);
  doc.font('cjk');

  const left = 28;
  const width = doc.page.width - 56;
  const red = r.kind === 'red';
  doc.fillColor(red ? '#b00000' : '#000000');
  doc.fontSize(15).text(title, left, 26, { width, align: 'center' });

  const qr = await QRCode.toBuffer(input.verifyUrl, { type: 'png', margin: 1, width: 160 });
  doc.image(qr, doc.page.width - 28 - 70, 48, { width: 70 });

  const date = new Intl.DateTimeFormat('zh-CN', {
    timeZone: input.timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(input.issuedAt);
  doc.fontSize(9).fillColor('#000000');
  const head = [
    `票据代码：${input.invoiceCode}`,
    `票据号码：${input.invoiceNo}`,
    `校验码：${input.checkCode}`,
    `开票日期：${date}`,
  ];
  head.forEach((line, i) => doc.text(line, left, 52 + i * 13));

  let y = 112;
  doc.text(`交款人：${r.payerName}`, left, y);
  doc.text(`业务流水号：${r.serialNo}`, left + 200, y);
  y += 13;
  doc.text(`支付流水号：${r.orderNo ?? '—'}`, left, y);
  doc.text(`交款方式：网上支付`, left + 200, y);
  y += 18;

  // Items table
  const cols = [
    { label: '项目名称', w: 0.34, align: 'left' as const },
    { label: '规格', w: 0.16, align: 'left' as const },
    { label: '数量', w: 0.1, align: 'right' as const },
    { label: '单位', w: 0.1, align: 'center' as const },
    { label: '单价（元）', w: 0.14, align: 'right' as const },
    { label: '金额（元）', w: 0.16, align: 'right' as const },
  ];
  const drawRow = (cells: string[], at: number) => {
    let x = left;
    cells.forEach((cell, i) => {
      const w = cols[i].w * width;
      doc.text(cell, x + 2, at, { width: w - 4, align: cols[i].align, lineBreak: false, ellipsis: true });
      x += w;
    });
  };
  doc
    .moveTo(left, y - 3)
    .lineTo(left + width, y - 3)
    .stroke();
  drawRow(
    cols.map((c) => c.label),
    y,
  );
  y += 14;
  doc
    .moveTo(left, y - 3)
    .lineTo(left + width, y - 3)
    .stroke();
  const maxRows = 14;
  const shown = r.items.slice(0, maxRows);
  for (const it of shown) {
    drawRow(
      [
        it.name,
        it.spec ?? '',
        String(sign * it.quantity),
        it.unit ?? '',
        formatYuan(it.unitPriceFen),
        formatYuan(sign * it.amountFen),
      ],
      y,
    );
    y += 13;
  }
  if (r.items.length > maxRows) {
    const rest = r.items.slice(maxRows).reduce((s, i) => s + i.amountFen, 0);
    drawRow([`其他 ${r.items.length - maxRows} 项`, '', '', '', '', formatYuan(sign * rest)], y);
    y += 13;
  }
  doc
    .moveTo(left, y)
    .lineTo(left + width, y)
    .stroke();
  y += 6;
  doc
    .fontSize(10)
    .text(`金额合计（大写）：${capitalYuan(sign * r.amountFen)}`, left, y)
    .text(`（小写）¥${formatYuan(sign * r.amountFen)}`, left, y, { width, align: 'right' });
  y += 18;
  if (r.insurance) {
    const i = r.insurance;
    doc
      .fontSize(9)
      .text(
        `医保统筹基金支付：${formatYuan(sign * i.fundFen)}    个人账户支付：${formatYuan(sign * i.accountFen)}    个人现金支付：${formatYuan(sign * i.cashFen)}`,
        left,
        y,
        { width },
      );
    y += 14;
  }
  doc.fontSize(9);
  if (r.original)
    doc.text(
      `备注：冲红原票据 代码 ${r.original.invoiceCode} 号码 ${r.original.invoiceNo}；原因：${r.original.reason}`,
      left,
      y,
      { width },
    );
  else doc.text('备注：本票据由医院网上支付自动开具，可扫描右上角二维码查验真伪。', left, y, { width });
  const bottom = doc.page.height - 40;
  doc.text(`收款单位（章）：${input.payeeName}`, left, bottom);
  doc.text('收款人：网上支付', left + width / 2, bottom);
  doc.text('复核人：系统', left + (width * 3) / 4, bottom);
  doc.end();
  return finished;
}

const DIGITS = '零壹贰叁肆伍陆柒捌玖';
const UNITS = ['', '拾', '佰', '仟'];
const GROUPS = ['', '万', '亿', '万亿'];

/** An amount in capital characters as invoices write it: 8500 fen → 捌拾伍元整; negative → 负…. */
export function capitalYuan(fen: number): string {
  if (fen === 0) return '零元整';
  const neg = fen < 0;
  const abs = Math.abs(fen);
  const yuanPart = Math.floor(abs / 100);
  const jiao = Math.floor(abs / 10) % 10;
  const fenPart = abs % 10;
  let out = '';
  if (yuanPart > 0) {
    const s = String(yuanPart);
    let zero = false;
    for (let i = 0; i < s.length; i++) {
      const d = Number(s[i]);
      const pos = s.length - 1 - i;
      if (d === 0) {
        zero = true;
      } else {
        if (zero && out) out += '零';
        zero = false;
        out += DIGITS[d] + UNITS[pos % 4];
      }
      if (pos % 4 === 0 && pos > 0) {
        const group = s.slice(Math.max(0, i - 3), i + 1);
        if (Number(group) > 0) out += GROUPS[pos / 4];
      }
    }
    out += '元';
  }
  if (jiao === 0 && fenPart === 0) out += '整';
  else {
    if (jiao > 0) out += DIGITS[jiao] + '角';
    else if (yuanPart > 0) out += '零';
    if (fenPart > 0) out += DIGITS[fenPart] + '分';
    else out += '整';
  }
  return (neg ? '负' : '') + out;
}
