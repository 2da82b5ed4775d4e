// A route handler reading the session: the recipe's app/me/route.ts.
import { getSso } from '../../lib/sso.js';

export async function GET(request) {
  const session = await getSso().getSession(request);
  return session ? Response.json(session) : Response.json({ error: 'unauthenticated' }, { status: 401 });
}
