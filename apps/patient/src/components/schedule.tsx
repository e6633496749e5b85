import { doctorTitleLabels, levelLabels } from '@qingnang/contracts';
import { Button, Tag } from 'antd-mobile';
import type { Schedule, TimeSegment } from '../api';
import { hhmm, shiftKey, yuan, wordsOr } from '../format';
import { useNavigate } from 'react-router';
import { useI18n } from '../i18n';
import { DoctorAvatar } from '../pages/home';

export function scheduleStopped(s: Schedule): boolean {
  return s.stopped === true || s.state === 'stopped' || s.state === 'cancelled';
}

export function segmentStopped(seg: TimeSegment): boolean {
  return seg.stopped === true || seg.state === 'stopped' || seg.state === 'cancelled';
}

export function scheduleDate(s: Schedule): string {
  return s.clinicDate ?? s.date ?? '';
}

function notReleased(s: Schedule): boolean {
  if (s.released === false) return true;
  if (s.released === undefined && s.releaseAt) return new Date(s.releaseAt).getTime() > Date.now();
  return false;
}

/** One doctor's clinic: level, fee, and the remaining numbers of every time segment. */
export function ScheduleCard(props: {
  schedule: Schedule;
  /** the doctor, when the schedule itself carries only the id */
  doctor?: { name: string; title?: string; photoUrl?: string };
  departmentName?: string;
  showDoctor?: boolean;
  showDate?: boolean;
  onBook: (schedule: Schedule, segment?: TimeSegment) => void;
}) {
  const { t, code } = useI18n();
  const navigate = useNavigate();
  const s = props.schedule;
  const doctorId = s.doctor?.id ?? s.doctorId;
  // the doctor's name and photo open the doctor's profile (introduction, specialities, other clinics)
  const openDoctor = doctorId ? () => navigate(`/doctors/${encodeURIComponent(doctorId)}`) : undefined;
  const stopped = scheduleStopped(s);
  const unreleased = notReleased(s);
  const doctorName = props.doctor?.name ?? s.doctor?.name ?? s.doctorName ?? '';
  const title = props.doctor?.title ?? s.doctor?.title ?? s.doctorTitle;
  const photoUrl = props.doctor?.photoUrl ?? s.doctor?.photoUrl;
  const departmentName = props.departmentName ?? s.department?.name ?? s.departmentName;
  const segments = s.segments ?? [];
  const shiftCode = s.shiftCode ?? s.shift;
  const shift =
    s.shiftName ??
    (shiftCode && shiftKey[shiftCode] ? t(shiftKey[shiftCode]) : wordsOr(shiftCode, t('codeUnknown')));
  const level = s.levelName ?? code(levelLabels, s.level);
  return (
    <div className={`schedule-card ${stopped ? 'stopped' : ''}`} data-testid="schedule-item" data-id={s.id}>
      <div className="schedule-head">
        {props.showDoctor ? (
          <div onClick={openDoctor} className={openDoctor ? 'clickable' : undefined}>
            <DoctorAvatar name={doctorName} photoUrl={photoUrl} size={40} />
          </div>
        ) : null}
        <div className="schedule-main">
          {props.showDoctor ? (
            <div className="schedule-doctor">
              <a className="strong doctor-link" onClick={openDoctor} data-testid="schedule-doctor-link">
                {doctorName}
              </a>{' '}
              <span className="muted small">{code(doctorTitleLabels, title)}</span>
            </div>
          ) : null}
          <div className="small">
            {props.showDate ? <span>{scheduleDate(s)} </span> : null}
            <span>{shift}</span>
            {s.startAt || s.startTime ? (
              <span className="muted">
                {' '}
                {hhmm(s.startAt ?? s.startTime)}-{hhmm(s.endAt ?? s.endTime)}
              </span>
            ) : null}
            {departmentName ? <span className="muted"> · {departmentName}</span> : null}
          </div>
          <div className="schedule-tags">
            {level ? (
              <Tag color="primary" fill="outline">
                {level}
              </Tag>
            ) : null}
            <span className="price">¥{yuan(s.feeFen)}</span>
          </div>
        </div>
        <div className="schedule-status">
          {stopped ? (
            <Tag color="danger" data-testid="schedule-stopped">
              {t('regStopped')}
            </Tag>
          ) : unreleased ? (
            <Tag color="default">{t('regNotReleased')}</Tag>
          ) : s.full || s.remaining <= 0 ? (
            <Tag color="default" data-testid="schedule-full">
              {t('regFull')}
            </Tag>
          ) : segments.length === 0 ? (
            <Button size="small" color="primary" data-testid="book-button" onClick={() => props.onBook(s)}>
              {t('regRemaining', { n: s.remaining })}
            </Button>
          ) : (
            <span className="remaining">{t('regRemaining', { n: s.remaining })}</span>
          )}
        </div>
      </div>
      {stopped && s.stopReason ? <div className="small danger-text">{s.stopReason}</div> : null}
      {segments.length > 0 && !stopped ? (
        <div className="segments">
          {segments.map((seg) => {
            const segStopped = segmentStopped(seg);
            const full = seg.full === true || seg.remaining <= 0;
            const disabled = segStopped || full || unreleased;
            return (
              <button
                key={seg.id}
                type="button"
                className={`segment ${disabled ? 'disabled' : ''}`}
                disabled={disabled}
                data-testid="segment-button"
                data-state={segStopped ? 'stopped' : full ? 'full' : 'open'}
                onClick={() => props.onBook(s, seg)}
              >
                <div>
                  {hhmm(seg.startAt ?? seg.startTime ?? seg.startsAt)}-
                  {hhmm(seg.endAt ?? seg.endTime ?? seg.endsAt)}
                </div>
                <div className="segment-left">
                  {segStopped
                    ? t('regStopped')
                    : full
                      ? t('regFull')
                      : t('regRemaining', { n: seg.remaining })}
                </div>
              </button>
            );
          })}
        </div>
      ) : null}
    </div>
  );
}
