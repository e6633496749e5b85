import { useState, type ReactNode } from 'react';
import { Alert, Button, Card, Form, Space, Table } from 'antd';
import type { ColumnsType, TableProps } from 'antd/es/table';
import { useQuery } from '@tanstack/react-query';
import type { Page, Query } from '../api/client';
import { useTr } from '../i18n';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Filter fields above the table, applied by their search button (page goes back to 1). */
export interface FilterForm<F> {
  /** the `Form.Item`s */
  fields: ReactNode;
  /** form values → query parameters (trim, dates to ISO, ...) */
  toQuery: (values: F) => Query;
  initialValues?: Partial<F>;
  /** data-testid of the search button */
  submitTestId?: string;
}

export interface ListPageProps<T, F = any> {
  title?: ReactNode;
  /** react-query key prefix; invalidate it after a change to reload the list */
  queryKey: string;
  /** reads one page (or everything when `serverPaging` is false) */
  fetch: (query: Query) => Promise<Page<T>>;
  columns: ColumnsType<T>;
  rowKey?: TableProps<T>['rowKey'];
  filterForm?: FilterForm<F>;
  /** filters applied at once (selects, a search box), shown in the card header */
  quickFilters?: (set: (next: Query) => void, current: Query) => ReactNode;
  /** query the list starts with (quick filters' initial values, a date range...) */
  initialQuery?: Query;
  /** always sent and never shown as a filter (e.g. the parent a nested list belongs to) */
  baseQuery?: Query;
  /** reshapes the rows before display (e.g. a flat list into a tree) */
  transformItems?: (items: T[]) => T[];
  /** told the filters whenever they change (e.g. an export that takes what the list shows) */
  onFiltersChange?: (filters: Query) => void;
  /** buttons in the card header, after the quick filters */
  extra?: ReactNode;
  /** shown between the header and the table (a hint, a toolbar) */
  before?: ReactNode;
  /** dialogs and drawers the page opens */
  children?: ReactNode;
  pageSize?: number;
  /** page size chooser; `true` offers 10/20/50/100 */
  sizeChanger?: boolean | number[];
  showTotal?: boolean;
  /** false: the endpoint returns every row and the table pages them itself */
  serverPaging?: boolean;
  size?: 'small' | 'middle';
  /** no card of its own (inside a tab or another card); quick filters and extra go above the table */
  bare?: boolean;
  emptyText?: ReactNode;
  /** `<testId>-table`, `<testId>-error`, `<testId>-reload` */
  testId?: string;
  /** more table settings (`pagination: false` for a list shown whole, `expandable` for a tree) */
  tableProps?: Omit<TableProps<T>, 'columns' | 'dataSource' | 'loading' | 'rowKey'>;
}

/**
 * The console's list page: filters, server pagination, loading / error / empty states and the
 * column definitions of one collection. Pages pass what differs (fetch, columns, filters, actions).
 */
export function ListPage<T, F = any>(p: ListPageProps<T, F>) {
  const tr = useTr();
  const [filters, setFilters] = useState<Query>(p.initialQuery ?? {});
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(p.pageSize ?? 20);
  const serverPaging = p.serverPaging !== false;
  const query: Query = { ...p.baseQuery, ...filters, ...(serverPaging ? { page, pageSize } : {}) };
  const list = useQuery({ queryKey: [p.queryKey, query], queryFn: () => p.fetch(query) });

  const applyFilters = (next: Query) => {
    setFilters(next);
    setPage(1);
    p.onFiltersChange?.(next);
  };
  // Searching again with the same filters asks the server again (a finance user re-checks a row
  // after acting on it elsewhere) instead of showing the cached page.
  const search = (next: Query) => {
    const same = page === 1 && JSON.stringify(next) === JSON.stringify(filters);
    applyFilters(next);
    if (same) void list.refetch();
  };
  const setQuick = (next: Query) => applyFilters({ ...filters, ...next });
  const items = list.data && p.transformItems ? p.transformItems(list.data.items) : list.data?.items;
  const sizes = p.sizeChanger === true ? [10, 20, 50, 100] : p.sizeChanger || undefined;

  const filterForm = p.filterForm && (
    <Form<F>
      layout="inline"
      initialValues={p.filterForm.initialValues as any}
      onFinish={(v) => search(p.filterForm!.toQuery(v))}
      style={{ marginBottom: 16, rowGap: 8 }}
    >
      {p.filterForm.fields}
      <Button type="primary" htmlType="submit" data-testid={p.filterForm.submitTestId}>
        {tr('查询', 'Search')}
      </Button>
    </Form>
  );

  const header = (p.quickFilters || p.extra) && (
    <Space wrap>
      {p.quickFilters?.(setQuick, filters)}
      {p.extra}
    </Space>
  );

  const body = (
    <>
      {p.bare && header && <div style={{ marginBottom: 12 }}>{header}</div>}
      {p.before}
      {filterForm}
      {list.error && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid={p.testId ? `${p.testId}-error` : undefined}
          title={(list.error as Error).message}
          action={
            <Button
              size="small"
              onClick={() => void list.refetch()}
              data-testid={p.testId ? `${p.testId}-reload` : undefined}
            >
              {tr('重试', 'Retry')}
            </Button>
          }
        />
      )}
      <div data-testid={p.testId ? `${p.testId}-table` : undefined}>
        <Table<T>
          // a tree that should open fully is remounted when its rows arrive (the default applies once)
          key={p.tableProps?.expandable?.defaultExpandAllRows ? `rows-${items?.length ?? 0}` : 'table'}
          rowKey={p.rowKey ?? ('id' as any)}
          size={p.size ?? 'middle'}
          loading={list.isLoading}
          dataSource={items}
          scroll={{ x: 'max-content' }}
          locale={p.emptyText ? { emptyText: p.emptyText } : undefined}
          pagination={{
            current: page,
            ...(serverPaging ? { total: list.data?.total } : {}),
            pageSize,
            ...(sizes ? { showSizeChanger: true, pageSizeOptions: sizes } : {}),
            ...(p.showTotal ? { showTotal: (t: number) => tr(`共 ${t} 条`, `${t} in total`) } : {}),
            onChange: (cp, ps) => {
              setPage(cp);
              setPageSize(ps);
            },
          }}
          columns={keepLastColumnInView(p.columns)}
          {...p.tableProps}
        />
      </div>
      {p.children}
    </>
  );

  if (p.bare) return body;
  return (
    <Card title={p.title} extra={header}>
      {body}
    </Card>
  );
}

/**
 * A table wider than the page scrolls sideways; its last column (the row's actions, or its state)
 * stays pinned on the right so it is never cut off at 1440 px.
 */
export function keepLastColumnInView<T>(columns: ColumnsType<T>): ColumnsType<T> {
  if (columns.length < 2) return columns;
  const last = columns[columns.length - 1];
  if (last.fixed !== undefined) return columns;
  return [...columns.slice(0, -1), { ...last, fixed: 'right' }];
}
