// Two lists of a shared session's Y document, live in the sidebar: the operation history (the
// server writes it: who, stamped by the server's identity, and what) and the score being built
// (anyone in the session adds to it and takes from it; the change merges like any Yjs edit);
// and how values and counts are written in the session view.

import * as Y from 'yjs';

/** A parameter's value as typed: JSON when it parses (96, true, [3, 2]), else the text. */
export function parseValue(text: string): unknown {
  const t = text.trim();
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return t;
  }
}

/** A parameter's value as shown (and edited): its JSON, a string as it is. */
export function showValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** How many changes, in words: "1 change", "3 changes". */
export function changes(n: number): string {
  return `${n} ${n === 1 ? 'change' : 'changes'}`;
}

/** An operation as the server records it in the document's `history`. */
export interface IOperationRecord {
  seq?: number;
  from?: string;
  user?: { username?: string; display_name?: string; name?: string; color?: string } | null;
  time?: number;
  op?: unknown;
}

/** How many history records the sidebar shows (the latest). */
export const HISTORY_SHOWN = 10;

/**
 * `value` as one short line: JSON, cut to `max` characters with an ellipsis.
 *
 *     summary({ kind: 'rotate', by: 1 })  // -> '{"kind":"rotate","by":1}'
 *     summary('x'.repeat(80), 10)         // -> 'xxxxxxxxx…'
 */
export function summary(value: unknown, max = 60): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * An operation as the history shows it: its `kind` first, then its other fields.
 *
 *     describeOp({ kind: 'rotate', by: 1 })  // -> 'rotate by=1'
 *     describeOp([1, 2])                     // -> '[1,2]'
 */
export function describeOp(op: unknown, max = 60): string {
  if (typeof op === 'object' && op !== null && !Array.isArray(op)) {
    const { kind, ...rest } = op as Record<string, unknown>;
    if (typeof kind === 'string') {
      const fields = Object.entries(rest).map(([k, v]) => `${k}=${summary(v, max)}`);
      return summary([kind, ...fields].join(' '), max);
    }
  }
  return summary(op, max);
}

function el(tag: string, cls: string, sk: string, text?: string): HTMLElement {
  const e = document.createElement(tag);
  e.className = cls;
  e.dataset.sk = sk;
  if (text !== undefined) {
    e.textContent = text;
  }
  return e;
}

/** The latest operations of `history`, oldest first, redrawn on every change. */
export class HistoryList {
  constructor(private _history: Y.Array<unknown>) {
    this.node = el('div', 'sk-ydoc-history', 'ydoc-history');
    this._head = el('div', 'sk-ydoc-subhead', 'ydoc-history-head');
    this._list = el('ol', 'sk-ydoc-list', 'ydoc-history-list');
    this.node.append(this._head, this._list);
    _history.observeDeep(this._render);
    this._render();
  }

  readonly node: HTMLElement;
  private _head: HTMLElement;
  private _list: HTMLElement;

  private _render = (): void => {
    const all = this._history.toJSON() as IOperationRecord[];
    const shown = all.slice(-HISTORY_SHOWN);
    const earlier = all.length - shown.length;
    this._head.textContent = all.length === 0
      ? 'history: no operations yet'
      : `history${earlier ? ` (the latest ${shown.length}; ${earlier} earlier not shown)` : ''}:`;
    this._list.textContent = '';
    for (const r of shown) {
      const item = el('li', 'sk-ydoc-op', 'ydoc-op');
      if (typeof r.seq === 'number') {
        item.dataset.skSeq = String(r.seq);
      }
      const who = el('span', 'sk-person', 'ydoc-op-who',
        r.user ? (r.user.display_name ?? r.user.name ?? r.user.username ?? '?') : 'the server');
      who.style.color = r.user?.color ?? '';
      const what = el('span', 'sk-ydoc-op-what', 'ydoc-op-what', describeOp(r.op));
      item.title = typeof r.time === 'number' ? new Date(r.time * 1000).toLocaleString() : '';
      item.append(who, document.createTextNode(': '), what);
      this._list.appendChild(item);
    }
  };
}

/** The score being built: its items, each removable, and a field to add one. */
export class ScoreList {
  /** `parse`: a typed item's value (JSON when it parses, else the text). */
  constructor(private _score: Y.Array<unknown>, parse: (text: string) => unknown) {
    this.node = el('div', 'sk-ydoc-score', 'ydoc-score');
    this._head = el('div', 'sk-ydoc-subhead', 'ydoc-score-head');
    this._list = el('ol', 'sk-ydoc-list', 'ydoc-score-list');
    const row = el('div', 'sk-ydoc-add', 'ydoc-score-add');
    const value = document.createElement('input');
    value.dataset.sk = 'ydoc-score-value';
    value.placeholder = 'score item (JSON or text)';
    value.size = 18;
    const add = el('button', 'sk-button', 'ydoc-score-append', 'Add') as HTMLButtonElement;
    add.title = 'Add an item to the end of the shared score';
    const apply = (): void => {
      if (value.value.trim()) {
        this._score.push([parse(value.value)]);
        value.value = '';
      }
    };
    add.onclick = apply;
    value.onkeydown = ev => {
      if (ev.key === 'Enter') {
        apply();
      }
    };
    row.append(value, add);
    this._row = row;
    this.node.append(this._head, this._list, row);
    _score.observeDeep(this._render);
    this._render();
  }

  readonly node: HTMLElement;
  private _head: HTMLElement;
  private _list: HTMLElement;
  private _row: HTMLElement;
  private _readOnly = false;

  /** Offer adding and removing items (false), or only show them (a watcher's view). */
  setReadOnly(readOnly: boolean): void {
    this._readOnly = readOnly;
    this._row.hidden = readOnly;
    this.node.dataset.skReadOnly = readOnly ? 'yes' : 'no';
    this._render();
  }

  private _render = (): void => {
    const items = this._score.toJSON() as unknown[];
    this._head.textContent = items.length === 0 ? 'score: empty' : 'score:';
    this._list.textContent = '';
    items.forEach((value, i) => {
      const item = el('li', 'sk-ydoc-score-item', 'ydoc-score-item');
      item.dataset.skIndex = String(i);
      const text = el('span', 'sk-ydoc-score-text', 'ydoc-score-text', summary(value));
      const remove = el('button', 'sk-button sk-ydoc-remove', 'ydoc-score-remove', '×') as HTMLButtonElement;
      remove.title = 'Remove this item from the shared score';
      // by position when clicked: the list is redrawn on every change, so it is current
      remove.onclick = () => {
        if (i < this._score.length) {
          this._score.delete(i, 1);
        }
      };
      item.append(text);
      if (!this._readOnly) {
        item.append(remove);
      }
      this._list.appendChild(item);
    });
  };
}
