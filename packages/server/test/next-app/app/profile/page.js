// A server component reading the session: the recipe's app/profile/page.tsx, without JSX.
import { redirect } from 'next/navigation';
import { createElement } from 'react';
import { currentSession } from '../../lib/sso.js';

export default async function Profile() {
  const session = await currentSession();
  if (!session) redirect('/sso/login/wandb?returnTo=/profile');
  return createElement('p', { id: 'hello' }, `Hello ${session.user.email}`);
}
