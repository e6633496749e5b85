import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp } from 'antd';
import { BrowserRouter } from 'react-router';
import { ApiError } from './api/client';
import { LangProvider } from './i18n';
import { ConsoleRoutes } from './routes';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      refetchOnWindowFocus: false,
      // a refusal (4xx) will not change by asking again
      retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <LangProvider>
        <AntApp>
          <BrowserRouter basename="/console">
            <ConsoleRoutes />
          </BrowserRouter>
        </AntApp>
      </LangProvider>
    </QueryClientProvider>
  </StrictMode>,
);
