import { DatePicker, Form, Input, Select, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import type { Dayjs } from 'dayjs';
import { examPackages, listExamBookings, type ExamBooking } from '../../api/exams';
import { ListPage } from '../../components/ListPage';
import { dateTime, yuan } from '../../format';
import { useTr, type Tr } from '../../i18n';
import { CodeTag, codeLabel } from '../../labels';
import {
  businessRefundStateLabels,
  examBookingStateLabels,
  type ExamBookingState,
} from '@qingnang/contracts';

// Words come from the shared tables (@qingnang/contracts); only the tag colours are the console's.
const STATE_COLORS: Partial<Record<ExamBookingState, string>> = {
  locked: 'orange',
  paid: 'gold',
  confirmed: 'green',
  checked_in: 'blue',
  completed: 'cyan',
};
const EXAM_BOOKING_STATES = Object.keys(examBookingStateLabels) as ExamBookingState[];

interface BookingFilters {
  date?: Dayjs;
  packageId?: string;
  state?: string;
  bookingNo?: string;
}

/** Physical-exam bookings for the exam centre's desk (patient names masked; the look-up is audited). */
export function ExamBookingsPage() {
  const tr = useTr();
  const packages = useQuery({ queryKey: ['exam-packages', 'lookup'], queryFn: () => examPackages.list() });
  return (
    <ListPage<ExamBooking, BookingFilters>
      title={tr('体检预约', 'Physical-exam bookings')}
      queryKey="exam-bookings"
      fetch={listExamBookings}
      testId="exam-bookings"
      sizeChanger
      showTotal
      filterForm={{
        submitTestId: 'exam-bookings-search',
        toQuery: (v) => ({
          date: v.date?.format('YYYY-MM-DD'),
          packageId: v.packageId,
          state: v.state,
          bookingNo: v.bookingNo?.trim() || undefined,
        }),
        fields: (
          <>
            <Form.Item name="bookingNo" label={tr('预约号', 'Booking no.')}>
              <Input allowClear style={{ width: 180 }} data-testid="exam-bookings-no" />
            </Form.Item>
            <Form.Item name="date" label={tr('体检日期', 'Exam date')}>
              <DatePicker />
            </Form.Item>
            <Form.Item name="packageId" label={tr('套餐', 'Package')}>
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                style={{ width: 200 }}
                options={(packages.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))}
              />
            </Form.Item>
            <Form.Item name="state" label={tr('状态', 'State')}>
              <Select
                allowClear
                style={{ width: 130 }}
                options={EXAM_BOOKING_STATES.map((value) => ({
                  value,
                  label: codeLabel(tr, examBookingStateLabels, value),
                }))}
              />
            </Form.Item>
          </>
        ),
      }}
      columns={[
        { title: tr('预约号', 'Booking no.'), dataIndex: 'bookingNo' },
        { title: tr('体检人', 'Patient'), dataIndex: 'patientNameMasked' },
        { title: tr('套餐', 'Package'), key: 'p', render: (_, b) => b.package.name },
        { title: tr('体检日期', 'Exam date'), dataIndex: 'examDate' },
        { title: tr('金额（元）', 'Amount'), dataIndex: 'priceFen', align: 'right', render: yuan },
        {
          title: tr('状态', 'State'),
          dataIndex: 'state',
          render: (s: string) => (
            <CodeTag tr={tr} table={examBookingStateLabels} code={s} colors={STATE_COLORS} />
          ),
        },
        {
          title: tr('退款', 'Refund'),
          dataIndex: 'refundState',
          render: (s: string) =>
            s && s !== 'none' ? <CodeTag tr={tr} table={businessRefundStateLabels} code={s} /> : null,
        },
        { title: tr('改期次数', 'Reschedules'), dataIndex: 'rescheduleCount', align: 'right' },
        {
          title: tr('体检系统', 'Exam system'),
          key: 'sys',
          render: (_, b) =>
            b.examSystemPending ? (
              <Tag color="orange">{tr('待同步', 'Sync pending')}</Tag>
            ) : (
              (b.examOrderNo ?? '')
            ),
        },
        { title: tr('报告号', 'Report no.'), dataIndex: 'reportNo' },
        { title: tr('取消原因', 'Cancel reason'), dataIndex: 'cancelReason', ellipsis: true },
        { title: tr('下单时间', 'Created'), dataIndex: 'createdAt', render: dateTime },
      ]}
    />
  );
}
