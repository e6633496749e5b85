import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { SideBar } from 'antd-mobile';
import { RightOutline } from 'antd-mobile-icons';
import { directory, type Department } from '../api';
import { useI18n } from '../i18n';
import { QueryView } from './common';

/** The two-level department list (DIR-03): parents in a side bar, their departments on the right. */
export function DepartmentPicker({ onPick }: { onPick: (department: Department) => void }) {
  const { t } = useI18n();
  const departments = useQuery({ queryKey: ['departments'], queryFn: directory.departments });
  const [active, setActive] = useState<string | null>(null);
  return (
    <QueryView query={departments} empty={(d) => d.length === 0}>
      {(tree) => {
        const current = tree.find((p) => p.id === active) ?? tree[0];
        const children = current.children && current.children.length > 0 ? current.children : [current];
        return (
          <div className="dept-picker">
            <SideBar activeKey={current.id} onChange={setActive} className="dept-side">
              {tree.map((p) => (
                <SideBar.Item key={p.id} title={<span data-testid="department-group">{p.name}</span>} />
              ))}
            </SideBar>
            <div className="dept-list" data-testid="department-list">
              {children.map((d) => (
                <div
                  key={d.id}
                  className="dept-item"
                  data-testid="department-item"
                  data-id={d.id}
                  onClick={() => onPick(d)}
                >
                  <div>
                    <div className="dept-name">{d.name}</div>
                    {d.location ? <div className="muted small">{d.location}</div> : null}
                  </div>
                  <RightOutline className="muted" />
                </div>
              ))}
              {children.length === 0 ? <div className="muted padded">{t('empty')}</div> : null}
            </div>
          </div>
        );
      }}
    </QueryView>
  );
}
