// The sidebar panel: is the server side alive (version handshake), which render backend it
// uses, the OSC address to type into a DAW, the transport (play/stop/tempo, live; it drives the
// widgets of the notebook in front, drive.ts) and the shared sessions (sessions.ts).

import { STOP_ALL_EVENT } from './stop';
import { Clipboard } from '@jupyterlab/apputils';
import { ServerConnection } from '@jupyterlab/services';
import { Widget } from '@lumino/widgets';

import { SessionsView } from './sessions';
import { describeDriving, DRIVEN_CHANGED_EVENT, driveWidgets, DriveCommand, IDrivenWidget, seekedTo } from './drive';

import {
  ApiError,
  describeBackend,
  FRONTEND_VERSION,
  handshake,
  Handshake,
  IOscStatus,
  IStatus,
  ITransportState,
  mayWrite,
  OSC_READ_ONLY_MESSAGE,
  READ_ONLY_MESSAGE,
  transportAction,
  TransportFeed,
  WRITE_DENIED_EVENT
} from './api';

/** How often the status is refreshed while the panel is visible (ms). */
const STATUS_INTERVAL = 5000;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    node.setAttribute(key, value);
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

function section(title: string): HTMLElement {
  const box = el('section', { class: 'sk-section' });
  box.appendChild(el('h3', { class: 'sk-section-title' }, title));
  return box;
}

function row(label: string, value: HTMLElement): HTMLElement {
  const line = el('div', { class: 'sk-row' });
  line.appendChild(el('span', { class: 'sk-label' }, label));
  line.appendChild(value);
  return line;
}

/** Where the transport's widgets are: the main area's widget in front, and how to name it. */
export interface IDriveScope {
  /** the node holding the widgets to drive and the words for it; null: nothing open */
  current(): { node: HTMLElement; where: string } | null;
  /** call `cb` whenever the widget in front changes */
  onChange(cb: () => void): void;
}

/** The text a DAW needs: host:port of the OSC server. */
export function oscAddress(osc: IOscStatus): string {
  return `${osc.host}:${osc.port}`;
}

export class WorkbenchPanel extends Widget {
  constructor(
    private settings: ServerConnection.ISettings = ServerConnection.makeSettings(),
    private scope: IDriveScope | null = null
  ) {
    super();
    this.id = 'schillinger-workbench-panel';
    this.addClass('sk-panel');
    this.title.caption = 'Schillinger Workbench';
    this._feed = new TransportFeed(state => this._showTransport(state, 'feed'), this.settings);
    this._sessions = new SessionsView(this.settings);
    this._build();
    this._onDriven = () => this._scheduleRelist();
    window.addEventListener(DRIVEN_CHANGED_EVENT, this._onDriven);
    this._onDenied = () => this._setWritable(false);
    window.addEventListener(WRITE_DENIED_EVENT, this._onDenied);
    scope?.onChange(() => this._scheduleRelist());
  }

  /** The latest handshake (null before the first answer). */
  get handshakeResult(): Handshake | null {
    return this._handshake;
  }

  /** Fetch `status` now and redraw. */
  async refresh(): Promise<Handshake> {
    const result = await handshake(this.settings);
    this._handshake = result;
    if (result.kind === 'ok' || result.kind === 'mismatch') {
      // asked before the controls are drawn, so a read-only user is never offered a write;
      // no answer (null) leaves it to the first refused write (WRITE_DENIED_EVENT)
      const writable = await mayWrite(this.settings);
      if (writable !== null) {
        this._setWritable(writable);
      }
    }
    this._showHandshake(result);
    return result;
  }

  protected onAfterAttach(): void {
    void this.refresh();
    this._timer = setInterval(() => {
      if (this.isVisible) {
        void this.refresh();
      }
    }, STATUS_INTERVAL);
    // widget views come and go without telling (a cell cleared, a notebook closed): a cheap
    // look once a second keeps the "driving" line true; it asks the page, not the server
    this._relistTimer = setInterval(() => {
      if (this.isVisible) {
        this._relist();
      }
    }, 1000);
    this._relist();
  }

