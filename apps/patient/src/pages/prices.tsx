import { useState } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { CapsuleTabs, InfiniteScroll, List, SearchBar } from 'antd-mobile';
import { directory } from '../api';
import { Page, QueryView } from '../components/common';
import { yuan } from '../format';
import { useI18n } from '../i18n';

const PAGE_SIZE = 30;

export function PricesPage() {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [category, setCategory] = useState('');
  const categories = useQuery({ queryKey: ['price-categories'], queryFn: directory.priceCategories });
  const prices = useInfiniteQuery({
    queryKey: ['prices', q, category],
    initialPageParam: 1,
    queryFn: ({ pageParam }) =>
      directory.prices({
        q: q || undefined,
        category: category || undefined,
        page: pageParam,
        pageSize: PAGE_SIZE,
      }),
    getNextPageParam: (last, all) => {
      const loaded = all.reduce((n, p) => n + p.items.length, 0);
      if (last.items.length < PAGE_SIZE) return undefined;
      if (last.total !== undefined && loaded >= last.total) return undefined;
      return all.length + 1;
    },
  });
  const items = prices.data?.pages.flatMap((p) => p.items) ?? [];
  const total = prices.data?.pages[0]?.total;
  return (
    <Page title={t('pricesTitle')} testId="prices-page">
      <div className="search-wrap">
        <SearchBar
          placeholder={t('pricesSearchPlaceholder')}
          onSearch={(v) => setQ(v.trim())}
          onClear={() => setQ('')}
          data-testid="price-search"
        />
      </div>
      {categories.data && categories.data.length > 0 ? (
        <CapsuleTabs activeKey={category} onChange={setCategory} className="price-categories">
          <CapsuleTabs.Tab key="" title={t('all')} />
          {categories.data.map((c) => (
            <CapsuleTabs.Tab key={c.code ?? c.id ?? c.name} title={c.name} />
          ))}
        </CapsuleTabs>
      ) : null}
      {total !== undefined ? (
        <div className="muted small padded-x">{t('pricesTotal', { n: total })}</div>
      ) : null}
      <QueryView query={prices} empty={() => items.length === 0}>
        {() => (
          <>
            <List data-testid="price-list">
              {items.map((p) => (
                <List.Item
                  key={p.id}
                  data-testid="price-item"
                  description={[p.categoryName ?? p.category, p.spec, p.pinyinInitials?.toUpperCase()]
                    .filter(Boolean)
                    .join(' · ')}
                  extra={
                    <span className="price">
                      ¥{yuan(p.priceFen)}
                      {p.unit ? <span className="muted small">/{p.unit}</span> : null}
                    </span>
                  }
                >
                  {p.name}
                </List.Item>
              ))}
            </List>
            <InfiniteScroll
              loadMore={async () => void (await prices.fetchNextPage())}
              hasMore={prices.hasNextPage}
            />
          </>
        )}
      </QueryView>
    </Page>
  );
}
