import { Form, Input, InputNumber, Select } from 'antd';
import { recommendedDoctors, type RecommendedDoctor } from '../../api/directory';
import { CrudPage } from '../../components/CrudPage';
import { useDoctors } from '../../components/lookups';
import { useTr } from '../../i18n';

export function RecommendedDoctorsPage() {
  const tr = useTr();
  const doctors = useDoctors();
  const name = (r: RecommendedDoctor) =>
    r.doctorName ?? r.doctor?.name ?? doctors.data?.find((d) => d.id === r.doctorId)?.name ?? '';
  return (
    <CrudPage<RecommendedDoctor>
      title={tr('推荐医生', 'Recommended doctors')}
      queryKey="recommended-doctors"
      resource={recommendedDoctors}
      testId="recommended"
      deletable
      newDefaults={{ sort: 0 }}
      columns={[
        { title: tr('医生', 'Doctor'), key: 'doctor', render: (_, r) => name(r) },
        { title: tr('推荐理由', 'Reason'), dataIndex: 'reason', ellipsis: true },
        { title: tr('排序', 'Sort'), dataIndex: 'sort' },
      ]}
      fromForm={(v: RecommendedDoctor) => ({
        doctorId: v.doctorId,
        reason: v.reason ?? '',
        sort: v.sort ?? 0,
      })}
      renderForm={(editing) => (
        <>
          <Form.Item name="doctorId" label={tr('医生', 'Doctor')} rules={[{ required: true }]}>
            <Select
              disabled={!!editing}
              showSearch={{ optionFilterProp: 'label' }}
              options={(doctors.data ?? []).map((d) => ({ value: d.id, label: `${d.name}（${d.code}）` }))}
            />
          </Form.Item>
          <Form.Item name="reason" label={tr('推荐理由', 'Reason')} rules={[{ max: 500 }]}>
            <Input.TextArea rows={3} />
          </Form.Item>
          <Form.Item name="sort" label={tr('排序', 'Sort')}>
            <InputNumber min={0} precision={0} />
          </Form.Item>
        </>
      )}
    />
  );
}