  protected onAfterShow(): void {
    void this.refresh();
  }

  protected onBeforeDetach(): void {
    if (this._timer !== null) {
      clearInterval(this._timer);
      this._timer = null;
    }
    if (this._relistTimer !== null) {
      clearInterval(this._relistTimer);
      this._relistTimer = null;
    }
    this._feed.stop();
  }

  dispose(): void {
    this._feed.stop();
    window.removeEventListener(DRIVEN_CHANGED_EVENT, this._onDriven);
    window.removeEventListener(WRITE_DENIED_EVENT, this._onDenied);
    if (this._relistTimer !== null) {
      clearInterval(this._relistTimer);
      this._relistTimer = null;
    }
    this._sessions.dispose();
    if (this._timer !== null) {
      clearInterval(this._timer);
      this._timer = null;
    }
    super.dispose();
  }

  private _build(): void {
    const root = this.node;
    const header = el('div', { class: 'sk-header' });
    header.appendChild(el('h2', {}, 'Schillinger Workbench'));
    const refresh = el('button', { class: 'sk-button sk-refresh', title: 'Refresh' }, 'Refresh');
    refresh.onclick = () => void this.refresh();
    header.appendChild(refresh);
    root.appendChild(header);

    this._banner = el('div', { class: 'sk-banner', 'data-sk': 'banner', role: 'status' }, 'Contacting the server extension…');
    root.appendChild(this._banner);

    const server = section('Server');
    this._serverVersion = el('code', { 'data-sk': 'server-version' }, '–');
    server.appendChild(row('Server extension', this._serverVersion));
    server.appendChild(row('Lab extension', el('code', { 'data-sk': 'frontend-version' }, FRONTEND_VERSION)));
    this._backend = el('span', { 'data-sk': 'backend' }, '–');
    server.appendChild(row('Render backend', this._backend));
    root.appendChild(server);

    const osc = section('OSC (DAW bridge)');
    const address = el('span', { class: 'sk-address' });
    this._oscAddress = el('code', { 'data-sk': 'osc-address' }, '–');
    this._oscCopy = el('button', { class: 'sk-button sk-copy', 'data-sk': 'osc-copy', title: 'Copy host:port' }, 'Copy');
    this._oscCopy.onclick = () => {
      const text = this._oscAddress.textContent ?? '';
      if (text && text !== '–') {
        Clipboard.copyToSystem(text);
        this._oscCopy.textContent = 'Copied';
        setTimeout(() => (this._oscCopy.textContent = 'Copy'), 1500);
      }
    };
    address.appendChild(this._oscAddress);
    address.appendChild(this._oscCopy);
    osc.appendChild(row('Listening on', address));
    this._oscPort = el('code', { 'data-sk': 'osc-port' }, '–');
    osc.appendChild(row('Port', this._oscPort));
    this._oscReply = el('code', { 'data-sk': 'osc-reply-port' }, '–');
    osc.appendChild(row('Replies to port', this._oscReply));
    this._oscNote = el('div', { class: 'sk-note', 'data-sk': 'osc-note' });
    osc.appendChild(this._oscNote);
    root.appendChild(osc);

    const transport = section('Transport');
    this._state = el('span', { class: 'sk-state', 'data-sk': 'transport-state' }, '–');
    transport.appendChild(row('State', this._state));
    this._position = el('code', { 'data-sk': 'transport-position' }, '–');
    transport.appendChild(row('Position (beats)', this._position));
    const buttons = el('div', { class: 'sk-buttons' });
    this._play = el('button', { class: 'sk-button sk-play', 'data-sk': 'play', title: 'Play' }, '▶ Play');
    this._stop = el('button', { class: 'sk-button sk-stop', 'data-sk': 'stop', title: 'Stop' }, '■ Stop');
    this._play.onclick = () => void this._act('play');
    this._stop.onclick = () => void this._act('stop');
    const stopAll = el(
      'button',
      { class: 'sk-button sk-stop-all', 'data-sk': 'stop-all', title: 'Stop every widget playing in this page' },
      '■ Stop all widgets'
    );
    stopAll.onclick = () => window.dispatchEvent(new Event(STOP_ALL_EVENT));
    buttons.appendChild(this._play);
    buttons.appendChild(this._stop);
    buttons.appendChild(stopAll);
    transport.appendChild(buttons);
    const tempoBox = el('span', { class: 'sk-tempo' });
    this._tempo = el('input', {
      type: 'number',
      min: '1',
      max: '999',
      step: '1',
      class: 'sk-tempo-input',
      'data-sk': 'tempo',
      'aria-label': 'Tempo (BPM)'
    });
    // any number goes to the server, which alone knows the range: its refusal is shown
    this._tempo.onchange = () => {
      const text = this._tempo.value.trim();
      if (text !== '') {
        void this._act('tempo', { tempo: Number(text) });
      }
    };
    this._tempo.onkeydown = event => {
      if (event.key === 'Enter') {
        this._tempo.blur(); // commits the value (change) and lets live updates show again
      }
    };
    tempoBox.appendChild(this._tempo);
    tempoBox.appendChild(el('span', {}, ' BPM'));
    transport.appendChild(row('Tempo', tempoBox));
    this._driving = el('div', { class: 'sk-note sk-driving', 'data-sk': 'transport-driving' }, 'driving: –');
    transport.appendChild(this._driving);
    this._driveNote = el('div', { class: 'sk-note', 'data-sk': 'transport-note' });
    transport.appendChild(this._driveNote);
    this._readOnly = el('div', { class: 'sk-note sk-read-only', 'data-sk': 'transport-read-only', role: 'status' });
    transport.appendChild(this._readOnly);
    this._transportError = el('div', { class: 'sk-note sk-error', 'data-sk': 'transport-error', role: 'alert' });
    transport.appendChild(this._transportError);
    root.appendChild(transport);

    const sessions = section('Shared sessions');
    sessions.appendChild(this._sessions.node);
    root.appendChild(sessions);
    this._setControlsEnabled(false);
  }

