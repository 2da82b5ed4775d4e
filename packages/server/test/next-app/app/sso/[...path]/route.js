// The recipe's app/sso/[...path]/route.ts: every ssokit route (the login and its callback, form_post
// and the SAML ACS, logout, the admin API's PATCH and DELETE) goes to sso.handle.
import { getSso } from '../../../lib/sso.js';

export const GET = (request) => getSso().handle(request);
export const POST = (request) => getSso().handle(request);
export const PATCH = (request) => getSso().handle(request);
export const DELETE = (request) => getSso().handle(request);
