import { PageTitle } from '../components/page-title.js';

export function NotFoundPage({ path }: { path: string }) {
  return (
    <section>
      <PageTitle title="Not found">Nothing here</PageTitle>
      <p>
        The console has no page at <code>{path}</code>. <a href="#/workflows">See the workflows.</a>
      </p>
    </section>
  );
}
