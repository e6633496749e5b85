import { doctorTitleLabels } from '@qingnang/contracts';
import { useState } from 'react';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, InfiniteScroll, List, SearchBar, Tag, Toast } from 'antd-mobile';
import { useNavigate, useParams } from 'react-router';
import { directory, scheduling, type Doctor, type Schedule, type TimeSegment } from '../api';
import { errorText, Page, QueryView, RichText, Section, useLoggedIn } from '../components/common';
import { ScheduleCard } from '../components/schedule';
import { useI18n } from '../i18n';
import { DoctorAvatar } from './home';
import { useBook } from './register';

const PAGE_SIZE = 20;

export function DoctorRow({ doctor, onClick }: { doctor: Doctor; onClick?: () => void }) {
  const { t, code } = useI18n();
  const navigate = useNavigate();
  const title = code(doctorTitleLabels, doctor.title);
  const dept = doctor.departments?.map((d) => d.name).join('、') ?? doctor.departmentName;
  return (
    <List.Item
      data-testid="doctor-item"
      prefix={<DoctorAvatar name={doctor.name} photoUrl={doctor.photoUrl} />}
      description={
        doctor.specialties && doctor.specialties.length > 0 ? (
          <span className="ellipsis2">
            {t('doctorSpecialties')}
            {t('colon')}
            {doctor.specialties.join('、')}
          </span>
        ) : undefined
      }
      arrowIcon
      onClick={onClick ?? (() => navigate(`/doctors/${doctor.id}`))}
    >
      <span className="strong">{doctor.name}</span> <span className="muted small">{title}</span>
      {dept ? <div className="muted small">{dept}</div> : null}
    </List.Item>
  );
}

export function DoctorsPage() {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const doctors = useInfiniteQuery({
    queryKey: ['doctors', q],
    initialPageParam: 1,
    queryFn: ({ pageParam }) =>
      directory.doctors({ q: q || undefined, page: pageParam, pageSize: PAGE_SIZE }),
    getNextPageParam: (last, all) => {
      const loaded = all.reduce((n, p) => n + p.items.length, 0);
      if (last.items.length < PAGE_SIZE) return undefined;
      if (last.total !== undefined && loaded >= last.total) return undefined;
      return all.length + 1;
    },
  });
  const items = doctors.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Page title={t('doctorsTitle')} testId="doctors-page">
      <div className="search-wrap">
        <SearchBar
          placeholder={t('doctorSearchPlaceholder')}
          onSearch={(v) => setQ(v.trim())}
          onClear={() => setQ('')}
          data-testid="doctor-search"
        />
      </div>
      <QueryView query={doctors} empty={() => items.length === 0}>
        {() => (
          <>
            <List data-testid="doctor-list">
              {items.map((d) => (
                <DoctorRow key={d.id} doctor={d} />
              ))}
            </List>
            <InfiniteScroll
              loadMore={async () => void (await doctors.fetchNextPage())}
              hasMore={doctors.hasNextPage}
            />
          </>
        )}
      </QueryView>
    </Page>
  );
}

export function DoctorPage() {
  const { id = '' } = useParams();
  const { t, code } = useI18n();
  const navigate = useNavigate();
  const loggedIn = useLoggedIn();
  const queryClient = useQueryClient();
  const doctor = useQuery({ queryKey: ['doctor', id], queryFn: () => directory.doctor(id) });
  const followed = useQuery({
    queryKey: ['followed-doctors'],
    queryFn: directory.followedDoctors,
    enabled: loggedIn,
  });
  const schedules = useQuery({
    queryKey: ['schedules', 'doctor', id],
    queryFn: () => scheduling.byDoctor(id),
  });
  const isFollowed = doctor.data?.followed ?? followed.data?.some((d) => d.id === id) ?? false;
  const follow = useMutation({
    mutationFn: () => (isFollowed ? directory.unfollow(id) : directory.follow(id)),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['followed-doctors'] });
      await queryClient.invalidateQueries({ queryKey: ['doctor', id] });
      Toast.show({ content: t('operationDone') });
    },
    onError: (err) => Toast.show({ content: errorText(err) }),
  });
  const bookSlot = useBook();
  const book = (s: Schedule, seg?: TimeSegment) =>
    bookSlot(s, seg, {
      doctor: doctor.data
        ? { name: doctor.data.name, title: doctor.data.title, photoUrl: doctor.data.photoUrl }
        : undefined,
    });

  return (
    <Page title={t('doctorTitle')} testId="doctor-page">
      <QueryView query={doctor}>
        {(d) => (
          <>
            <div className="doctor-hero">
              <DoctorAvatar name={d.name} photoUrl={d.photoUrl} size={64} />
              <div className="doctor-hero-main">
                <div className="doctor-hero-name" data-testid="doctor-name">
                  {d.name}
                </div>
                <div className="small">{code(doctorTitleLabels, d.title)}</div>
                <div className="small muted">
                  {d.departments?.map((x) => x.name).join('、') ?? d.departmentName}
                </div>
              </div>
              <Button
                size="small"
                shape="rounded"
                color={isFollowed ? 'default' : 'primary'}
                fill={isFollowed ? 'outline' : 'solid'}
                loading={follow.isPending}
                data-testid="doctor-follow"
                data-followed={isFollowed ? 'true' : 'false'}
                onClick={() => (loggedIn ? follow.mutate() : navigate(`/login?redirect=/doctors/${id}`))}
              >
                {isFollowed ? t('doctorFollowed') : t('doctorFollow')}
              </Button>
            </div>
            {d.specialties && d.specialties.length > 0 ? (
              <Section title={t('doctorSpecialties')} className="card">
                <div className="tags">
                  {d.specialties.map((x) => (
                    <Tag key={x} color="primary" fill="outline">
                      {x}
                    </Tag>
                  ))}
                </div>
              </Section>
            ) : null}
            {d.introduction ? (
              <Section title={t('doctorIntro')} className="card">
                <RichText value={d.introduction} />
              </Section>
            ) : null}
            <Section title={t('doctorSchedule')} className="card">
              {schedules.isError ? (
                <div className="muted padded">{t('doctorNoSchedule')}</div>
              ) : (
                <QueryView query={schedules} empty={(x) => x.length === 0} emptyText={t('doctorNoSchedule')}>
                  {(list) => (
                    <div data-testid="doctor-schedules">
                      {list.map((s) => (
                        <ScheduleCard key={s.id} schedule={s} showDate onBook={book} />
                      ))}
                    </div>
                  )}
                </QueryView>
              )}
            </Section>
          </>
        )}
      </QueryView>
    </Page>
  );
}

export function FollowedDoctorsPage() {
  const { t } = useI18n();
  const followed = useQuery({ queryKey: ['followed-doctors'], queryFn: directory.followedDoctors });
  return (
    <Page title={t('followedTitle')} testId="followed-doctors-page">
      <QueryView query={followed} empty={(x) => x.length === 0} emptyText={t('followedEmpty')}>
        {(list) => (
          <List data-testid="followed-list">
            {list.map((d) => (
              <DoctorRow key={d.id} doctor={d} />
            ))}
          </List>
        )}
      </QueryView>
    </Page>
  );
}
