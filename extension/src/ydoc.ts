// The browser side of a shared session's Y document: a Yjs doc kept in sync with the server's
// (schillinger_kernel.server.crdt) over the sidebar's own WebSocket, and a view of it: the
// session's parameters, live and editable, and who is in it now.
//
// The socket also carries the workbench's JSON messages, so this is not y-websocket's provider
// (which owns its socket): the panel hands binary frames here and sends what this gives back.
// Frames are the Yjs protocol as y-websocket and jupyter-collaboration frame it: [0, step, ...]
// sync, [1, ...] awareness (relayed by the server as it is).
//
// Names come from the server, never from a peer: each awareness state carries the server's
// client id and the identity from `hello`, and the view names a peer by the server's member
// list (`joined`/`presence`) for that client id, so a state that claims another name, or a
// client that is not a member, shows nothing the server did not say.

import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';

/** A member of the session as the server lists it (`joined`, `presence`). */
export interface IMember {
  client?: string;
  username?: string;
  display_name?: string;
  name?: string;
  color?: string;
}

/** What this tab shares through awareness. */
interface ILocalState {
  client: string;
  user: { username: string; display_name: string; color: string };
  editing: string | null;
}

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;

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
 * socket and returns its number on that socket (the count a `sync_ack` reaches).
 */
export class SessionDoc {
  constructor(
    readonly session: string,
    title: string,
    me: { client: string; identity: IMember },
    private _send: (frame: Uint8Array) => number
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
    this._title = el('div', 'sk-session-name', 'ydoc-title');
    this.setTitle(title);
    this.node.appendChild(this._title);
    this._here = el('div', 'sk-session-people', 'ydoc-here', 'here: –');
    this._params = el('table', 'sk-ydoc-params', 'ydoc-params');
    this._counts = el('div', 'sk-note', 'ydoc-counts');
    this._status = el('div', 'sk-note', 'ydoc-status', 'connecting…');
    this.node.append(this._here, this._params, this._adder(), this._counts, this._status);

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

  /** Send sync step 1 and this tab's awareness (after `joined`). */
  start(): void {
    this._send(syncStep1(this.doc));
    this.awareness.setLocalState(this._state); // sent to the others by _onAwareness
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
      if (step === syncProtocol.messageYjsSyncStep2) {
        this.node.dataset.skSynced = 'yes';
        this._showStatus();
      }
      if (encoding.length(encoder) > 1) {
        this._send(encoding.toUint8Array(encoder));
      }
    } else if (kind === MESSAGE_AWARENESS) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), this);
    }
  }

  /** The server stored every binary frame of this socket up to `frames`. */
  acked(frames: number): void {
    this._acked = Math.max(this._acked, frames);
    this._showStatus();
  }

  /** Tell the others this tab is gone, and stop. */
  dispose(): void {
    awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], 'local');
    this.awareness.destroy();
    this.doc.destroy();
    this.node.remove();
  }

  // a change made here (not one from the server) goes out at once
  private _onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this) {
      return;
    }
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MESSAGE_SYNC);
    syncProtocol.writeUpdate(e, update);
    this._waitingFor = this._send(encoding.toUint8Array(e));
    this._showStatus();
  };

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
    const state = this.awareness.getLocalState() as ILocalState | null;
    if (state && state.editing !== name) {
      this.awareness.setLocalStateField('editing', name);
    }
  }

  private _set(name: string, text: string): void {
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
    this._here.textContent = 'here:';
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
      let text = ` ${member.display_name ?? member.name ?? member.username ?? ''}${me ? ' (you)' : ''}`;
      if (typeof state.editing === 'string' && state.editing) {
        text += ` editing ${state.editing}`;
      }
      who.textContent = text;
      who.style.color = member.color ?? '';
      this._here.appendChild(who);
    }
  }

  private _showStatus(): void {
    const stored = this._acked >= this._waitingFor;
    this.node.dataset.skStored = stored ? 'yes' : 'no';
    const synced = this.node.dataset.skSynced === 'yes';
    this._status.textContent = !synced ? 'connecting…' : stored ? 'all changes stored on the server' : 'storing…';
  }

  private _state: ILocalState;
  private _members = new Map<string, IMember>();
  private _acked = 0;
  private _waitingFor = 0;
  private _title: HTMLElement;
  private _here: HTMLElement;
  private _params: HTMLElement;
  private _counts: HTMLElement;
  private _status: HTMLElement;
}
