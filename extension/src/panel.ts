// The sidebar panel: is the server side alive (version handshake), which render backend it
// uses, the OSC address to type into a DAW, the transport (play/stop/tempo, live) and the
// shared sessions (sessions.ts).

import { STOP_ALL_EVENT } from './stop';
import { Clipboard } from '@jupyterlab/apputils';
import { ServerConnection } from '@jupyterlab/services';
import { Widget } from '@lumino/widgets';

import { SessionsView } from './sessions';

import {
  describeBackend,
  FRONTEND_VERSION,
  handshake,
  Handshake,
  IOscStatus,
  IStatus,
  ITransportState,
  transportAction,
  TransportFeed
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

/** The text a DAW needs: host:port of the OSC server. */
export function oscAddress(osc: IOscStatus): string {
  return `${osc.host}:${osc.port}`;
}

export class WorkbenchPanel extends Widget {
  constructor(
    private settings: ServerConnection.ISettings = ServerConnection.makeSettings()
  ) {
    super();
    this.id = 'schillinger-workbench-panel';
    this.addClass('sk-panel');
    this.title.caption = 'Schillinger Workbench';
    this._feed = new TransportFeed(state => this._showTransport(state), this.settings);
    this._sessions = new SessionsView(this.settings);
    this._build();
  }

  /** The latest handshake (null before the first answer). */
  get handshakeResult(): Handshake | null {
    return this._handshake;
  }

  /** Fetch `status` now and redraw. */
  async refresh(): Promise<Handshake> {
    const result = await handshake(this.settings);
    this._handshake = result;
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
  }

  protected onAfterShow(): void {
    void this.refresh();
  }

  protected onBeforeDetach(): void {
    if (this._timer !== null) {
      clearInterval(this._timer);
      this._timer = null;
    }
    this._feed.stop();
  }

  dispose(): void {
    this._feed.stop();
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
    this._tempo.onchange = () => {
      const bpm = Number(this._tempo.value);
      if (Number.isFinite(bpm) && bpm >= 1 && bpm <= 999) {
        void this._act('tempo', { tempo: bpm });
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
    this._transportError = el('div', { class: 'sk-note sk-error', 'data-sk': 'transport-error' });
    transport.appendChild(this._transportError);
    root.appendChild(transport);

    const sessions = section('Shared sessions');
    sessions.appendChild(this._sessions.node);
    root.appendChild(sessions);
    this._setControlsEnabled(false);
  }

  private _setControlsEnabled(enabled: boolean): void {
    this._play.disabled = !enabled;
    this._stop.disabled = !enabled;
    this._tempo.disabled = !enabled;
    this._oscCopy.disabled = !enabled;
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
      // the port differs from the configured one (taken by another server): say why; and
      // how a DAW gets the right to change things (the secret itself is never in the status)
      const extra = osc as unknown as { notice?: string | null; auth?: { how?: string; key_file?: string | null } };
      const notes = [osc.error ? `OSC error: ${osc.error}` : '', extra.notice ?? ''];
      if (extra.auth?.how) {
        notes.push(`Changes need ${extra.auth.how}` + (extra.auth.key_file ? ` (secret in ${extra.auth.key_file}, or the server's token)` : ''));
      }
      this._oscNote.textContent = notes.filter(n => n).join(' · ');
      this._oscCopy.disabled = false;
    } else {
      this._oscAddress.textContent = '–';
      this._oscPort.textContent = '–';
      this._oscReply.textContent = '–';
      this._oscNote.textContent = osc && osc.error
        ? `OSC is off: ${osc.error}`
        : 'OSC is off (start Jupyter with --SchillingerApp.osc_enabled=True to turn it on).';
      this._oscCopy.disabled = true;
    }
    if (status.transport) {
      this._showTransport(status.transport);
    }
    void this._sessions.refresh(status.sessions);
  }

  private _showTransport(state: ITransportState): void {
    this._lastTransport = state;
    const playing = Boolean(state.playing);
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

  private async _act(action: 'play' | 'stop' | 'tempo', extra: Record<string, unknown> = {}): Promise<void> {
    this._transportError.textContent = '';
    try {
      const state = await transportAction(action, extra, this.settings);
      if (state && typeof state.playing === 'boolean') {
        this._showTransport(state);
      }
    } catch (error) {
      this._transportError.textContent = `Transport ${action} failed: ${error instanceof Error ? error.message : String(error)}`;
      if (this._lastTransport) {
        this._showTransport(this._lastTransport);
      }
    }
  }

  private _feed: TransportFeed;
  private _handshake: Handshake | null = null;
  private _timer: ReturnType<typeof setInterval> | null = null;
  private _lastTransport: ITransportState | null = null;
  private _banner!: HTMLElement;
  private _serverVersion!: HTMLElement;
  private _backend!: HTMLElement;
  private _oscAddress!: HTMLElement;
  private _oscPort!: HTMLElement;
  private _oscReply!: HTMLElement;
  private _oscNote!: HTMLElement;
  private _oscCopy!: HTMLButtonElement;
  private _state!: HTMLElement;
  private _position!: HTMLElement;
  private _play!: HTMLButtonElement;
  private _stop!: HTMLButtonElement;
  private _tempo!: HTMLInputElement;
  private _transportError!: HTMLElement;
  private _sessions: SessionsView;
}
