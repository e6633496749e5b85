import { Form, Input, InputNumber, Select } from 'antd';
import { featuredDisciplines, type FeaturedDiscipline } from '../../api/directory';
import { CrudPage } from '../../components/CrudPage';
import { useDepartments } from '../../components/lookups';
import { useTr } from '../../i18n';

export function FeaturedDisciplinesPage() {
  const tr = useTr();
  const depts = useDepartments();
  const deptName = (id: string) => depts.data?.find((d) => d.id === id)?.name ?? id;
  return (
    <CrudPage<FeaturedDiscipline>
      title={tr('特色专科', 'Featured disciplines')}
      queryKey="featured-disciplines"
      resource={featuredDisciplines}
      testId="featured"
      deletable
      newDefaults={{ sort: 0 }}
      columns={[
        { title: tr('标题', 'Title'), dataIndex: 'title' },
        {
          title: tr('科室', 'Department'),
          key: 'dept',
          render: (_, f) => f.departmentName ?? deptName(f.departmentId),
        },
        { title: tr('说明', 'Description'), dataIndex: 'description', ellipsis: true },
        { title: tr('排序', 'Sort'), dataIndex: 'sort' },
      ]}
      fromForm={(v: FeaturedDiscipline) => ({
        departmentId: v.departmentId,
        title: v.title,
        description: v.description ?? '',
        imageUrl: v.imageUrl ?? '',
        sort: v.sort ?? 0,
      })}
      renderForm={() => (
        <>
          <Form.Item name="departmentId" label={tr('科室', 'Department')} rules={[{ required: true }]}>
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              options={(depts.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
            />
          </Form.Item>
          <Form.Item
            name="title"
            label={tr('标题', 'Title')}
            rules={[{ required: true, whitespace: true }, { max: 100 }]}
          >
            <Input />
          </Form.Item>
          <Form.Item name="description" label={tr('说明', 'Description')} rules={[{ max: 2000 }]}>
            <Input.TextArea rows={3} />
          </Form.Item>
          <Form.Item name="imageUrl" label={tr('图片地址', 'Image URL')} rules={[{ max: 500 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="sort" label={tr('排序', 'Sort')}>
            <InputNumber min={0} precision={0} />
          </Form.Item>
        </>
      )}
    />
  );
}
