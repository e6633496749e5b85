import { useState, type ReactNode } from 'react';
import { App, Button, Form, Input, Modal, Popconfirm, Space, type FormInstance } from 'antd';
import type { ColumnsType, TableProps } from 'antd/es/table';
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Query } from '../api/client';
import type { Resource } from '../api/resource';
import { useTr } from '../i18n';
import { ListPage } from './ListPage';
import { applyServerErrors } from './serverErrors';

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface CrudPageProps<T extends { id: string }> {
  title: string;
  queryKey: string;
  resource: Resource<T>;
  columns: ColumnsType<T>;
  /** the form's fields; `editing` is null when creating */
  renderForm: (editing: T | null, form: FormInstance) => ReactNode;
  toForm?: (row: T) => Record<string, unknown>;
  fromForm?: (values: any, editing: T | null) => unknown;
  newDefaults?: Record<string, unknown>;
  search?: { placeholder: string };
  filters?: (set: (q: Query) => void, query: Query) => ReactNode;
  extraQuery?: Query;
  rowActions?: (row: T) => ReactNode;
  deletable?: boolean | ((row: T) => boolean);
  creatable?: boolean;
  modalWidth?: number;
  /** data-testid prefix: `<prefix>-edit-<id>`, `<prefix>-save`, `<prefix>-new` */
  testId?: string;
  rowTestKey?: (row: T) => string;
  transformItems?: (items: T[]) => T[];
  tableProps?: TableProps<T>;
  pageSize?: number;
  /** read the full record before editing (the list may carry a summary only) */
  loadForEdit?: boolean;
  /** the list endpoint takes page and pageSize (max 100); otherwise it returns everything */
  serverPaging?: boolean;
}

/** A maintained collection: the shared list page plus search, new, edit (one form dialog) and delete. */
export function CrudPage<T extends { id: string }>(p: CrudPageProps<T>) {
  const tr = useTr();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm();
  const [editing, setEditing] = useState<T | null>(null);
  const [open, setOpen] = useState(false);

  const save = useMutation({
    mutationFn: async (values: any) => {
      const body = p.fromForm ? p.fromForm(values, editing) : values;
      return editing ? p.resource.update(editing.id, body) : p.resource.create(body);
    },
    onSuccess: () => {
      message.success(tr('已保存', 'Saved'));
      setOpen(false);
      void qc.invalidateQueries({ queryKey: [p.queryKey] });
    },
    onError: (err) => message.error(applyServerErrors(form, err)),
  });

  const remove = useMutation({
    mutationFn: (id: string) => p.resource.remove(id),
    onSuccess: () => {
      message.success(tr('已删除', 'Deleted'));
      void qc.invalidateQueries({ queryKey: [p.queryKey] });
    },
    onError: (err) => message.error((err as Error).message),
  });

  const openEditor = async (row: T | null) => {
    let full = row;
    if (row && p.loadForEdit) {
      try {
        full = { ...row, ...(await p.resource.get(row.id)) };
      } catch (e) {
        message.error((e as Error).message);
        return;
      }
    }
    setEditing(full);
    form.resetFields();
    form.setFieldsValue(full ? (p.toForm ? p.toForm(full) : full) : (p.newDefaults ?? {}));
    setOpen(true);
  };

  const key = (row: T) => (p.rowTestKey ? p.rowTestKey(row) : row.id);
  const actions: ColumnsType<T>[number] = {
    title: tr('操作', 'Actions'),
    key: '__actions',
    fixed: 'right',
    width: 200,
    render: (_: unknown, row: T) => (
      <Space size="small" wrap>
        <Button
          size="small"
          type="link"
          data-testid={p.testId ? `${p.testId}-edit-${key(row)}` : undefined}
          onClick={() => void openEditor(row)}
        >
          {tr('编辑', 'Edit')}
        </Button>
        {p.rowActions?.(row)}
        {(typeof p.deletable === 'function' ? p.deletable(row) : p.deletable) && (
          <Popconfirm title={tr('确定删除？', 'Delete this item?')} onConfirm={() => remove.mutate(row.id)}>
            <Button size="small" type="link" danger>
              {tr('删除', 'Delete')}
            </Button>
          </Popconfirm>
        )}
      </Space>
    ),
  };

  return (
    <ListPage<T>
      title={p.title}
      queryKey={p.queryKey}
      fetch={(q) => p.resource.list(q)}
      columns={[...p.columns, actions]}
      baseQuery={p.extraQuery}
      serverPaging={!!p.serverPaging}
      pageSize={p.pageSize}
      sizeChanger
      showTotal
      transformItems={p.transformItems}
      tableProps={p.tableProps}
      testId={p.testId}
      quickFilters={(set, current) => (
        <>
          {p.filters?.(set, current)}
          {p.search && (
            <Input.Search
              allowClear
              placeholder={p.search.placeholder}
              onSearch={(v) => set({ q: v.trim() || undefined })}
              style={{ width: 240 }}
              data-testid={p.testId ? `${p.testId}-search` : undefined}
            />
          )}
        </>
      )}
      extra={
        p.creatable !== false && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => void openEditor(null)}
            data-testid={p.testId ? `${p.testId}-new` : undefined}
          >
            {tr('新建', 'New')}
          </Button>
        )
      }
    >
      <Modal
        open={open}
        title={editing ? tr('编辑', 'Edit') : tr('新建', 'New')}
        width={p.modalWidth ?? 640}
        onCancel={() => setOpen(false)}
        forceRender
        footer={[
          <Button key="cancel" onClick={() => setOpen(false)}>
            {tr('取消', 'Cancel')}
          </Button>,
          <Button
            key="save"
            type="primary"
            loading={save.isPending}
            onClick={() => form.submit()}
            data-testid={p.testId ? `${p.testId}-save` : undefined}
          >
            {tr('保存', 'Save')}
          </Button>,
        ]}
      >
        <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)} scrollToFirstError>
          {p.renderForm(editing, form)}
        </Form>
      </Modal>
    </ListPage>
  );
}
