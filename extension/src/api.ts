// Talking to the server extension (schillinger_kernel.server) under {base_url}/schillinger/api/.
//
// Every request goes through JupyterLab's ServerConnection, so the configured base URL, the
// XSRF cookie and the token are handled exactly as for Jupyter's own services (and it works
// behind JupyterHub). The version handshake compares the server's `version` with this
// extension's own: a missing or mismatched server side is reported in plain words.

import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

// package.json lies outside `rootDir` (src/), so it is read by the bundler, not imported.
declare function require(id: '../package.json'): { version: string };

/** This front-end's version (package.json, kept equal to the Python package's). */
export const FRONTEND_VERSION: string = require('../package.json').version;

/** The API root below the server's base URL. */
export const API_PATH = ['schillinger', 'api'];

export interface IOscStatus {
  enabled: boolean;
  host: string;
  port: number | null;
  reply_port: number | null;
  error?: string | null;
  /** the configured port, when another had to be taken */
  requested_port?: number | null;
  /** why the port is not the configured one */
  notice?: string | null;
  /** how a sender authenticates and where the secret lies; null: not for this user (reads only) */
  auth?: IOscAuth | null;
}

/** What `status.osc.auth` tells a user who may write (never the secret itself). */
export interface IOscAuth {
  how?: string;
  key_file?: string | null;
  [key: string]: unknown;
}

export interface ITransportState {
  playing: boolean;
  position_beats: number;
  tempo: number;
  loop?: { enabled: boolean; start: number; end: number };
  length_beats?: number | null;
  [key: string]: unknown;
}

export interface ISessionSummary {
  id?: string;
  name?: string;
  members?: unknown;
  [key: string]: unknown;
}

