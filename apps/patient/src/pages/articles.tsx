import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Image, InfiniteScroll, List, Tabs } from 'antd-mobile';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { directory, type ArticleCategory } from '../api';
import { Page, QueryView, RichText } from '../components/common';
import { dateTime } from '../format';
import { useI18n, type MessageKey } from '../i18n';

const PAGE_SIZE = 15;

export const articleCategories: Array<{ key: ArticleCategory; label: MessageKey }> = [
  { key: 'announcement', label: 'catAnnouncement' },
  { key: 'guide', label: 'catGuide' },
  { key: 'education', label: 'catEducation' },
  { key: 'knowledge', label: 'catKnowledge' },
  { key: 'encyclopedia', label: 'catEncyclopedia' },
];

export function ArticlesPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const category = (params.get('category') as ArticleCategory | null) ?? 'announcement';
  const articles = useInfiniteQuery({
    queryKey: ['articles', category],
    initialPageParam: 1,
    queryFn: ({ pageParam }) => directory.articles({ category, page: pageParam, pageSize: PAGE_SIZE }),
    getNextPageParam: (last, all) => {
      const loaded = all.reduce((n, p) => n + p.items.length, 0);
      if (last.items.length < PAGE_SIZE) return undefined;
      if (last.total !== undefined && loaded >= last.total) return undefined;
      return all.length + 1;
    },
  });
  const items = articles.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Page title={t('articlesTitle')} testId="articles-page">
      <Tabs activeKey={category} onChange={(key) => setParams({ category: key }, { replace: true })}>
        {articleCategories.map((c) => (
          <Tabs.Tab key={c.key} title={<span data-testid={`article-tab-${c.key}`}>{t(c.label)}</span>} />
        ))}
      </Tabs>
      <QueryView query={articles} empty={() => items.length === 0}>
        {() => (
          <>
            <List data-testid="article-list">
              {items.map((a) => (
                <List.Item
                  key={a.id}
                  data-testid="article-item"
                  onClick={() => navigate(`/articles/${a.id}`)}
                  extra={
                    a.coverUrl ? (
                      <Image src={a.coverUrl} width={72} height={54} fit="cover" lazy />
                    ) : undefined
                  }
                  description={
                    <>
                      {a.summary ? <div className="ellipsis2">{a.summary}</div> : null}
                      <div className="small muted">{dateTime(a.publishedAt)}</div>
                    </>
                  }
                >
                  <span className="ellipsis2 strong">{a.title}</span>
                </List.Item>
              ))}
            </List>
            <InfiniteScroll
              loadMore={async () => void (await articles.fetchNextPage())}
              hasMore={articles.hasNextPage}
            />
          </>
        )}
      </QueryView>
    </Page>
  );
}

export function ArticlePage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const article = useQuery({ queryKey: ['article', id], queryFn: () => directory.article(id) });
  return (
    <Page title={t('articlesTitle')} testId="article-page">
      <QueryView query={article}>
        {(a) => (
          <article className="article card">
            <h1 className="article-title" data-testid="article-title">
              {a.title}
            </h1>
            <div className="muted small">
              {[
                typeof a.category === 'object' ? a.category.name : a.categoryName,
                a.author,
                a.sourceName,
                dateTime(a.publishedAt),
              ]
                .filter(Boolean)
                .join(' · ')}
            </div>
            {a.coverUrl ? <Image src={a.coverUrl} fit="cover" className="article-cover" /> : null}
            {/* the body is sanitised by the server (directory/html.ts) before it is stored */}
            <div
              className="rich-text article-body"
              data-testid="article-body"
              dangerouslySetInnerHTML={{ __html: a.html ?? a.bodyHtml ?? a.body ?? '' }}
            />
          </article>
        )}
      </QueryView>
    </Page>
  );
}