  private _setControlsEnabled(enabled: boolean): void {
    this._online = enabled;
    this._oscCopy.disabled = !enabled;
    this._showWritable();
  }

  /** What the server's Authorizer lets this user do: false turns the transport read-only. */
  private _setWritable(writable: boolean): void {
    if (this._writable === writable) {
      return;
    }
    this._writable = writable;
    this._showWritable();
    this._sessions.setWritable(writable);
  }

  // disabled, not hidden: a read-only user sees what the transport does and why it is not theirs
  private _showWritable(): void {
    const readOnly = this._writable === false;
    const controls: [HTMLButtonElement | HTMLInputElement, string][] = [
      [this._play, 'Play'],
      [this._stop, 'Stop'],
      [this._tempo, 'Tempo (BPM)']
    ];
    for (const [control, what] of controls) {
      control.disabled = !this._online || readOnly;
      control.title = readOnly ? `${what}: ${READ_ONLY_MESSAGE}` : what;
    }
    this.node.dataset.skWritable = this._writable === null ? 'unknown' : readOnly ? 'no' : 'yes';
    this._showOscNote();
    this._readOnly.textContent = readOnly ? READ_ONLY_MESSAGE : '';
    if (readOnly && this._transportError.textContent === READ_ONLY_MESSAGE) {
      this._transportError.textContent = ''; // said once, by the note
    }
  }

  private _showHandshake(result: Handshake): void {
    this._banner.classList.remove('sk-ok', 'sk-warn', 'sk-bad');
    this.node.dataset.skHandshake = result.kind;
    if (result.kind === 'ok' || result.kind === 'mismatch') {
      if (result.kind === 'ok') {
        this._banner.textContent = `Server extension ${result.status.version} is running.`;
        this._banner.classList.add('sk-ok');
      } else {
        this._banner.textContent = result.message;
        this._banner.classList.add('sk-warn');
      }
      this._showStatus(result.status);
      this._setControlsEnabled(true);
      this._feed.start();
    } else {
      this._banner.textContent = result.message;
      this._banner.classList.add('sk-bad');
      this._serverVersion.textContent = result.kind === 'missing' ? 'not installed' : 'no answer';
      this._setControlsEnabled(false);
      this._feed.stop();
    }
  }

