// The root layout Next needs for a page, without JSX.
import { createElement } from 'react';

export default function Layout({ children }) {
  return createElement('html', { lang: 'en' }, createElement('body', null, children));
}
