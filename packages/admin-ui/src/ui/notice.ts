/**
 * The console's messages: one polite live region for what succeeded, one alert for what failed, each
 * in words (never colour alone), a refusal's text and, for a conflict, a Reload button. Both clear on
 * each navigation, except a message said for the page a save leads to ("… was created").
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
  /** Whether the next navigation keeps the messages (it is the one a save makes). */
  keep: boolean;
}

export function createNotices(): Notices {
  return {
    status: h('div', { class: 'notice notice-ok', role: 'status', 'aria-live': 'polite' }),
    alert: h('div', { class: 'notice notice-error', role: 'alert' }),
    keep: false,
  };
}

/**
 * The notices as one page uses them: once the admin has moved on (the page's element is detached), what
 * it still says (a late answer, a late refusal) goes nowhere instead of over the next page.
 */
export function forPage(notices: Notices, page: HTMLElement): Notices {
  const nowhere = createNotices();
  return {
    get status() {
      return page.isConnected ? notices.status : nowhere.status;
    },
    get alert() {
      return page.isConnected ? notices.alert : nowhere.alert;
    },
    get keep() {
      return notices.keep;
    },
    set keep(value: boolean) {
      if (page.isConnected) notices.keep = value;
    },
  };
}

/** Says that something worked; `keep`: the message is for the page the next navigation opens. */
export function announce(notices: Notices, message: string, keep = false): void {
  replace(notices.alert);
  replace(notices.status, message);
  notices.keep = keep;
}

/** Called on each navigation: clears both messages, unless a save asked to keep them for it. */
export function navigated(notices: Notices): void {
  if (notices.keep) notices.keep = false;
  else {
    replace(notices.status);
    replace(notices.alert);
  }
}

/**
 * Explains a failure in words an operator can act on; a conflict offers to reload, saying `conflict`
 * (what was changed meanwhile: a connection unless told otherwise).
 */
export function explain(
  notices: Notices,
  error: unknown,
  reload: () => void,
  conflict: string = text.errors.conflict,
): void {
  replace(notices.status);
  notices.keep = false;
  if (!(error instanceof ApiError)) {
    replace(notices.alert, text.errors.generic(error instanceof Error ? error.message : String(error)));
    return;
  }
  if (error.code === 'concurrent_update') {
    replace(
      notices.alert,
      h('span', {}, conflict, ' '),
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
