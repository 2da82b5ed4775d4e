/**
 * Controls the table and a connection's page share: the confirmation dialog (delete, turning a
 * connection off), the Active switch, and the labelled scroll container a wide table sits in.
 *
 * @module
 */
import type { AdminApi, ConnectionSummary } from './api.ts';
import { h, replace } from './dom.ts';
import { announce, explain, type Notices } from './notice.ts';
import { text } from './text.ts';

const t = text.connections;

/** What a confirmation asks: its title, what happens, and the button that does it. */
export interface Question {
  title: string;
  body: string;
  confirm: string;
}

/** A modal confirmation (`<dialog>`: focus moves in and back, Escape cancels). */
export function confirmDialog() {
  const title = h('h2', { id: 'confirm-title' });
  const body = h('p', { id: 'confirm-body' });
  const yes = h('button', { type: 'submit', value: 'yes', class: 'danger' });
  const no = h('button', { type: 'submit', value: 'no', autofocus: true }, t.cancel);
  const element = h(
    'dialog',
    { 'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-body' },
    h('form', { method: 'dialog' }, title, body, h('div', { class: 'actions' }, no, yes)),
  );
  return {
    element,
    ask(question: Question): Promise<boolean> {
      replace(title, question.title);
      replace(body, question.body);
      replace(yes, question.confirm);
      element.returnValue = '';
      element.showModal();
      return new Promise((resolve) =>
        element.addEventListener('close', () => resolve(element.returnValue === 'yes'), { once: true }),
      );
    },
  };
}

export type ConfirmDialog = ReturnType<typeof confirmDialog>;

/** Asks before deleting a connection. */
export const askDelete = (dialog: ConfirmDialog, name: string) =>
  dialog.ask({ title: t.confirmTitle(name), body: t.confirmBody, confirm: t.confirmDelete });

/**
 * The Active switch of a connection, named `name` (its state is `aria-checked`, the visible On/Off is
 * hidden from assistive technology). Turning it off ends sessions, so it asks first. While the change is
 * saved the switch stays focusable (`aria-disabled`) and ignores clicks; `changed` gets the connection
 * as saved.
 */
export function activeSwitch(
  c: ConnectionSummary,
  name: string,
  context: { api: AdminApi; notices: Notices; dialog: ConfirmDialog; reload: () => void },
  changed: (updated: ConnectionSummary) => void,
): HTMLButtonElement {
  const button = h(
    'button',
    {
      type: 'button',
      role: 'switch',
      class: 'switch',
      'aria-checked': String(c.active),
      'aria-label': name,
      onclick: async () => {
        if (button.getAttribute('aria-disabled') === 'true') return;
        if (
          c.active &&
          !(await context.dialog.ask({ title: t.offTitle(c.name), body: t.offBody, confirm: t.confirmOff }))
        )
          return;
        button.setAttribute('aria-disabled', 'true');
        try {
          const updated = await context.api.setActive(c, !c.active);
          announce(context.notices, updated.active ? t.activated(c.name) : t.deactivated(c.name));
          changed({ ...c, ...updated });
        } catch (error) {
          explain(context.notices, error, context.reload);
        } finally {
          button.removeAttribute('aria-disabled');
        }
      },
    },
    h('span', { class: 'switch-track', 'aria-hidden': 'true' }),
    h('span', { class: 'switch-label', 'aria-hidden': 'true' }, c.active ? t.on : t.off),
  );
  return button;
}

/** A wide table in a scroll container the keyboard can reach and that says what it holds. */
export function scrollRegion(label: string, table: HTMLElement): HTMLElement {
  return h('div', { class: 'scroll', role: 'region', tabindex: '0', 'aria-label': label }, table);
}
