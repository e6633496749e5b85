import { App, Button, Col, Form, Input, InputNumber, Radio, Row, Select, Switch, Tabs, Tag } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  articleKindLabels,
  articleSourceLabels,
  articleStatusLabels,
  type ArticleKind,
  type ArticleSource,
  type ArticleStatus,
} from '@qingnang/contracts';
import {
  articleCategories,
  articles,
  listArticleCategories,
  type Article,
  type ArticleCategory,
} from '../../api/directory';
import { CrudPage } from '../../components/CrudPage';
import { dateTime } from '../../format';
import { useTr } from '../../i18n';
import { CodeTag, codeLabel } from '../../labels';

/** The preview renders the HTML in a sandboxed frame: no scripts run, whatever the body holds. */
function HtmlPreview({ html }: { html: string }) {
  return (
    <iframe
      title="preview"
      sandbox=""
      srcDoc={`<meta charset="utf-8"><style>body{font-family:sans-serif;font-size:14px;line-height:1.7;padding:8px}img{max-width:100%}</style>${html ?? ''}`}
      style={{ width: '100%', height: 360, border: '1px solid #f0f0f0', borderRadius: 6 }}
    />
  );
}

function ArticleList() {
  const tr = useTr();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const cats = useQuery({ queryKey: ['article-categories'], queryFn: listArticleCategories });
  const catName = (a: Article) =>
    a.category?.name ?? cats.data?.find((c) => c.id === a.categoryId)?.name ?? a.categoryId;
  const publish = useMutation({
    mutationFn: (a: Article) =>
      a.status === 'published' ? articles.unpublish(a.id) : articles.publish(a.id),
    onSuccess: () => {
      message.success(tr('已更新', 'Updated'));
      void qc.invalidateQueries({ queryKey: ['articles'] });
    },
    onError: (e) => message.error((e as Error).message),
  });

  return (
    <CrudPage<Article>
      title={tr('资讯文章', 'Articles')}
      queryKey="articles"
      serverPaging
      resource={articles}
      testId="article"
      loadForEdit
      toForm={(a) => ({ ...a, categoryId: a.categoryId ?? a.category?.id })}
      deletable
      search={{ placeholder: tr('搜索标题', 'Search titles') }}
      filters={(set, q) => (
        <>
          <Select
            allowClear
            placeholder={tr('分类', 'Category')}
            style={{ width: 160 }}
            value={q.category as string | undefined}
            onChange={(v) => set({ category: v })}
            options={(cats.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
          />
          <Select
            allowClear
            placeholder={tr('状态', 'Status')}
            style={{ width: 120 }}
            value={q.status as string | undefined}
            onChange={(v) => set({ status: v })}
            options={ARTICLE_STATUSES.map((v) => ({
              value: v,
              label: codeLabel(tr, articleStatusLabels, v),
            }))}
          />
        </>
      )}
      modalWidth={900}
      newDefaults={{ source: 'original', body: '' }}
      columns={[
        { title: tr('标题', 'Title'), dataIndex: 'title', ellipsis: true, width: 320 },
        { title: tr('分类', 'Category'), key: 'cat', render: (_, a) => catName(a) },
        {
          title: tr('状态', 'Status'),
          dataIndex: 'status',
          render: (s: string) => (
            <CodeTag tr={tr} table={articleStatusLabels} code={s} colors={{ published: 'green' }} />
          ),
        },
        { title: tr('发布时间', 'Published at'), dataIndex: 'publishedAt', render: dateTime },
        { title: tr('作者', 'Author'), dataIndex: 'author' },
      ]}
      rowActions={(a) => (
        <Button
          size="small"
          type="link"
          onClick={() => publish.mutate(a)}
          data-testid={`article-publish-${a.id}`}
        >
          {a.status === 'published' ? tr('撤回', 'Unpublish') : tr('发布', 'Publish')}
        </Button>
      )}
      fromForm={(v: Article) => ({
        categoryId: v.categoryId,
        title: v.title,
        summary: v.summary ?? '',
        coverUrl: v.coverUrl ?? '',
        body: v.body ?? '',
        source: v.source ?? 'original',
        sourceName: v.sourceName ?? '',
        author: v.author ?? '',
      })}
      renderForm={(_editing, form) => (
        <Row gutter={16}>
          <Col span={16}>
            <Form.Item
              name="title"
              label={tr('标题', 'Title')}
              rules={[{ required: true, whitespace: true }, { max: 200 }]}
            >
              <Input />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="categoryId" label={tr('分类', 'Category')} rules={[{ required: true }]}>
              <Select options={(cats.data ?? []).map((c) => ({ value: c.id, label: c.name }))} />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="summary" label={tr('摘要', 'Summary')} rules={[{ max: 500 }]}>
              <Input.TextArea rows={2} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="source" label={tr('来源', 'Source')}>
              <Radio.Group
                options={ARTICLE_SOURCES.map((v) => ({
                  value: v,
                  label: codeLabel(tr, articleSourceLabels, v),
                }))}
              />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="sourceName" label={tr('来源名称', 'Source name')} rules={[{ max: 100 }]}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="author" label={tr('作者', 'Author')} rules={[{ max: 50 }]}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="coverUrl" label={tr('封面图片地址', 'Cover image URL')} rules={[{ max: 500 }]}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Tabs
              items={[
                {
                  key: 'edit',
                  label: tr('正文（HTML）', 'Body (HTML)'),
                  children: (
                    <Form.Item name="body" rules={[{ max: 100000 }]}>
                      <Input.TextArea
                        rows={14}
                        style={{ fontFamily: 'monospace' }}
                        data-testid="article-body"
                      />
                    </Form.Item>
                  ),
                },
                {
                  key: 'preview',
                  label: tr('预览', 'Preview'),
                  children: (
                    <Form.Item shouldUpdate noStyle>
                      {() => <HtmlPreview html={form.getFieldValue('body')} />}
                    </Form.Item>
                  ),
                },
              ]}
            />
          </Col>
        </Row>
      )}
    />
  );
}

const KINDS = Object.keys(articleKindLabels) as ArticleKind[];
const ARTICLE_STATUSES = Object.keys(articleStatusLabels) as ArticleStatus[];
const ARTICLE_SOURCES = Object.keys(articleSourceLabels) as ArticleSource[];

function Categories() {
  const tr = useTr();
  const kindLabel = (k: string) => codeLabel(tr, articleKindLabels, k);
  return (
    <CrudPage<ArticleCategory>
      title={tr('文章分类', 'Article categories')}
      queryKey="article-categories"
      resource={articleCategories}
      testId="article-category"
      deletable
      newDefaults={{ kind: 'education', enabled: true, sort: 0 }}
      columns={[
        { title: tr('名称', 'Name'), dataIndex: 'name' },
        { title: tr('栏目', 'Kind'), dataIndex: 'kind', render: kindLabel },
        { title: tr('排序', 'Sort'), dataIndex: 'sort' },
        {
          title: tr('启用', 'Enabled'),
          dataIndex: 'enabled',
          render: (e: boolean) => (e ? <Tag color="green">✓</Tag> : <Tag>—</Tag>),
        },
      ]}
      fromForm={(v: ArticleCategory) => ({
        kind: v.kind,
        name: v.name,
        enabled: v.enabled,
        sort: v.sort ?? 0,
      })}
      renderForm={() => (
        <>
          <Form.Item
            name="name"
            label={tr('名称', 'Name')}
            rules={[{ required: true, whitespace: true }, { max: 50 }]}
          >
            <Input />
          </Form.Item>
          <Form.Item name="kind" label={tr('栏目', 'Kind')} rules={[{ required: true }]}>
            <Select options={KINDS.map((k) => ({ value: k, label: kindLabel(k) }))} />
          </Form.Item>
          <Form.Item name="sort" label={tr('排序', 'Sort')}>
            <InputNumber min={-100000} max={100000} precision={0} />
          </Form.Item>
          <Form.Item name="enabled" label={tr('启用', 'Enabled')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </>
      )}
    />
  );
}

export function ArticlesPage() {
  const tr = useTr();
  return (
    <Tabs
      items={[
        { key: 'articles', label: tr('文章', 'Articles'), children: <ArticleList /> },
        { key: 'categories', label: tr('分类', 'Categories'), children: <Categories /> },
      ]}
    />
  );
}
