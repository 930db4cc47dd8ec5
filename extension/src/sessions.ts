// The "Shared sessions" part of the sidebar: who is in each session (names in their colours),
// and Join/Leave, Rename, Delete (the owner only) and New session (Rename, Delete and New only
// for a user the server lets write: setWritable). The session joined is
// synced as a Y document (ydoc.ts): its parameters live, and who is in it. A dropped
// connection keeps that document (changes made meanwhile are sent when the tab is back in it).

import { Dialog, InputDialog, showDialog } from '@jupyterlab/apputils';
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { API_PATH, ApiError, ISessionSummary, listSessions, memberCount, requestAPI } from './api';
import { storeKey } from './offline';
import { IMember, roleSuffix, SessionDoc } from './ydoc';
import { changes } from './ydoc_lists';

/** A user as the server reports it (jupyter-server's identity, the session's owner). */
export interface IPerson {
  username?: string;
  display_name?: string;
  name?: string;
  color?: string;
  /** In a session's `people`: "editor", or "watcher" for a read-only user. */
  role?: string;
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

// the session this tab was in, so that a reload joins it again (per tab, as sessionStorage is)
const JOINED_KEY = 'schillinger-workbench:joined-session';
const REJOIN_MS = 2000;
// while a session waits to be joined again, the next look is this long after the last (doubled
// per failed try, up to RETRY_MAX_MS), whether or not the panel is shown
const RETRY_MIN_MS = 2500;
const RETRY_MAX_MS = 20000;

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
    this._newButton = create;
    this._docHost = document.createElement('div');
    this._docHost.className = 'sk-ydoc-host';
    this.node.append(this._list, create, this._error, this._docHost);
  }

  readonly node: HTMLElement;

  /**
   * Whether this user may write (the server's Authorizer, asked by the panel, or a refused
   * write): a read-only user is offered Join (as a watcher) but not Rename, Delete or New.
   */
  setWritable(writable: boolean): void {
    if (this._writable === writable) {
      return;
    }
    this._writable = writable;
    this._newButton.hidden = !writable;
    this.node.dataset.skWritable = writable ? 'yes' : 'no';
    this._show(this._raw);
  }

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
    let listed = false;
    try {
      raw = await requestAPI<unknown>('sessions', {}, this.settings);
      listed = true;
    } catch (error) {
      this._error.textContent = `Listing sessions failed: ${message(error)}`;
    }
    this._show(raw);
    // a reload, or a dropped connection, comes back into the session this tab was in (its
    // state comes from the server) once the server lists it: a join names a session to create
    // when it is missing. At most one try per REJOIN_MS, should the server keep hanging up.
    const kept = this._doc;
    if (kept && listed && this._joined === null && !listSessions(raw).some(s => s.id === kept.session)) {
      // deleted while this tab was away: its offline changes have nowhere to go
      this._error.textContent = `The session “${kept.session}” is gone (deleted while this tab was offline); ` +
        `${kept.waiting === 0 ? 'no changes were lost' : `${changes(kept.waiting)} made offline could not be sent`}.`;
      kept.forget();
      this._closeDoc();
      this._rejoin = null;
      this._joining = null;
      sessionStorage.removeItem(JOINED_KEY);
    }
    const again = this._rejoin;
    if (again && listed && Date.now() - this._rejoinedAt >= REJOIN_MS) {
      this._rejoin = null;
      if (this._socket === null && listSessions(raw).some(s => s.id === again)) {
        this._rejoinedAt = Date.now();
        this._join(again);
      }
    }
  }

  dispose(): void {
    this._disposed = true;
    if (this._retryTimer !== null) {
      clearTimeout(this._retryTimer);
      this._retryTimer = null;
    }
    this._closeDoc();
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
    this._raw = raw;
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
        who.textContent = ` ${p.display_name ?? p.username ?? ''}${roleSuffix(p.role)}`;
        who.dataset.skRole = p.role ?? '';
        who.title = p.role === 'watcher' ? 'watching: read-only' : p.role === 'editor' ? 'editor' : '';
        who.style.color = p.color ?? '';
        line.appendChild(who);
      }
      item.appendChild(line);
    }
    const actions = document.createElement('div');
    actions.className = 'sk-buttons sk-session-actions';
    const inIt = this._joined === id;
    // offered to everyone: a read-only user joins as a watcher (the server says so in `joined`)
    const join = inIt ? button('Leave', 'leave', 'Leave this session') : button('Join', 'join', 'Join this session');
    join.onclick = () => (inIt ? this._leave() : this._join(id));
    actions.appendChild(join);
    if (this._writable && mayManage(owner, this._me)) {
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
      // a refusal (403) in the server's plain words alone (api.ts); anything else says what failed
      this._error.textContent = error instanceof ApiError && error.status === 403
        ? message(error)
        : `${what} failed: ${message(error)}`;
    }
    await this.refresh();
  }

  private _join(id: string): void {
    this._error.textContent = '';
    this._joining = id;
    this._send({ type: 'join', session: id, sync: 'yjs' });
  }

  private _leave(): void {
    this._joining = null;
    this._closeDoc();  // its awareness says "gone" before the leave
    this._send({ type: 'leave' });
  }

  private _closeDoc(): void {
    this._doc?.dispose();
    this._doc = null;
  }

  // binary frames are numbered per socket, as the server counts them for `sync_ack`
  private _sendFrame = (frame: Uint8Array): number | null => {
    const socket = this._socket;
    if (socket?.readyState !== WebSocket.OPEN) {
      return null;
    }
    socket.send(frame);
    this._frames += 1;
    return this._frames;
  };

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
    socket.binaryType = 'arraybuffer';
    this._socket = socket;
    this._frames = 0;
    socket.onopen = () => {
      for (const m of this._pending.splice(0)) {
        socket.send(JSON.stringify(m));
      }
    };
    socket.onmessage = event => this._onMessage(event.data);
    socket.onclose = () => {
      if (this._socket !== socket) {
        return;
      }
      this._socket = null;
      this._pending = this._pending.filter(m => m.type !== 'join'); // the rejoin sends its own
      // until it is back in, every try (refused or dropped too) is for the same session
      this._rejoin = this._joined ?? this._doc?.session ?? this._joining ?? this._rejoin;
      this._joined = null;
      this._doc?.disconnected(); // kept, with what is changed meanwhile, for the rejoin
      void this.refresh();
      this._retry();
    };
    return socket;
  }

  private _onMessage(data: unknown): void {
    if (data instanceof ArrayBuffer) {
      this._doc?.receive(data);
      return;
    }
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(String(data)) as Record<string, unknown>;
    } catch {
      return;
    }
    if (msg.type === 'hello') {
      this._hello = { client: typeof msg.client === 'string' ? msg.client : '', identity: (msg.identity as IMember | undefined) ?? {} };
      return;
    } else if (msg.type === 'sync_ack') {
      this._doc?.acked(Number(msg.frames));
      return;
    } else if (msg.type === 'joined') {
      this._joinedDoc(msg);
    } else if (msg.type === 'left') {
      this._joined = null;
      this._joining = null;
      this._closeDoc();
      sessionStorage.removeItem(JOINED_KEY);
    } else if (msg.type === 'session' && msg.event === 'deleted') {
      if (this._doc && (msg.id === undefined || msg.id === this._doc.session)) {
        this._doc.forget(); // nowhere to send it any more
      }
      this._joined = null;
      this._joining = null;
      this._closeDoc();
      sessionStorage.removeItem(JOINED_KEY);
    } else if (msg.type === 'session' && msg.event === 'renamed' && this._doc && msg.id === this._doc.session) {
      this._doc.setTitle(typeof msg.name === 'string' ? msg.name : this._doc.session);
    } else if (msg.type === 'presence' && this._doc && msg.session === this._doc.session) {
      const members = Array.isArray(msg.members) ? (msg.members as IMember[]) : null;
      this._doc.setMembers(members, msg.event === 'join');
      if (members === null && msg.event !== 'update') {
        this._send({ type: 'presence' }); // too many to send with each join: ask for the list
      }
    } else if (msg.type === 'error') {
      this._error.textContent = `Session: ${typeof msg.message === 'string' ? msg.message : JSON.stringify(msg)}`;
      return;
    } else if (msg.type !== 'presence' && msg.type !== 'session') {
      return;
    }
    void this.refresh();
  }

  // look again later while a session waits to be joined (the status timer runs only while
  // the panel is shown, and offline changes should not wait for that)
  private _retry(): void {
    if (this._retryTimer !== null || this._disposed || this._rejoin === null) {
      return;
    }
    const wait = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** this._retries);
    this._retries += 1;
    this._retryTimer = setTimeout(() => {
      this._retryTimer = null;
      if (this._rejoin !== null && this._socket === null) {
        void this.refresh().finally(() => this._retry());
      }
    }, wait);
  }

  private _joinedDoc(msg: Record<string, unknown>): void {
    const session = msg.session as { id?: string; name?: string; members?: IMember[] } | undefined;
    this._joined = session?.id ?? null;
    this._joining = null;
    this._retries = 0;
    const role = typeof msg.role === 'string' ? msg.role : undefined;
    const kept = this._doc;
    if (kept && session?.id === kept.session && this._hello) {
      // back in after a drop: the same document syncs again, its offline changes with it
      kept.setTitle(session.name ?? session.id);
      kept.setMembers(Array.isArray(session.members) ? session.members : []);
      kept.setRole(role);
      kept.start(this._hello.client);
      return;
    }
    this._closeDoc();
    if (!session?.id || !this._hello) {
      return;
    }
    sessionStorage.setItem(JOINED_KEY, session.id);
    const key = storeKey(this.settings.baseUrl, session.id);
    const doc = new SessionDoc(session.id, session.name ?? session.id, this._hello, this._sendFrame, key);
    doc.setRole(role); // before its kept changes are read back: a watcher keeps none
    this._doc = doc;
    this._docHost.appendChild(doc.node);
    doc.setMembers(Array.isArray(session.members) ? session.members : []);
    doc.start();
  }

  private _me: IPerson | null = null;
  private _writable = true;
  private _raw: unknown = undefined;
  private _newButton: HTMLButtonElement;
  private _hello: { client: string; identity: IMember } | null = null;
  private _doc: SessionDoc | null = null;
  private _frames = 0;
  private _rejoin: string | null = sessionStorage.getItem(JOINED_KEY);
  private _rejoinedAt = 0;
  private _retries = 0;
  private _retryTimer: ReturnType<typeof setTimeout> | null = null;
  private _disposed = false;
  private _docHost: HTMLElement;
  private _joined: string | null = null;
  private _joining: string | null = null;
  private _socket: WebSocket | null = null;
  private _pending: Record<string, unknown>[] = [];
  private _list: HTMLElement;
  private _error: HTMLElement;
}
