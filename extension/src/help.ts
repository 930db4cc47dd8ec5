// "Open DAW bridge help": how to reach the workbench from a DAW, Max, SuperCollider or TouchOSC,
// filled in with the address this server actually listens on.

import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { Widget } from '@lumino/widgets';

import { API_PATH, handshake, mayWrite, OSC_READ_ONLY_MESSAGE } from './api';

function escape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/**
 * The help page's HTML for an OSC host/port (null when OSC is off), the REST root and the
 * WebSocket's address (ws:// or wss://, not the REST root's http://). `readOnly`: the user may
 * not write here, so the page says that OSC control needs write access instead of how to
 * authenticate (the server gives him neither the instructions nor the key file's path).
 */
export function helpHtml(
  host: string | null,
  port: number | null,
  replyPort: number | null,
  restRoot: string,
  problem: string | null,
  wsAddress: string = restRoot.replace(/^http/, 'ws') + 'ws',
  readOnly = false
): string {
  const addr = host && port ? `${host}:${port}` : null;
  const h = escape(host ?? '127.0.0.1');
  const p = port ? String(port) : 'PORT';
  const state = problem
    ? `<p class="sk-help-problem">${escape(problem)}</p>`
    : addr
      ? `<p>This server listens for OSC on <code data-sk="help-osc">${escape(addr)}</code> (UDP) and answers on port <code>${replyPort ?? 'of the sender'}</code> of the sender's address.</p>`
      : '<p>OSC is off on this server. Start Jupyter with <code>--SchillingerApp.osc_enabled=True</code> (and optionally <code>--SchillingerApp.osc_port=…</code>) to turn it on.</p>';
  return `
<h1>Schillinger Workbench: the DAW bridge</h1>
${state}
<h2>1. Any OSC program (Max, Pure Data, SuperCollider, TouchOSC)</h2>
<p>Send to host <code>${h}</code>, port <code>${escape(p)}</code>. Every message that changes state is answered
with an acknowledgement, or with <code>/schillinger/error &lt;address&gt; &lt;message&gt;</code>.
Times are in beats (a quarter note is 1.0).</p>
${readOnly ? readOnlyOsc(h, p) : writerOsc(h, p)}
<p>To see the replies, listen on the reply port, e.g. <code>oscdump ${replyPort ?? 'PORT'}</code>.</p>
<h2>2. Ableton Live</h2>
<ol>
<li>Install <a href="https://github.com/ideoforms/AbletonOSC" target="_blank" rel="noopener">AbletonOSC</a>
as a Control Surface (Live's preferences, "Link, Tempo &amp; MIDI"). It listens on port 11000 and replies on 11001.</li>
<li>From a notebook, push a part of a score to a clip slot; the workbench follows Live's tempo when asked.</li>
</ol>
<h2>3. HTTP and WebSocket</h2>
<p>The same verbs are served as JSON under <code>${escape(restRoot)}</code> (see <code>openapi.json</code> there)
and on the WebSocket <code data-sk="help-ws">${escape(wsAddress)}</code>; both need your Jupyter token.</p>
<h2>Remote servers (JupyterHub)</h2>
<p>OSC is plain UDP on the machine that runs Jupyter. When Jupyter runs elsewhere, your DAW cannot reach
<code>127.0.0.1</code> of that machine: use the HTTP/WebSocket API, or a tunnel you trust.</p>
`;
}

// how a writer's DAW authenticates: for a reader, the questions only and one sentence
function writerOsc(h: string, p: string): string {
  return `<p>Questions need no key. Messages that change state (transport, Live) need this server's secret:
your Jupyter token, or the one in the key file the sidebar names. Send
<code>/schillinger/auth SECRET</code> once from your program (it is trusted for an hour), or put the
secret in the address of a single message, as <code>oscsend</code> needs:</p>
<pre>oscsend ${h} ${escape(p)} /schillinger/rhythm/interference ii 3 2
oscsend ${h} ${escape(p)} /schillinger/k/SECRET/transport/play
oscsend ${h} ${escape(p)} /schillinger/k/SECRET/transport/tempo f 96
oscsend ${h} ${escape(p)} /schillinger/k/SECRET/transport/stop
oscsend ${h} ${escape(p)} /schillinger/help</pre>`;
}

function readOnlyOsc(h: string, p: string): string {
  return `<p>Questions need no key:</p>
<pre>oscsend ${h} ${escape(p)} /schillinger/rhythm/interference ii 3 2
oscsend ${h} ${escape(p)} /schillinger/help</pre>
<p class="sk-read-only" data-sk="help-read-only">${escape(OSC_READ_ONLY_MESSAGE)}</p>`;
}

/** A main-area page with the help, filled from `status`. */
export class DawHelp extends Widget {
  constructor(private settings: ServerConnection.ISettings = ServerConnection.makeSettings()) {
    super();
    this.id = 'schillinger-daw-help';
    this.addClass('sk-help');
    this.title.label = 'DAW bridge help';
    this.title.closable = true;
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const restRoot = URLExt.join(this.settings.baseUrl, ...API_PATH) + '/';
    const ws = URLExt.join(this.settings.wsUrl, ...API_PATH, 'ws');
    const result = await handshake(this.settings);
    if (result.kind === 'ok' || result.kind === 'mismatch') {
      const osc = result.status.osc;
      const on = osc && osc.enabled && osc.port;
      const readOnly = osc?.auth === null || (await mayWrite(this.settings)) === false;
      this.node.innerHTML = helpHtml(
        on ? osc.host : null,
        on ? osc.port : null,
        on ? osc.reply_port : null,
        restRoot,
        result.kind === 'mismatch' ? result.message : null,
        ws,
        readOnly
      );
    } else {
      this.node.innerHTML = helpHtml(null, null, null, restRoot, result.message, ws);
    }
  }
}
