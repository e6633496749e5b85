import { StrictMode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { unstableSetRender } from 'antd-mobile';
import { App } from './App';
import './styles.css';

// antd-mobile 5 mounts Toast and Dialog with the pre-React-19 render API; give it createRoot.
unstableSetRender((node, container) => {
  const holder = container as (Element | DocumentFragment) & { __qnRoot?: Root };
  holder.__qnRoot ??= createRoot(container);
  const root = holder.__qnRoot;
  root.render(node);
  return async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    root.unmount();
    delete holder.__qnRoot;
  };
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
