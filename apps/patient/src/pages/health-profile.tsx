/**
 * RPT-12 健康档案: basic information from the patient record, the patient's own health information
 * (blood type, height, weight, allergies, chronic conditions, medications), family history,
 * lifestyle and diet, and the visit records. Edited with the version read: a change made meanwhile
 * elsewhere is refused, the message shown and the record reloaded.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Dialog, List, Selector, Tag, TextArea, Toast } from 'antd-mobile';
import { useState } from 'react';
import {
  ApiError,
  reports,
  type FamilyRelation,
  type HealthProfile,
  type HealthProfileInput,
  type HealthProfileRecord,
} from '../api';
import { errorText, QueryView, TextInput } from '../components/common';
import { useI18n, type MessageKey } from '../i18n';

const bloodTypes = ['A', 'B', 'AB', 'O', 'unknown'] as const;
const relations: FamilyRelation[] = ['father', 'mother', 'sibling', 'child', 'grandparent', 'other'];
const smokings = ['never', 'former', 'current'] as const;
const drinkings = ['never', 'occasional', 'regular'] as const;
const exercises = ['rarely', 'weekly', 'daily'] as const;

const enumKey: Record<string, MessageKey> = {
  'blood.unknown': 'hpBloodUnknown',
  'relation.father': 'hpRelationFather',
  'relation.mother': 'hpRelationMother',
  'relation.sibling': 'hpRelationSibling',
  'relation.child': 'hpRelationChild',
  'relation.grandparent': 'hpRelationGrandparent',
  'relation.other': 'hpRelationOther',
  'smoking.never': 'hpSmokingNever',
  'smoking.former': 'hpSmokingFormer',
  'smoking.current': 'hpSmokingCurrent',
  'drinking.never': 'hpDrinkingNever',
  'drinking.occasional': 'hpDrinkingOccasional',
  'drinking.regular': 'hpDrinkingRegular',
  'exercise.rarely': 'hpExerciseRarely',
  'exercise.weekly': 'hpExerciseWeekly',
  'exercise.daily': 'hpExerciseDaily',
};

function useEnumLabel() {
  const { t } = useI18n();
  return (group: string, value: string | null | undefined) => {
    if (value == null) return '—';
    const key = enumKey[`${group}.${value}`];
    return key ? t(key) : value;
  };
}

export function HealthProfileSection({ patientId }: { patientId: string }) {
  const { t } = useI18n();
  const [editing, setEditing] = useState(false);
  const query = useQuery({
    queryKey: ['health-profile', patientId],
    queryFn: () => reports.healthProfile(patientId),
  });
  return (
    <div data-testid="health-profile">
      <QueryView query={query}>
        {(r) =>
          editing ? (
            <ProfileForm
              key={r.profile.version}
              record={r}
              onDone={() => setEditing(false)}
              onStale={() => {
                setEditing(false);
                void query.refetch();
              }}
            />
          ) : (
            <>
              <BasicInfo basic={r.basic} />
              <ProfileView profile={r.profile} onEdit={() => setEditing(true)} />
              <VisitRecords visits={r.visitRecords} />
            </>
          )
        }
      </QueryView>
      {query.isError ? null : <div className="small muted padded">{t('hpHint')}</div>}
    </div>
  );
}

function BasicInfo({ basic }: { basic: HealthProfileRecord['basic'] }) {
  const { t } = useI18n();
  const gender =
    basic.gender === 'M' || basic.gender === 'male'
      ? t('hpGenderMale')
      : basic.gender === 'F' || basic.gender === 'female'
        ? t('hpGenderFemale')
        : (basic.gender ?? '—');
  return (
    <List header={t('hpBasic')} className="card" data-testid="hp-basic">
      <List.Item extra={basic.name} data-testid="hp-basic-name">
        {t('hpName')}
      </List.Item>
      <List.Item extra={gender}>{t('hpGender')}</List.Item>
      <List.Item extra={basic.birthDate ?? '—'}>{t('hpBirthDate')}</List.Item>
      <List.Item extra={basic.idNumberMasked ?? '—'} data-testid="hp-basic-id">
        {t('hpIdNumber')}
      </List.Item>
      <List.Item extra={basic.phoneMasked ?? '—'}>{t('hpPhone')}</List.Item>
      <List.Item extra={basic.visitCardNo ?? '—'}>{t('hpVisitCard')}</List.Item>
    </List>
  );
}

function ProfileView({ profile, onEdit }: { profile: HealthProfile; onEdit: () => void }) {
  const { t } = useI18n();
  const label = useEnumLabel();
  const tags = (items: string[], testId: string) =>
    items.length ? (
      <span data-testid={testId}>
        {items.map((a) => (
          <Tag
            key={a}
            color="primary"
            fill="outline"
            style={{ marginInlineEnd: 4 }}
            data-testid={`${testId}-item`}
          >
            {a}
          </Tag>
        ))}
      </span>
    ) : (
      <span className="muted" data-testid={testId}>
        {t('hpNone')}
      </span>
    );
  return (
    <List header={t('hpProfile')} className="card" data-testid="hp-view" data-version={profile.version}>
      <List.Item
        extra={profile.bloodType ? label('blood', profile.bloodType) : '—'}
        data-testid="hp-view-blood-type"
      >
        {t('hpBloodType')}
      </List.Item>
      <List.Item
        extra={`${profile.heightCm ?? '—'} cm · ${profile.weightKg ?? '—'} kg${profile.bmi ? ` · BMI ${profile.bmi}` : ''}`}
        data-testid="hp-view-body"
      >
        {t('hpHeightWeight')}
      </List.Item>
      <List.Item description={tags(profile.allergies, 'hp-view-allergies')}>{t('hpAllergies')}</List.Item>
      <List.Item description={tags(profile.chronicConditions, 'hp-view-chronic')}>{t('hpChronic')}</List.Item>
      <List.Item description={tags(profile.medications, 'hp-view-medications')}>
        {t('hpMedications')}
      </List.Item>
      <List.Item
        description={
          profile.familyHistory.length ? (
            <div data-testid="hp-view-family">
              {profile.familyHistory.map((f, i) => (
                <div key={i} data-testid="hp-view-family-item" data-relation={f.relation}>
                  {label('relation', f.relation)}：{f.condition}
                </div>
              ))}
            </div>
          ) : (
            <span className="muted" data-testid="hp-view-family">
              {t('hpNone')}
            </span>
          )
        }
      >
        {t('hpFamilyHistory')}
      </List.Item>
      <List.Item
        description={[
          `${t('hpSmoking')} ${label('smoking', profile.smoking)}`,
          `${t('hpDrinking')} ${label('drinking', profile.drinking)}`,
          `${t('hpExercise')} ${label('exercise', profile.exercise)}`,
        ].join(' · ')}
        data-testid="hp-view-lifestyle"
      >
        {t('hpLifestyle')}
      </List.Item>
      <List.Item description={profile.diet || t('hpNone')} data-testid="hp-view-diet">
        {t('hpDiet')}
      </List.Item>
      <List.Item>
        <Button block color="primary" fill="outline" onClick={onEdit} data-testid="hp-edit">
          {t('hpEdit')}
        </Button>
      </List.Item>
    </List>
  );
}

function VisitRecords({ visits }: { visits: HealthProfileRecord['visitRecords'] }) {
  const { t } = useI18n();
  return (
    <List header={t('hpVisits')} className="card" data-testid="hp-visits">
      {visits.outpatient.map((v) => (
        <List.Item
          key={v.id}
          data-testid="hp-visit-outpatient"
          data-visit-no={v.visitNo}
          description={[v.departmentName, v.doctorName].filter(Boolean).join(' · ')}
          extra={t('hpOutpatient')}
        >
          {v.visitDate}
        </List.Item>
      ))}
      {visits.inpatient.map((a) => (
        <List.Item
          key={a.id}
          data-testid="hp-visit-inpatient"
          data-admission-no={a.admissionNo}
          description={[a.ward, a.attendingDoctor].filter(Boolean).join(' · ')}
          extra={t('hpInpatient')}
        >
          {String(a.admittedAt).slice(0, 10)}
          {a.dischargedAt ? ` ~ ${String(a.dischargedAt).slice(0, 10)}` : ''}
        </List.Item>
      ))}
      {visits.outpatient.length + visits.inpatient.length === 0 ? (
        <List.Item data-testid="hp-visits-empty">
          <span className="muted">{t('hpNoVisits')}</span>
        </List.Item>
      ) : null}
    </List>
  );
}

function TagsInput({
  value,
  onChange,
  testId,
  placeholder,
}: {
  value: string[];
  onChange: (v: string[]) => void;
  testId: string;
  placeholder: string;
}) {
  const { t } = useI18n();
  const [draft, setDraft] = useState('');
  const add = () => {
    const v = draft.trim();
    if (!v) return;
    if (!value.includes(v)) onChange([...value, v]);
    setDraft('');
  };
  return (
    <div data-testid={testId}>
      <div style={{ marginBottom: 6 }}>
        {value.map((v) => (
          <Tag
            key={v}
            color="primary"
            fill="outline"
            style={{ marginInlineEnd: 4 }}
            data-testid={`${testId}-tag`}
            onClick={() => onChange(value.filter((x) => x !== v))}
          >
            {v} ×
          </Tag>
        ))}
      </div>
      <div style={{ display: 'flex', gap: 6 }}>
        <TextInput
          value={draft}
          onChange={setDraft}
          placeholder={placeholder}
          maxLength={50}
          testId={`${testId}-input`}
          onEnter={add}
        />
        <Button size="small" style={{ flex: 'none' }} onClick={add} data-testid={`${testId}-add`}>
          {t('hpAdd')}
        </Button>
      </div>
    </div>
  );
}

function EnumSelector<T extends string>({
  options,
  group,
  value,
  onChange,
  testId,
  required,
}: {
  options: readonly T[];
  group: string;
  value: T | null;
  onChange: (v: T | null) => void;
  testId: string;
  /** tapping the chosen option again keeps it (a family-history row always names a relation) */
  required?: boolean;
}) {
  const label = useEnumLabel();
  return (
    <div data-testid={testId}>
      <Selector
        columns={options.length > 4 ? 3 : options.length}
        options={options.map((o) => ({ label: label(group, o), value: o }))}
        value={value ? [value] : []}
        onChange={(v) => {
          const next = (v[0] as T | undefined) ?? null;
          if (next === null && required) return;
          onChange(next);
        }}
      />
    </div>
  );
}

