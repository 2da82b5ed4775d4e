/**
 * The console's messages: one polite live region for what succeeded, one alert for what failed, each
 * in words (never colour alone), a refusal's text and, for a conflict, a Reload button.
 *
 * @module
 */
import { ApiError } from './api.ts';
import { h, replace } from './dom.ts';
import { text } from './text.ts';

/** The two regions, created once by the shell. */
export interface Notices {
  status: HTMLElement;
  alert: HTMLElement;
}

export function createNotices(): Notices {
  return {
    status: h('div', { class: 'notice notice-ok', role: 'status', 'aria-live': 'polite' }),
    alert: h('div', { class: 'notice notice-error', role: 'alert' }),
  };
}

/** Says that something worked. */
export function announce(notices: Notices, message: string): void {
  replace(notices.alert);
  replace(notices.status, message);
}

/** Explains a failure in words an operator can act on; a conflict offers to reload. */
export function explain(notices: Notices, error: unknown, reload: () => void): void {
  replace(notices.status);
  if (!(error instanceof ApiError)) {
    replace(notices.alert, text.errors.generic(error instanceof Error ? error.message : String(error)));
    return;
  }
  if (error.code === 'concurrent_update') {
    replace(
      notices.alert,
      h('span', {}, text.errors.conflict, ' '),
      h('button', { type: 'button', class: 'link', onclick: reload }, text.errors.reload),
    );
    return;
  }
  const message =
    error.code === 'network'
      ? text.errors.network
      : error.status === 403 && error.reason === 'admin'
        ? text.errors.forbidden
        : text.errors.generic(error.message);
  replace(notices.alert, message);
}
