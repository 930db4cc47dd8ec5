// The browser side of a shared session's Y document: a Yjs doc kept in sync with the server's
// (schillinger_kernel.server.crdt) over the sidebar's own WebSocket, and a view of it: the
// session's parameters, live and editable, the score being built and the operation history
// (ydoc_lists.ts), and who is in it now.
//
// The socket also carries the workbench's JSON messages, so this is not y-websocket's provider
// (which owns its socket): the panel hands binary frames here and sends what this gives back.
// Frames are the Yjs protocol as y-websocket and jupyter-collaboration frame it: [0, step, ...]
// sync, [1, ...] awareness (relayed by the server as it is).
//
// A dropped connection keeps the document and its view: what is changed meanwhile is kept (in
// memory, and in IndexedDB through offline.ts, so a reload keeps it too) until a `sync_ack`
// covers it; back in the session, the sync (the server's step 1 answered with step 2, and the
// kept updates sent again) merges it on the server, which relays it to the others.
//
// Names come from the server, never from a peer: each awareness state carries the server's
// client id and the identity from `hello`, and the view names a peer by the server's member
// list (`joined`/`presence`) for that client id, so a state that claims another name, or a
// client that is not a member, shows nothing the server did not say.
//
// A read-only user joins as a watcher (`joined.role`): the server refuses every edit of theirs,
// so the view offers none (read-only cells, no add or remove) and keeps nothing to resend.

import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';

import { loadUnstored, saveUnstored } from './offline';
import { changes, HistoryList, parseValue, ScoreList, showValue } from './ydoc_lists';

/** A member of the session as the server lists it (`joined`, `presence`). */
export interface IMember {
  client?: string;
  username?: string;
  display_name?: string;
  name?: string;
  color?: string;
  /** "editor" or "watcher" (a read-only user): what the server lets this member do. */
  role?: string;
}

/** How a member's role reads after their name: " (watching)" for a watcher, else nothing. */
export function roleSuffix(role: string | undefined): string {
  return role === 'watcher' ? ' (watching)' : '';
}

/** What this tab shares through awareness. */
interface ILocalState {
  client: string;
  user: { username: string; display_name: string; color: string };
  editing: string | null;
}

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
// the origin of updates read back from IndexedDB: kept already, not new changes
const RESTORED = Symbol('restored');

/** A change made here: its update, and the socket frame that carried it (null: not sent). */
interface IUnstored {
  update: Uint8Array;
  frame: number | null;
}

/** The sync step 1 of `doc` as one frame ("what I have"). */
export function syncStep1(doc: Y.Doc): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MESSAGE_SYNC);
  syncProtocol.writeSyncStep1(e, doc);
  return encoding.toUint8Array(e);
}

function el(tag: string, cls: string, sk?: string, text?: string): HTMLElement {
  const e = document.createElement(tag);
  e.className = cls;
  if (sk) {
    e.dataset.sk = sk;
  }
  if (text !== undefined) {
    e.textContent = text;
  }
  return e;
}

/**
 * One joined session's document and its view (`node`). `send` puts a binary frame on the
 * socket and returns its number on that socket (the count a `sync_ack` reaches), or null when
 * the socket is not open. `keep`: the IndexedDB key (offline.ts) for the changes the server
 * has not stored yet; null: kept in memory only.
 */
export class SessionDoc {
  constructor(
    readonly session: string,
    title: string,
    me: { client: string; identity: IMember },
    private _send: (frame: Uint8Array) => number | null,
    private _keep: string | null = null
  ) {
    this.doc = new Y.Doc();
    this.params = this.doc.getMap<unknown>('params');
    this.score = this.doc.getArray<unknown>('score');
    this.history = this.doc.getArray<unknown>('history');
    this.awareness = new awarenessProtocol.Awareness(this.doc);

    this.node = el('div', 'sk-ydoc', 'ydoc');
    this.node.dataset.skSession = session;
    this.node.dataset.skSynced = 'no';
    this.node.dataset.skStored = 'yes';
    this.node.dataset.skOnline = 'yes';
    this.node.dataset.skWaiting = '0';
    this.node.dataset.skRole = 'editor';
    this._title = el('div', 'sk-session-name', 'ydoc-title');
    this.setTitle(title);
    this.node.appendChild(this._title);
    this._here = el('div', 'sk-session-people', 'ydoc-here', 'here: –');
    this._params = el('table', 'sk-ydoc-params', 'ydoc-params');
    this._counts = el('div', 'sk-note', 'ydoc-counts');
    this._status = el('div', 'sk-note', 'ydoc-status', 'connecting…');
    this._scoreList = new ScoreList(this.score, parseValue);
    const history = new HistoryList(this.history);
    this._add = this._adder();
    this.node.append(this._here, this._params, this._add, this._scoreList.node, history.node, this._counts, this._status);

    this.doc.on('update', this._onUpdate);
    this.params.observe(() => this._render());
    this.score.observe(() => this._renderCounts());
    this.history.observe(() => this._renderCounts());
    this.awareness.on('update', this._onAwareness);
    this.awareness.on('change', () => this._renderHere());
    const user = me.identity;
    this._state = {
      client: me.client,
      user: {
        username: user.username ?? '',
        display_name: user.display_name ?? user.name ?? user.username ?? '',
        color: user.color ?? ''
      },
      editing: null
    };
    this._render();
    void this._restore(); // what an earlier page kept of this session
  }