  private _showStatus(status: IStatus): void {
    this._serverVersion.textContent = status.version;
    this._backend.textContent = describeBackend(status.backend);
    const osc = status.osc;
    if (osc && osc.enabled && osc.port) {
      this._oscAddress.textContent = oscAddress(osc);
      this._oscPort.textContent = String(osc.port);
      this._oscReply.textContent = osc.reply_port ? String(osc.reply_port) : 'the sender\u2019s port';
      this._oscCopy.disabled = false;
    } else {
      this._oscAddress.textContent = '–';
      this._oscPort.textContent = '–';
      this._oscReply.textContent = '–';
      this._oscCopy.disabled = true;
    }
    this._osc = osc ?? null;
    this._showOscNote();
    if (status.transport) {
      this._showTransport(status.transport, 'status');
    }
    void this._sessions.refresh(status.sessions);
  }

  /**
   * The OSC section's note: a port other than the configured one (taken by another server) and
   * why; and how a DAW gets the right to change things, for a user who may write. A user who
   * only reads gets one sentence instead: the server leaves the instructions and the key file's
   * path out of his status (`auth: null`), and the sidebar may know it first (`/api/me`, a 403).
   */
  private _showOscNote(): void {
    const osc = this._osc;
    if (!osc) {
      return;
    }
    if (!(osc.enabled && osc.port)) {
      this._oscNote.textContent = osc.error
        ? `OSC is off: ${osc.error}`
        : 'OSC is off (start Jupyter with --SchillingerApp.osc_enabled=True to turn it on).';
      delete this.node.dataset.skOscAuth;
      return;
    }
    const notes = [osc.error ? `OSC error: ${osc.error}` : '', osc.notice ?? ''];
    const withheld = this._writable === false || osc.auth === null;
    if (withheld) {
      notes.push(OSC_READ_ONLY_MESSAGE);
    } else if (osc.auth?.how) {
      notes.push(`Changes need ${osc.auth.how}` + (osc.auth.key_file ? ` (secret in ${osc.auth.key_file}, or the server's token)` : ''));
    }
    this._oscNote.textContent = notes.filter(n => n).join(' · ');
    this.node.dataset.skOscAuth = withheld ? 'withheld' : osc.auth?.how ? 'shown' : 'none';
  }

  /**
   * Show the server clock's state. The widgets follow what the live feed says changed (from
   * this panel, another browser or a DAW over OSC); a button's answer drives them even when the
   * clock did not change (it was playing already, the widgets were not). The periodic status
   * may be older than the feed, so it only shows.
   */
  private _showTransport(state: ITransportState, cause: 'feed' | 'status' | 'play' | 'stop' | 'tempo' | 'shown'): void {
    const last = this._lastTransport;
    this._lastTransport = state;
    const playing = Boolean(state.playing);
    const tempo = typeof state.tempo === 'number' ? state.tempo : null;
    const edge = (a: boolean) => cause === 'feed' && last !== null && a;
    if (tempo !== null && (cause === 'tempo' || cause === 'play' || edge(last?.tempo !== tempo))) {
      this._drive({ action: 'tempo', tempo });
    }
    if (cause === 'play' || cause === 'stop' || edge(Boolean(last?.playing) !== playing)) {
      this._drive(playing ? { action: 'play', beats: Number(state.position_beats) || 0 } : { action: 'stop' });
    }
    // against the feed's own last state: the periodic status may be older
    const seek = cause === 'feed' ? seekedTo(this._lastFeed, state) : null;
    this._lastFeed = cause === 'feed' ? state : this._lastFeed;
    if (seek !== null) {
      this._drive({ action: 'seek', beats: seek });
    }
    this._state.textContent = playing ? 'playing' : 'stopped';
    this._state.classList.toggle('sk-playing', playing);
    this.node.dataset.skTransport = playing ? 'playing' : 'stopped';
    if (typeof state.position_beats === 'number') {
      this._position.textContent = state.position_beats.toFixed(2);
    }
    if (typeof state.tempo === 'number' && document.activeElement !== this._tempo) {
      this._tempo.value = String(Math.round(state.tempo * 100) / 100);
    }
  }

