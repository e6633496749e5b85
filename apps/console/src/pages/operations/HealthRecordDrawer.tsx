import { useState } from 'react';
import { Alert, Button, Descriptions, Drawer, Empty, Input, Space, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { getStaffHealthRecord } from '../../api/reports';
import { dateTime } from '../../format';
import { useTr, type Tr } from '../../i18n';

const PATIENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const enumName = (tr: Tr, v: string | null) =>
  v == null
    ? '—'
    : ((
        {
          unknown: tr('不详', 'Unknown'),
          father: tr('父亲', 'Father'),
          mother: tr('母亲', 'Mother'),
          sibling: tr('兄弟姐妹', 'Sibling'),
          child: tr('子女', 'Child'),
          grandparent: tr('祖父母', 'Grandparent'),
          other: tr('其他', 'Other'),
          never: tr('从不', 'Never'),
          former: tr('已戒', 'Quit'),
          current: tr('吸烟', 'Smokes'),
          occasional: tr('偶尔', 'Occasionally'),
          regular: tr('经常', 'Regularly'),
          rarely: tr('很少', 'Rarely'),
          weekly: tr('每周', 'Weekly'),
          daily: tr('每天', 'Daily'),
        } as Record<string, string>
      )[v] ?? v);

const genderName = (tr: Tr, g: string | null) =>
  g === 'M' || g === 'male'
    ? tr('男', 'Male')
    : g === 'F' || g === 'female'
      ? tr('女', 'Female')
      : (g ?? '—');

/** RPT-12: look up a patient's health record by patient id (read only; each opening is audited). */
export function HealthRecordLookup({ onOpen }: { onOpen: (patientId: string) => void }) {
  const tr = useTr();
  const [value, setValue] = useState('');
  const valid = PATIENT_ID.test(value.trim());
  return (
    <Space.Compact style={{ marginBottom: 12 }}>
      <Input
        allowClear
        style={{ width: 340 }}
        placeholder={tr('患者 ID', 'Patient id')}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        onPressEnter={() => valid && onOpen(value.trim())}
        status={value && !valid ? 'error' : undefined}
        data-testid="health-record-patient-id"
      />
      <Button disabled={!valid} onClick={() => onOpen(value.trim())} data-testid="health-record-open">
        {tr('查看健康档案', 'Open health record')}
      </Button>
    </Space.Compact>
  );
}

export function HealthRecordDrawer({
  patientId,
  onClose,
}: {
  patientId: string | null;
  onClose: () => void;
}) {
  const tr = useTr();
  const q = useQuery({
    queryKey: ['admin-health-records', patientId],
    queryFn: () => getStaffHealthRecord(patientId!),
    enabled: !!patientId,
    retry: false,
  });
  const r = q.data;
  const tags = (items: string[], testId: string) =>
    items.length ? (
      <span data-testid={testId}>
        {items.map((i) => (
          <Tag key={i}>{i}</Tag>
        ))}
      </span>
    ) : (
      <span data-testid={testId}>{tr('无', 'None')}</span>
    );
  return (
    <Drawer open={!!patientId} onClose={onClose} size={720} title={tr('健康档案', 'Health record')}>
      <div data-testid="health-record-drawer">
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={tr(
            '健康档案由患者本人填写，查看会记入审计日志。',
            'Kept by the patient; opening it is recorded in the audit log.',
          )}
        />
        {q.error && (
          <Alert type="error" showIcon title={(q.error as Error).message} data-testid="health-record-error" />
        )}
        {r && (
          <div data-testid="health-record" data-version={r.profile.version}>
            <Descriptions column={2} size="small" bordered title={tr('基本信息', 'Basic information')}>
              <Descriptions.Item label={tr('姓名', 'Name')}>
                <span data-testid="health-record-name">{r.basic.name}</span>
              </Descriptions.Item>
              <Descriptions.Item label={tr('性别', 'Gender')}>
                {genderName(tr, r.basic.gender)}
              </Descriptions.Item>
              <Descriptions.Item label={tr('出生日期', 'Date of birth')}>
                {r.basic.birthDate ?? '—'}
              </Descriptions.Item>
              <Descriptions.Item label={tr('证件号', 'ID number')}>
                {r.basic.idNumberMasked ?? '—'}
              </Descriptions.Item>
            </Descriptions>
            <Descriptions
              column={2}
              size="small"
              bordered
              style={{ marginTop: 16 }}
              title={tr('健康信息', 'Health information')}
            >
              <Descriptions.Item label={tr('血型', 'Blood type')}>
                {enumName(tr, r.profile.bloodType)}
              </Descriptions.Item>
              <Descriptions.Item label={tr('身高 / 体重', 'Height / weight')}>
                {`${r.profile.heightCm ?? '—'} cm · ${r.profile.weightKg ?? '—'} kg`}
                {r.profile.bmi ? ` · BMI ${r.profile.bmi}` : ''}
              </Descriptions.Item>
              <Descriptions.Item label={tr('过敏史', 'Allergies')} span={2}>
                {tags(r.profile.allergies, 'health-record-allergies')}
              </Descriptions.Item>
              <Descriptions.Item label={tr('慢性病', 'Chronic conditions')} span={2}>
                {tags(r.profile.chronicConditions, 'health-record-chronic')}
              </Descriptions.Item>
              <Descriptions.Item label={tr('长期用药', 'Regular medications')} span={2}>
                {tags(r.profile.medications, 'health-record-medications')}
              </Descriptions.Item>
              <Descriptions.Item label={tr('家族史', 'Family history')} span={2}>
                <div data-testid="health-record-family">
                  {r.profile.familyHistory.length
                    ? r.profile.familyHistory.map((f, i) => (
                        <div key={i}>
                          {enumName(tr, f.relation)}：{f.condition}
                        </div>
                      ))
                    : tr('无', 'None')}
                </div>
              </Descriptions.Item>
              <Descriptions.Item label={tr('吸烟', 'Smoking')}>
                {enumName(tr, r.profile.smoking)}
              </Descriptions.Item>
              <Descriptions.Item label={tr('饮酒', 'Drinking')}>
                {enumName(tr, r.profile.drinking)}
              </Descriptions.Item>
              <Descriptions.Item label={tr('运动', 'Exercise')}>
                {enumName(tr, r.profile.exercise)}
              </Descriptions.Item>
              <Descriptions.Item label={tr('更新时间', 'Updated')}>
                {r.profile.updatedAt ? dateTime(r.profile.updatedAt) : '—'}
              </Descriptions.Item>
              <Descriptions.Item label={tr('饮食习惯', 'Diet')} span={2}>
                {r.profile.diet || tr('无', 'None')}
              </Descriptions.Item>
            </Descriptions>
            {r.profile.version === 0 && (
              <Empty
                style={{ marginTop: 16 }}
                description={tr('患者尚未填写健康档案', 'The patient has not filled in the record yet')}
              />
            )}
          </div>
        )}
      </div>
    </Drawer>
  );
}
