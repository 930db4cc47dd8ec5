// The "Shared sessions" part of the sidebar: who is in each session (names in their colours),
// and Join/Leave, Rename, Delete (the owner only) and New session.

import { Dialog, InputDialog, showDialog } from '@jupyterlab/apputils';
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { API_PATH, ApiError, ISessionSummary, listSessions, memberCount, requestAPI } from './api';

/** A user as the server reports it (jupyter-server's identity, the session's owner). */
export interface IPerson {
  username?: string;
  display_name?: string;
  name?: string;
  color?: string;
}

// jupyter-server gives whoever logs in with the server's one token a random 32-hex username
// ("Anonymous ..."): the server lets any token holder rename and delete, so the panel does too
const TOKEN_HOLDER = /^[0-9a-f]{32}$/;

/** Whether `me` may rename and delete a session owned by `owner` (the server's rule). */
export function mayManage(owner: IPerson | null | undefined, me: IPerson | null): boolean {
  if (!owner || !owner.username) {
    return true;
  }
  if (!me || !me.username) {
    return false;
  }
  const display = me.display_name ?? me.name ?? '';
  if (TOKEN_HOLDER.test(me.username) && display.startsWith('Anonymous ')) {
    return true;
  }
  return me.username === owner.username;
}

function button(label: string, sk: string, title: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.className = `sk-button sk-session-${sk}`;
  b.dataset.sk = `session-${sk}`;
  b.title = title;
  b.textContent = label;
  return b;
}

function message(error: unknown): string {
  return error instanceof ApiError || error instanceof Error ? error.message : String(error);
}

/** The sessions list with its actions; `node` goes into the panel. */
export class SessionsView {
  constructor(private settings: ServerConnection.ISettings) {
    this.node = document.createElement('div');
    this.node.className = 'sk-sessions-view';
    this._list = document.createElement('ul');
    this._list.className = 'sk-sessions';
    this._list.dataset.sk = 'sessions';
    this._error = document.createElement('div');
    this._error.className = 'sk-note sk-error';
    this._error.dataset.sk = 'sessions-error';
    const create = button('+ New session', 'new', 'Create a shared session');
    create.onclick = () => void this._create();
    this.node.append(this._list, create, this._error);
  }

  readonly node: HTMLElement;

  /** The session this panel joined over its WebSocket (null when none). */
  get joined(): string | null {
    return this._joined;
  }

  /** Fetch who I am (once) and the sessions, and redraw; `fallback`: status's count. */
  async refresh(fallback?: unknown): Promise<void> {
    if (this._me === null) {
      this._me = await this._whoAmI();
    }
    let raw: unknown = fallback;
    try {
      raw = await requestAPI<unknown>('sessions', {}, this.settings);
    } catch (error) {
      this._error.textContent = `Listing sessions failed: ${message(error)}`;
    }
    this._show(raw);
  }

  dispose(): void {
    if (this._socket) {
      this._socket.onclose = null;
      this._socket.close();
      this._socket = null;
    }
  }

  private async _whoAmI(): Promise<IPerson | null> {
    const url = URLExt.join(this.settings.baseUrl, 'api', 'me');
    try {
      const response = await ServerConnection.makeRequest(url, {}, this.settings);
      if (!response.ok) {
        return null;
      }
      const body = (await response.json()) as { identity?: IPerson };
      return body.identity ?? null;
    } catch {
      return null;
    }
  }

  private _show(raw: unknown): void {
    const sessions = listSessions(raw);
    this._list.textContent = '';
    if (sessions.length === 0) {
      const empty = document.createElement('li');
      empty.className = 'sk-empty';
      empty.textContent = typeof raw === 'number' && raw > 0 ? `${raw} active` : 'none';
      this._list.appendChild(empty);
      return;
    }
    for (const s of sessions) {
      this._list.appendChild(this._item(s));
    }
  }