  /** The widgets in front (null: nothing open) and the words for where they are. */
  private _where(): { node: HTMLElement; where: string } | null {
    return this.scope ? this.scope.current() : { node: document.body, where: 'this page' };
  }

  /** Send `command` to the widgets in front and show what is driven. */
  private _drive(command: DriveCommand): IDrivenWidget[] {
    const here = this._where();
    if (command.action === 'stop') {
      // stop is for the whole page: widgets started here keep no sound going behind another tab
      driveWidgets(command, null);
      command = { action: 'list' };
    }
    const widgets = here ? driveWidgets(command, here.node) : [];
    this._driving.textContent = describeDriving(widgets, here ? here.where : null);
    this.node.dataset.skDriving = String(widgets.length);
    if (command.action === 'tempo') {
      // a widget's own range is narrower than the clock's: say where it stopped
      const off = widgets.filter(w => Math.abs(w.tempo - command.tempo) > 1e-6);
      this._driveNote.textContent = off.length
        ? `Widgets play from 20 to 400 BPM: ${off.map(w => w.kind).join(', ')} at ${Math.round(off[0].tempo)} BPM.`
        : '';
    }
    return widgets;
  }

  private _relist(): void {
    this._relistPending = false;
    this._drive({ action: 'list' });
  }

  private _scheduleRelist(): void {
    if (!this._relistPending) {
      this._relistPending = true;
      // after the view that announced itself is in the page
      setTimeout(() => this._relist(), 0);
    }
  }

  private async _act(action: 'play' | 'stop' | 'tempo', extra: Record<string, unknown> = {}): Promise<void> {
    this._transportError.textContent = '';
    try {
      const state = await transportAction(action, extra, this.settings);
      if (state && typeof state.playing === 'boolean') {
        this._showTransport(state, action);
      }
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      this._transportError.textContent = error instanceof ApiError && error.status === 403
        ? (this._readOnly.textContent ? '' : why)
        : action === 'tempo'
        ? `Tempo ${String(extra.tempo)} refused: ${why}`
        : `Transport ${action} failed: ${why}`;
      if (this._lastTransport) {
        this._showTransport(this._lastTransport, 'shown');
      }
    }
  }

  private _feed: TransportFeed;
  private _onDriven: () => void;
  private _onDenied: () => void;
  private _writable: boolean | null = null;
  private _online = false;
  private _readOnly!: HTMLElement;
  private _relistTimer: ReturnType<typeof setInterval> | null = null;
  private _relistPending = false;
  private _driving!: HTMLElement;
  private _driveNote!: HTMLElement;
  private _handshake: Handshake | null = null;
  private _timer: ReturnType<typeof setInterval> | null = null;
  private _lastTransport: ITransportState | null = null;
  private _lastFeed: ITransportState | null = null;
  private _banner!: HTMLElement;
  private _serverVersion!: HTMLElement;
  private _backend!: HTMLElement;
  private _oscAddress!: HTMLElement;
  private _oscPort!: HTMLElement;
  private _oscReply!: HTMLElement;
  private _oscNote!: HTMLElement;
  private _osc: IOscStatus | null = null;
  private _oscCopy!: HTMLButtonElement;
  private _state!: HTMLElement;
  private _position!: HTMLElement;
  private _play!: HTMLButtonElement;
  private _stop!: HTMLButtonElement;
  private _tempo!: HTMLInputElement;
  private _transportError!: HTMLElement;
  private _sessions: SessionsView;
}