  readonly doc: Y.Doc;
  readonly params: Y.Map<unknown>;
  readonly score: Y.Array<unknown>;
  readonly history: Y.Array<unknown>;
  readonly awareness: awarenessProtocol.Awareness;
  readonly node: HTMLElement;

  /** The session's name (it was renamed). */
  setTitle(title: string): void {
    this._title.textContent = `In “${title}”`;
  }

  /** Whether this tab only watches (the server said `role: "watcher"`). */
  get watching(): boolean {
    return this._watching;
  }

  /** The role the server gave this tab in `joined`: a watcher's view offers no edits, and
   * nothing it kept to send (from an earlier page, or from before it lost write access) is
   * kept any longer, since the server would refuse it every time. */
  setRole(role: string | undefined): void {
    this._watching = role === 'watcher';
    this.node.dataset.skRole = this._watching ? 'watcher' : 'editor';
    this._add.hidden = this._watching;
    this._scoreList.setReadOnly(this._watching);
    for (const input of Array.from(this._params.querySelectorAll('input'))) {
      input.readOnly = this._watching;
    }
    if (this._watching && this._unstored.length > 0) {
      this.forget();
    }
    this._showStatus();
  }

  /** Send sync step 1 and this tab's awareness (after `joined`); `client`: this socket's
   * id on the server, when it joined again on a new connection. */
  start(client?: string): void {
    if (client !== undefined) {
      this._state = { ...this._state, client, editing: null };
    }
    this._online = true;
    this.node.dataset.skOnline = 'yes';
    this._send(syncStep1(this.doc));
    this.awareness.setLocalState(this._state); // sent to the others by _onAwareness
    this._showStatus();
  }

  /** The connection dropped: keep the document and what is changed meanwhile; forget the
   * others (the server says who is there when this tab is back). */
  disconnected(): void {
    this._online = false;
    this.node.dataset.skOnline = 'no';
    this.node.dataset.skSynced = 'no';
    for (const u of this._unstored) {
      u.frame = null; // frames count per socket: a new one must carry it again
    }
    const others = [...this.awareness.getStates().keys()].filter(id => id !== this.doc.clientID);
    awarenessProtocol.removeAwarenessStates(this.awareness, others, 'offline');
    this._members = new Map();
    this._renderHere();
    this._showStatus();
  }

  /** The server's member list changed: redraw who is here; a newcomer gets our awareness
   * (the server relays awareness, it does not keep it). */
  setMembers(members: IMember[] | null, newcomer = false): void {
    if (members) {
      this._members = new Map(members.filter(m => m.client).map(m => [String(m.client), m]));
    }
    if (newcomer) {
      this._sendAwareness([this.doc.clientID]);
    }
    this._renderHere();
  }