export interface IStatus {
  version: string;
  backend: unknown;
  osc: IOscStatus;
  sessions: unknown;
  transport: ITransportState;
  [key: string]: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** A transport state: the one field every form of it carries is `playing`. */
export function isTransportState(value: unknown): value is ITransportState {
  return isObject(value) && typeof value.playing === 'boolean';
}

/** An answer of the API that is not 2xx, with the server's message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message);
  }
}

/** What a refused write (403) reads as: plain words, never the server's raw answer. */
export const READ_ONLY_MESSAGE = 'read-only here: the owner can grant write (see docs/hub-admin.md)';

/**
 * What the OSC section and the DAW help say instead of how to authenticate, to a user who may
 * not write: the server gives him neither the auth instructions nor the key file's path.
 */
export const OSC_READ_ONLY_MESSAGE = 'OSC control needs write access here: the owner can grant write (see docs/hub-admin.md)';

/** What a refused read (403) reads as. */
export const NO_ACCESS_MESSAGE = 'no access here: the owner can grant read (see docs/hub-admin.md)';

/** Dispatched on `window` when the server refuses a write (403): the sidebar turns read-only. */
export const WRITE_DENIED_EVENT = 'schillinger-workbench:write-denied';

/** The resource and action the server's Authorizer decides writes on (handlers.py). */
const AUTH_RESOURCE = 'schillinger';

/**
 * Whether this user may write: the server's own Authorizer asked through jupyter-server's
 * `GET /api/me?permissions=...` (the same check every write handler makes). null when the
 * answer says nothing (then the first refused write tells, WRITE_DENIED_EVENT).
 */
export async function mayWrite(
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<boolean | null> {
  const query = encodeURIComponent(JSON.stringify({ [AUTH_RESOURCE]: ['write'] }));
  const url = URLExt.join(settings.baseUrl, 'api', 'me') + `?permissions=${query}`;
  try {
    const response = await ServerConnection.makeRequest(url, {}, settings);
    if (!response.ok) {
      return null;
    }
    const body = (await response.json()) as { permissions?: Record<string, unknown> };
    const allowed = body.permissions?.[AUTH_RESOURCE];
    return Array.isArray(allowed) ? allowed.includes('write') : null;
  } catch {
    return null;
  }
}

/** The outcome of the version handshake. */
export type Handshake =
  | { kind: 'ok'; status: IStatus }
  | { kind: 'mismatch'; status: IStatus; message: string }
  | { kind: 'missing'; message: string }
  | { kind: 'error'; message: string };

/** URL of an API endpoint for the given settings. */
export function apiUrl(
  settings: ServerConnection.ISettings,
  ...parts: string[]
): string {
  return URLExt.join(settings.baseUrl, ...API_PATH, ...parts);
}

/**
 * Call an API endpoint and return its JSON body.
 *
 * Throws ApiError for a non-2xx answer (status 0 when the server cannot be reached).
 */
export async function requestAPI<T>(
  endpoint: string,
  init: RequestInit = {},
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<T> {
  const url = apiUrl(settings, endpoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new ApiError(0, `cannot reach the Jupyter server: ${String(error)}`);
  }
  const text = await response.text();
  let data: unknown = text;
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (response.status === 403) {
    // the Authorizer's refusal: its raw text helps nobody, and a refused write means the
    // sidebar should offer no more writes
    const write = (init.method ?? 'GET').toUpperCase() !== 'GET';
    if (write) {
      window.dispatchEvent(new Event(WRITE_DENIED_EVENT));
    }
    throw new ApiError(403, write ? READ_ONLY_MESSAGE : NO_ACCESS_MESSAGE);
  }
  if (!response.ok) {
    const body = isObject(data) ? data : {};
    const message = body.message || body.error || response.statusText || `HTTP ${response.status}`;
    throw new ApiError(response.status, displayText(message));
  }
  return data as T;
}

/** POST a JSON body. */
export function postAPI<T>(
  endpoint: string,
  body: unknown,
  settings?: ServerConnection.ISettings
): Promise<T> {
  return requestAPI<T>(
    endpoint,
    {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json' }
    },
    settings
  );
}

/** Fetch `status` and compare versions. Never throws. */
export async function handshake(
  settings?: ServerConnection.ISettings
): Promise<Handshake> {
  let status: IStatus;
  try {
    status = await requestAPI<IStatus>('status', {}, settings);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      return {
        kind: 'missing',
        message:
          'The Schillinger server extension is not running on this Jupyter server ' +
          '(GET schillinger/api/status answered 404). Install the package in the ' +
          "server's environment and enable it: jupyter server extension enable " +
          'schillinger_kernel.server, then restart Jupyter.'
      };
    }
    const detail = error instanceof Error ? error.message : String(error);
    return {
      kind: 'error',
      message: `The Schillinger server extension did not answer: ${detail}`
    };
  }
  if (!status || typeof status !== 'object' || typeof status.version !== 'string') {
    return {
      kind: 'error',
      message: 'The Schillinger server extension answered without a version.'
    };
  }
  if (status.version !== FRONTEND_VERSION) {
    return {
      kind: 'mismatch',
      status,
      message:
        `Version mismatch: the server extension is ${status.version} but this ` +
        `JupyterLab extension is ${FRONTEND_VERSION}. Reinstall schillinger-workbench ` +
        'in one environment and restart Jupyter (then reload this page).'
    };
  }
  return { kind: 'ok', status };
}

/** A value of an answer as text: strings as they are, anything else as JSON. */
function displayText(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  return JSON.stringify(value) ?? String(value);
}

/** Human words for the render backend reported by `status`. */
export function describeBackend(backend: unknown): string {
  if (backend === null || backend === undefined) {
    return 'unknown';
  }
  if (typeof backend === 'string') {
    return backend;
  }
  if (typeof backend === 'object') {
    const b = backend as Record<string, unknown>;
    const name = b.name ?? b.backend ?? b.namespace ?? b.requested ?? 'unknown';
    const device = b.device ?? b.device_name;
    const why = b.reason ?? b.fallback_reason;
    let text = displayText(name);
    if (device !== undefined && device !== null && device !== '') {
      text += ` (${displayText(device)})`;
    }
    if (why) {
      text += `: ${displayText(why)}`;
    }
    return text;
  }
  return displayText(backend);
}

/** The sessions reported by `status`, as a list (the server may send a list or a count). */
export function listSessions(sessions: unknown): ISessionSummary[] {
  if (Array.isArray(sessions)) {
    return sessions.map(s =>
      typeof s === 'object' && s !== null ? (s as ISessionSummary) : { name: String(s) }
    );
  }
  if (sessions && typeof sessions === 'object') {
    const s = sessions as Record<string, unknown>;
    if (Array.isArray(s.sessions)) {
      return listSessions(s.sessions);
    }
    if (Array.isArray(s.items)) {
      return listSessions(s.items);
    }
  }
  return [];
}

/** Number of members of a session summary. */
export function memberCount(session: ISessionSummary): number {
  const m = session.members;
  if (Array.isArray(m)) {
    return m.length;
  }
  if (typeof m === 'number') {
    return m;
  }
  if (m && typeof m === 'object') {
    return Object.keys(m).length;
  }
  return 0;
}

/** POST a transport action ("play", "stop", "seek", "tempo") and return the new state. */
export async function transportAction(
  action: 'play' | 'stop' | 'seek' | 'tempo',
  extra: Record<string, unknown> = {},
  settings?: ServerConnection.ISettings
): Promise<ITransportState> {
  const answer = await postAPI<unknown>('transport', { action, ...extra }, settings);
  return unwrapTransport(answer);
}

/** The transport state inside an answer ({transport: state} or the state itself). */
export function unwrapTransport(answer: unknown): ITransportState {
  if (isObject(answer) && isObject(answer.transport)) {
    return answer.transport as ITransportState;
  }
  if (isObject(answer) && isObject(answer.state)) {
    return answer.state as ITransportState;
  }
  return answer as ITransportState;
}

/**
 * A live feed of the transport over the WebSocket, with REST polling as the fallback.
 *
 * `onState` is called with every state pushed by the server; the feed reconnects with a
 * back-off while it is started.
 */
export class TransportFeed {
  constructor(
    private onState: (state: ITransportState) => void,
    private settings: ServerConnection.ISettings = ServerConnection.makeSettings()
  ) {}

  /** True while a WebSocket is open. */
  get connected(): boolean {
    return this._socket !== null && this._socket.readyState === WebSocket.OPEN;
  }

  start(): void {
    if (this._started) {
      return;
    }
    this._started = true;
    this._connect();
    this._poll = setInterval(() => void this._pollOnce(), 1000);
  }

  stop(): void {
    this._started = false;
    if (this._poll !== null) {
      clearInterval(this._poll);
      this._poll = null;
    }
    if (this._retry !== null) {
      clearTimeout(this._retry);
      this._retry = null;
    }
    if (this._socket) {
      this._socket.onclose = null;
      this._socket.close();
      this._socket = null;
    }
  }

  private _connect(): void {
    const s = this.settings;
    let url = URLExt.join(s.wsUrl, ...API_PATH, 'ws');
    if (s.token && s.appendToken !== false) {
      url += `?token=${encodeURIComponent(s.token)}`;
    }
    let socket: WebSocket;
    try {
      socket = new s.WebSocket(url);
    } catch {
      this._scheduleReconnect();
      return;
    }
    this._socket = socket;
    socket.onopen = () => {
      this._delay = 1000;
      socket.send(JSON.stringify({ type: 'transport', action: 'subscribe' }));
    };
    socket.onmessage = event => {
      let msg: unknown;
      try {
        msg = JSON.parse(String(event.data));
      } catch {
        return;
      }
      if (isObject(msg) && msg.type === 'transport') {
        const state = msg.state ?? msg.transport ?? msg.data ?? msg;
        if (isTransportState(state)) {
          this.onState(state);
        }
      }
    };
    socket.onclose = () => {
      this._socket = null;
      this._scheduleReconnect();
    };
  }

  private _scheduleReconnect(): void {
    if (!this._started || this._retry !== null) {
      return;
    }
    this._retry = setTimeout(() => {
      this._retry = null;
      if (this._started) {
        this._connect();
      }
    }, this._delay);
    this._delay = Math.min(this._delay * 2, 30000);
  }

  private async _pollOnce(): Promise<void> {
    if (this.connected || this._polling) {
      return;
    }
    this._polling = true;
    try {
      const state = unwrapTransport(await requestAPI<unknown>('transport', {}, this.settings));
      if (isTransportState(state)) {
        this.onState(state);
      }
    } catch {
      // the panel shows the server state; nothing to add here
    } finally {
      this._polling = false;
    }
  }

  private _started = false;
  private _socket: WebSocket | null = null;
  private _poll: ReturnType<typeof setInterval> | null = null;
  private _retry: ReturnType<typeof setTimeout> | null = null;
  private _delay = 1000;
  private _polling = false;
}