  private _item(s: ISessionSummary): HTMLElement {
    const id = String(s.id ?? s.name ?? '');
    const name = String(s.name ?? s.id ?? 'session');
    const n = memberCount(s);
    const item = document.createElement('li');
    item.dataset.skSession = id;
    const title = document.createElement('span');
    title.className = 'sk-session-name';
    title.dataset.sk = 'session-name';
    title.textContent = name;
    const count = document.createElement('span');
    count.className = 'sk-session-count';
    count.textContent = n > 0 ? ` (${n} ${n === 1 ? 'member' : 'members'})` : ' (idle)';
    item.append(title, count);
    const owner = typeof s.owner === 'object' && s.owner !== null ? (s.owner as IPerson) : null;
    if (owner) {
      const by = document.createElement('div');
      by.className = 'sk-session-owner';
      by.dataset.sk = 'session-owner';
      by.textContent = `owner: ${owner.display_name ?? owner.username ?? ''}`;
      item.appendChild(by);
    }
    // who is in it, in each user's colour (from the server's identity provider)
    const people = Array.isArray(s.people) ? (s.people as IPerson[]) : [];
    if (people.length > 0) {
      const line = document.createElement('div');
      line.className = 'sk-session-people';
      line.textContent = 'in it:';
      for (const p of people) {
        const who = document.createElement('span');
        who.className = 'sk-person';
        who.dataset.sk = 'session-person';
        who.textContent = ` ${p.display_name ?? p.username ?? ''}`;
        who.style.color = p.color ?? '';
        line.appendChild(who);
      }
      item.appendChild(line);
    }
    const actions = document.createElement('div');
    actions.className = 'sk-buttons sk-session-actions';
    const inIt = this._joined === id;
    const join = inIt ? button('Leave', 'leave', 'Leave this session') : button('Join', 'join', 'Join this session');
    join.onclick = () => (inIt ? this._leave() : this._join(id));
    actions.appendChild(join);
    if (mayManage(owner, this._me)) {
      const rename = button('Rename', 'rename', 'Rename this session');
      rename.onclick = () => void this._rename(id, name);
      const remove = button('Delete', 'delete', 'Delete this session');
      remove.onclick = () => void this._delete(id, name);
      actions.append(rename, remove);
    }
    item.appendChild(actions);
    return item;
  }

  private async _create(): Promise<void> {
    const answer = await InputDialog.getText({ title: 'New shared session', label: 'Name', okLabel: 'Create' });
    const name = answer.button.accept ? (answer.value ?? '').trim() : '';
    if (name) {
      await this._call('Creating the session', 'sessions', 'POST', { name });
    }
  }

  private async _rename(id: string, current: string): Promise<void> {
    const answer = await InputDialog.getText({ title: `Rename session “${current}”`, label: 'New name', text: current, okLabel: 'Rename' });
    const name = answer.button.accept ? (answer.value ?? '').trim() : '';
    if (name && name !== current) {
      await this._call('Renaming the session', `sessions/${encodeURIComponent(id)}`, 'PATCH', { name });
    }
  }

  private async _delete(id: string, name: string): Promise<void> {
    const answer = await showDialog({
      title: 'Delete session',
      body: `Delete the shared session “${name}” for everyone in it?`,
      buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Delete' })]
    });
    if (answer.button.accept) {
      await this._call('Deleting the session', `sessions/${encodeURIComponent(id)}`, 'DELETE');
    }
  }

  private async _call(what: string, endpoint: string, method: string, body?: unknown): Promise<void> {
    this._error.textContent = '';
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'Content-Type': 'application/json' };
    }
    try {
      await requestAPI<unknown>(endpoint, init, this.settings);
    } catch (error) {
      this._error.textContent = `${what} failed: ${message(error)}`;
    }
    await this.refresh();
  }

  private _join(id: string): void {
    this._error.textContent = '';
    this._send({ type: 'join', session: id });
  }

  private _leave(): void {
    this._send({ type: 'leave' });
  }

  private _send(msg: Record<string, unknown>): void {
    const socket = this._socket ?? this._open();
    if (socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(msg));
    } else {
      this._pending.push(msg);
    }
  }

  // one socket of the panel's own, opened as the widgets open theirs (api.ts): joining is a
  // membership of a connection, so it lasts as long as this socket
  private _open(): WebSocket {
    const s = this.settings;
    let url = URLExt.join(s.wsUrl, ...API_PATH, 'ws');
    if (s.token && s.appendToken !== false) {
      url += `?token=${encodeURIComponent(s.token)}`;
    }
    const socket = new s.WebSocket(url);
    this._socket = socket;
    socket.onopen = () => {
      for (const m of this._pending.splice(0)) {
        socket.send(JSON.stringify(m));
      }
    };
    socket.onmessage = event => this._onMessage(event.data);
    socket.onclose = () => {
      this._socket = null;
      this._joined = null;
      void this.refresh();
    };
    return socket;
  }

  private _onMessage(data: unknown): void {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(String(data)) as Record<string, unknown>;
    } catch {
      return;
    }
    if (msg.type === 'joined') {
      const session = msg.session as { id?: string } | undefined;
      this._joined = session?.id ?? null;
    } else if (msg.type === 'left') {
      this._joined = null;
    } else if (msg.type === 'session' && msg.event === 'deleted') {
      this._joined = null;
    } else if (msg.type === 'error') {
      this._error.textContent = `Session: ${typeof msg.message === 'string' ? msg.message : JSON.stringify(msg)}`;
      return;
    } else if (msg.type !== 'presence' && msg.type !== 'session') {
      return;
    }
    void this.refresh();
  }

  private _me: IPerson | null = null;
  private _joined: string | null = null;
  private _socket: WebSocket | null = null;
  private _pending: Record<string, unknown>[] = [];
  private _list: HTMLElement;
  private _error: HTMLElement;
}