  /** One binary frame from the server. */
  receive(data: ArrayBuffer): void {
    const decoder = decoding.createDecoder(new Uint8Array(data));
    const kind = decoding.readVarUint(decoder);
    if (kind === MESSAGE_SYNC) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      const step = syncProtocol.readSyncMessage(decoder, encoder, this.doc, this);
      if (encoding.length(encoder) > 1) {
        this._send(encoding.toUint8Array(encoder));
      }
      if (step === syncProtocol.messageYjsSyncStep2) {
        this.node.dataset.skSynced = 'yes';
        this._flush();
        this._showStatus();
      }
    } else if (kind === MESSAGE_AWARENESS) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), this);
    }
  }

  /** The server stored every binary frame of this socket up to `frames`. */
  acked(frames: number): void {
    const before = this._unstored.length;
    this._unstored = this._unstored.filter(u => u.frame === null || u.frame > frames);
    if (this._unstored.length !== before) {
      this._persist();
    }
    this._showStatus();
  }

  /** How many changes made here the server has not stored yet. */
  get waiting(): number {
    return this._unstored.length;
  }

  /** Forget what is kept of this session (it was deleted). */
  forget(): void {
    this._unstored = [];
    this._persist();
  }

  /** Tell the others this tab is gone, and stop. */
  dispose(): void {
    awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], 'local');
    this.awareness.destroy();
    this.doc.destroy();
    this.node.remove();
  }

  // a change made here (not one from the server) goes out at once when online, and is kept
  // until the server says it is stored
  private _onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this || origin === RESTORED || this._watching) {
      return;
    }
    const change: IUnstored = { update, frame: null };
    this._unstored.push(change);
    if (this._online && this.node.dataset.skSynced === 'yes') {
      change.frame = this._sendUpdate(update);
    }
    this._persist();
    this._showStatus();
  };

  private _sendUpdate(update: Uint8Array): number | null {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MESSAGE_SYNC);
    syncProtocol.writeUpdate(e, update);
    return this._send(encoding.toUint8Array(e));
  }

  // synced again (or read back from IndexedDB): send what the server has not stored; the
  // step 2 answered to its step 1 may hold it too, and an update applied twice is one
  private _flush(): void {
    if (!this._online || !this._isRestored || this.node.dataset.skSynced !== 'yes') {
      return;
    }
    for (const u of this._unstored) {
      if (u.frame === null) {
        u.frame = this._sendUpdate(u.update);
      }
    }
  }

  private async _restore(): Promise<void> {
    const kept = this._keep === null ? null : await loadUnstored(this._keep);
    if (kept !== null && this._watching) {
      this._persist(); // nothing to keep: the server refuses a watcher's changes
    } else if (kept !== null && !this.doc.isDestroyed) {
      // applied before the server's state arrives it waits (Yjs keeps it pending) until the
      // state it was made on is here
      Y.applyUpdate(this.doc, kept, RESTORED);
      this._unstored.unshift({ update: kept, frame: null });
    }
    this._isRestored = true;
    this._flush();
    this._showStatus();
  }

  // IndexedDB gets the unstored changes, merged, one write after another; `data-sk-kept`
  // says how many it holds once written
  private _persist(): void {
    const key = this._keep;
    if (key === null) {
      return;
    }
    const updates = this._unstored.map(u => u.update);
    const n = updates.length;
    this._writes = this._writes.then(async () => {
      const ok = await saveUnstored(key, n === 0 ? null : Y.mergeUpdates(updates));
      this.node.dataset.skKept = ok ? String(n) : 'no';
    });
  }

  private _onAwareness = (
    changes: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown
  ): void => {
    if (origin === 'local') {
      this._sendAwareness([...changes.added, ...changes.updated, ...changes.removed]);
    }
  };

  private _sendAwareness(clients: number[]): void {
    if (this.doc.isDestroyed) {
      return;
    }
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients));
    this._send(encoding.toUint8Array(e));
  }

  private _editing(name: string | null): void {
    if (this._watching && name !== null) {
      return;
    }
    const state = this.awareness.getLocalState() as ILocalState | null;
    if (state && state.editing !== name) {
      this.awareness.setLocalStateField('editing', name);
    }
  }

  private _set(name: string, text: string): void {
    if (this._watching) {
      return;
    }
    const value = parseValue(text);
    if (name && JSON.stringify(this.params.get(name)) !== JSON.stringify(value)) {
      this.params.set(name, value);
    }
  }

  private _input(name: string, value: string, sk: string): HTMLInputElement {
    const input = document.createElement('input');
    input.className = 'sk-ydoc-value';
    input.dataset.sk = sk;
    input.dataset.skParam = name;
    input.value = value;
    input.size = 10;
    input.readOnly = this._watching;
    input.onfocus = () => this._editing(name || null);
    input.onblur = () => this._editing(null);
    return input;
  }

  private _adder(): HTMLElement {
    const row = el('div', 'sk-ydoc-add', 'ydoc-add');
    const name = document.createElement('input');
    name.dataset.sk = 'ydoc-new-name';
    name.placeholder = 'name';
    name.size = 8;
    const value = this._input('', '', 'ydoc-new-value');
    value.placeholder = 'value';
    const set = document.createElement('button');
    set.className = 'sk-button';
    set.dataset.sk = 'ydoc-new-set';
    set.textContent = 'Set';
    set.title = 'Set a shared parameter (a JSON value, or text)';
    const apply = (): void => {
      const key = name.value.trim();
      if (key) {
        this._set(key, value.value);
        name.value = '';
        value.value = '';
      }
    };
    set.onclick = apply;
    value.onkeydown = ev => {
      if (ev.key === 'Enter') {
        apply();
      }
    };
    row.append(name, value, set);
    return row;
  }

  // one row per parameter; a row's input is left alone while it is being typed in
  private _render(): void {
    const names = [...this.params.keys()].sort();
    const rows = new Map<string, HTMLElement>();
    for (const r of Array.from(this._params.querySelectorAll<HTMLElement>('tr'))) {
      rows.set(r.dataset.skParam ?? '', r);
    }
    for (const [name, r] of rows) {
      if (!this.params.has(name)) {
        r.remove();
      }
    }
    for (const name of names) {
      const shown = showValue(this.params.get(name));
      let r = rows.get(name);
      if (!r) {
        r = document.createElement('tr');
        r.dataset.skParam = name;
        const label = el('td', 'sk-ydoc-name', 'ydoc-param-name', name);
        const cell = document.createElement('td');
        const input = this._input(name, shown, 'ydoc-param-value');
        input.onchange = () => this._set(name, input.value);
        input.onkeydown = ev => {
          if (ev.key === 'Enter') {
            this._set(name, input.value);
          }
        };
        cell.appendChild(input);
        r.append(label, cell);
      }
      this._params.appendChild(r); // in name order
      const input = r.querySelector('input');
      if (input && document.activeElement !== input) {
        input.value = shown;
      }
    }
    if (names.length === 0) {
      this._params.dataset.skEmpty = 'yes';
    } else {
      delete this._params.dataset.skEmpty;
    }
    this._renderCounts();
  }

  private _renderCounts(): void {
    const n = this.params.size;
    this._counts.textContent =
      `${n} ${n === 1 ? 'parameter' : 'parameters'}, score ${this.score.length} ` +
      `${this.score.length === 1 ? 'item' : 'items'}, history ${this.history.length} ` +
      `${this.history.length === 1 ? 'operation' : 'operations'}`;
  }

  private _renderHere(): void {
    this._here.textContent = this._online ? 'here:' : 'here: (offline)';
    const shown = new Set<string>();
    const states = [...this.awareness.getStates().entries()].sort((a, b) => a[0] - b[0]);
    for (const [yid, raw] of states) {
      const state = raw as Partial<ILocalState>;
      const client = typeof state.client === 'string' ? state.client : '';
      const member = this._members.get(client);
      // the server's member list is the authority on who a client is
      if (!member || shown.has(client)) {
        continue;
      }
      if (shown.size > 0) {
        this._here.appendChild(document.createTextNode(','));
      }
      shown.add(client);
      const who = el('span', 'sk-person', 'ydoc-person');
      who.dataset.skClient = client;
      const me = yid === this.doc.clientID;
      who.dataset.skRole = member.role ?? '';
      const name = member.display_name ?? member.name ?? member.username ?? '';
      let text = ` ${name}${me ? ' (you)' : ''}${roleSuffix(member.role)}`;
      if (typeof state.editing === 'string' && state.editing) {
        text += ` editing ${state.editing}`;
      }
      who.textContent = text;
      who.style.color = member.color ?? '';
      this._here.appendChild(who);
    }
  }

  private _showStatus(): void {
    const waiting = this._unstored.length;
    const stored = waiting === 0;
    this.node.dataset.skStored = stored ? 'yes' : 'no';
    this.node.dataset.skWaiting = String(waiting);
    const synced = this.node.dataset.skSynced === 'yes';
    const kept = this._keep === null ? 'in this page' : 'in this browser';
    this._status.textContent = this._watching
      ? (!this._online ? 'offline: watching (read-only)' : !synced ? 'connecting…' : 'watching (read-only)')
      : !this._online
      ? `offline: ${waiting ? `${changes(waiting)} kept ${kept}, sent when the connection is back` : 'no changes waiting'}`
      : !synced
        ? 'connecting…'
        : stored
          ? 'all changes stored on the server'
          : `storing ${changes(waiting)}…`;
  }

  private _state: ILocalState;
  private _members = new Map<string, IMember>();
  private _unstored: IUnstored[] = [];
  private _online = false;
  private _isRestored = false;
  private _watching = false;
  private _scoreList: ScoreList;
  private _add: HTMLElement;
  private _writes: Promise<void> = Promise.resolve();
  private _title: HTMLElement;
  private _here: HTMLElement;
  private _params: HTMLElement;
  private _counts: HTMLElement;
  private _status: HTMLElement;
}