function numberOrNull(s: string): number | null {
  const v = s.trim();
  if (!v) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

function ProfileForm({
  record,
  onDone,
  onStale,
}: {
  record: HealthProfileRecord;
  onDone: () => void;
  onStale: () => void;
}) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const p = record.profile;
  const [bloodType, setBloodType] = useState(p.bloodType);
  const [height, setHeight] = useState(p.heightCm != null ? String(p.heightCm) : '');
  const [weight, setWeight] = useState(p.weightKg != null ? String(p.weightKg) : '');
  const [allergies, setAllergies] = useState(p.allergies);
  const [chronic, setChronic] = useState(p.chronicConditions);
  const [medications, setMedications] = useState(p.medications);
  const [family, setFamily] = useState(p.familyHistory);
  const [smoking, setSmoking] = useState(p.smoking);
  const [drinking, setDrinking] = useState(p.drinking);
  const [exercise, setExercise] = useState(p.exercise);
  const [diet, setDiet] = useState(p.diet ?? '');

  const save = useMutation({
    mutationFn: (body: HealthProfileInput) => reports.saveHealthProfile(record.basic.patientId, body),
    onSuccess: async () => {
      Toast.show({ icon: 'success', content: t('hpSaved') });
      await qc.invalidateQueries({ queryKey: ['health-profile', record.basic.patientId] });
      onDone();
    },
    onError: async (err) => {
      if (err instanceof ApiError && err.code === 'HEALTH_PROFILE_CHANGED') {
        await Dialog.alert({ content: errorText(err), confirmText: t('hpReload') });
        onStale();
        return;
      }
      Toast.show({ icon: 'fail', content: errorText(err, t('hpSaveFailed')) });
    },
  });

  const submit = () => {
    const rows = family.map((f) => ({ ...f, condition: f.condition.trim() })).filter((f) => f.condition);
    save.mutate({
      version: p.version,
      bloodType,
      heightCm: numberOrNull(height) != null ? Math.round(numberOrNull(height)!) : null,
      weightKg: numberOrNull(weight),
      allergies,
      chronicConditions: chronic,
      medications,
      familyHistory: rows,
      smoking,
      drinking,
      exercise,
      diet: diet.trim() || null,
    });
  };

  return (
    <List header={t('hpEditTitle')} className="card" data-testid="hp-form">
      <List.Item title={t('hpBloodType')}>
        <EnumSelector
          options={bloodTypes}
          group="blood"
          value={bloodType}
          onChange={setBloodType}
          testId="hp-blood-type"
        />
      </List.Item>
      <List.Item title={t('hpHeightCm')}>
        <TextInput value={height} onChange={setHeight} inputMode="numeric" maxLength={3} testId="hp-height" />
      </List.Item>
      <List.Item title={t('hpWeightKg')}>
        <TextInput value={weight} onChange={setWeight} inputMode="numeric" maxLength={5} testId="hp-weight" />
      </List.Item>
      <List.Item title={t('hpAllergies')}>
        <TagsInput
          value={allergies}
          onChange={setAllergies}
          testId="hp-allergies"
          placeholder={t('hpAllergiesPlaceholder')}
        />
      </List.Item>
      <List.Item title={t('hpChronic')}>
        <TagsInput
          value={chronic}
          onChange={setChronic}
          testId="hp-chronic"
          placeholder={t('hpChronicPlaceholder')}
        />
      </List.Item>
      <List.Item title={t('hpMedications')}>
        <TagsInput
          value={medications}
          onChange={setMedications}
          testId="hp-medications"
          placeholder={t('hpMedicationsPlaceholder')}
        />
      </List.Item>
      <List.Item title={t('hpFamilyHistory')}>
        <div data-testid="hp-family">
          {family.map((f, i) => (
            <div
              key={i}
              className="padded"
              data-testid="hp-family-row"
              style={{ borderBottom: '1px solid #eee' }}
            >
              <EnumSelector
                options={relations}
                group="relation"
                value={f.relation}
                onChange={(r) =>
                  setFamily(family.map((x, j) => (j === i ? { ...x, relation: r ?? 'other' } : x)))
                }
                testId="hp-family-relation"
                required
              />
              <div style={{ display: 'flex', gap: 6, marginTop: 6 }}>
                <TextInput
                  value={f.condition}
                  onChange={(c) => setFamily(family.map((x, j) => (j === i ? { ...x, condition: c } : x)))}
                  placeholder={t('hpFamilyConditionPlaceholder')}
                  maxLength={50}
                  testId="hp-family-condition"
                />
                <Button
                  size="small"
                  color="danger"
                  style={{ flex: 'none' }}
                  fill="outline"
                  onClick={() => setFamily(family.filter((_, j) => j !== i))}
                  data-testid="hp-family-remove"
                >
                  {t('hpRemove')}
                </Button>
              </div>
            </div>
          ))}
          <Button
            size="small"
            style={{ marginTop: 6 }}
            onClick={() => setFamily([...family, { relation: 'father', condition: '' }])}
            data-testid="hp-family-add"
          >
            {t('hpFamilyAdd')}
          </Button>
        </div>
      </List.Item>
      <List.Item title={t('hpSmoking')}>
        <EnumSelector
          options={smokings}
          group="smoking"
          value={smoking}
          onChange={setSmoking}
          testId="hp-smoking"
        />
      </List.Item>
      <List.Item title={t('hpDrinking')}>
        <EnumSelector
          options={drinkings}
          group="drinking"
          value={drinking}
          onChange={setDrinking}
          testId="hp-drinking"
        />
      </List.Item>
      <List.Item title={t('hpExercise')}>
        <EnumSelector
          options={exercises}
          group="exercise"
          value={exercise}
          onChange={setExercise}
          testId="hp-exercise"
        />
      </List.Item>
      <List.Item title={t('hpDiet')}>
        <div data-testid="hp-diet">
          <TextArea
            value={diet}
            onChange={setDiet}
            maxLength={500}
            rows={2}
            placeholder={t('hpDietPlaceholder')}
          />
        </div>
      </List.Item>
      <List.Item>
        <div style={{ display: 'flex', gap: 8 }}>
          <Button block onClick={onDone} data-testid="hp-cancel">
            {t('hpCancel')}
          </Button>
          <Button block color="primary" loading={save.isPending} onClick={submit} data-testid="hp-save">
            {t('hpSave')}
          </Button>
        </div>
      </List.Item>
    </List>
  );
}
