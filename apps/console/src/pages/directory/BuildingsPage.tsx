import { useState } from 'react';
import { Col, Form, Input, InputNumber, Row, Select } from 'antd';
import { buildings, floors, type Building, type Floor } from '../../api/directory';
import { CrudPage } from '../../components/CrudPage';
import { useBuildings, useCampuses } from '../../components/lookups';
import { useTr } from '../../i18n';

export function BuildingsPage() {
  const tr = useTr();
  const campuses = useCampuses();
  const allBuildings = useBuildings();
  const [buildingId, setBuildingId] = useState<string | undefined>();
  const campusName = (id: string) => campuses.data?.find((c) => c.id === id)?.name ?? id;
  const buildingName = (id: string) => allBuildings.data?.find((b) => b.id === id)?.name ?? id;

  return (
    <>
      <CrudPage<Building>
        title={tr('楼宇', 'Buildings')}
        queryKey="buildings"
        resource={buildings}
        testId="building"
        newDefaults={{ sort: 0 }}
        columns={[
          { title: tr('名称', 'Name'), dataIndex: 'name' },
          { title: tr('院区', 'Campus'), dataIndex: 'campusId', render: campusName },
          { title: tr('说明', 'Description'), dataIndex: 'description', ellipsis: true },
          { title: tr('排序', 'Sort'), dataIndex: 'sort' },
        ]}
        rowActions={(b) => <a onClick={() => setBuildingId(b.id)}>{tr('查看楼层', 'Floors')}</a>}
        fromForm={(v: Building) => ({
          campusId: v.campusId,
          name: v.name,
          description: v.description ?? '',
          sort: v.sort ?? 0,
        })}
        renderForm={() => (
          <>
            <Form.Item name="campusId" label={tr('院区', 'Campus')} rules={[{ required: true }]}>
              <Select options={(campuses.data ?? []).map((c) => ({ value: c.id, label: c.name }))} />
            </Form.Item>
            <Form.Item
              name="name"
              label={tr('名称', 'Name')}
              rules={[{ required: true, whitespace: true }, { max: 100 }]}
            >
              <Input />
            </Form.Item>
            <Form.Item name="description" label={tr('说明', 'Description')} rules={[{ max: 2000 }]}>
              <Input.TextArea rows={3} />
            </Form.Item>
            <Form.Item name="sort" label={tr('排序', 'Sort')}>
              <InputNumber min={0} precision={0} />
            </Form.Item>
          </>
        )}
      />
      <div style={{ height: 16 }} />
      <CrudPage<Floor>
        title={tr('楼层', 'Floors')}
        queryKey="floors"
        resource={floors}
        testId="floor"
        extraQuery={{ buildingId }}
        filters={() => (
          <Select
            allowClear
            placeholder={tr('按楼宇筛选', 'Filter by building')}
            style={{ width: 200 }}
            value={buildingId}
            onChange={setBuildingId}
            options={(allBuildings.data ?? []).map((b) => ({
              value: b.id,
              label: `${campusName(b.campusId)} · ${b.name}`,
            }))}
          />
        )}
        newDefaults={{ buildingId, level: 1, facilities: [] }}
        columns={[
          { title: tr('楼宇', 'Building'), dataIndex: 'buildingId', render: buildingName },
          { title: tr('楼层', 'Floor'), dataIndex: 'label' },
          { title: tr('层号', 'Level'), dataIndex: 'level' },
          {
            title: tr('设施', 'Facilities'),
            dataIndex: 'facilities',
            render: (v: string[]) => (v ?? []).join('、'),
          },
        ]}
        fromForm={(v: Floor) => ({
          buildingId: v.buildingId,
          label: v.label,
          level: v.level,
          floorPlanUrl: v.floorPlanUrl ?? '',
          facilities: v.facilities ?? [],
        })}
        renderForm={() => (
          <Row gutter={16}>
            <Col span={12}>
              <Form.Item name="buildingId" label={tr('楼宇', 'Building')} rules={[{ required: true }]}>
                <Select options={(allBuildings.data ?? []).map((b) => ({ value: b.id, label: b.name }))} />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item
                name="label"
                label={tr('名称', 'Label')}
                rules={[{ required: true, whitespace: true }, { max: 20 }]}
              >
                <Input placeholder="1F" />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name="level" label={tr('层号', 'Level')} rules={[{ required: true }]}>
                <InputNumber min={-10} max={200} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={24}>
              <Form.Item
                name="floorPlanUrl"
                label={tr('平面图地址', 'Floor plan URL')}
                rules={[{ max: 500 }]}
              >
                <Input />
              </Form.Item>
            </Col>
            <Col span={24}>
              <Form.Item
                name="facilities"
                label={tr('设施（收费处、药房等）', 'Facilities (cashier, pharmacy ...)')}
              >
                <Select mode="tags" tokenSeparators={[',', '，', '、']} />
              </Form.Item>
            </Col>
          </Row>
        )}
      />
    </>
  );
}
