import { CLIENT_DETAIL_JS } from './client-detail.js';
import { CLIENT_LIST_JS } from './client-list.js';

const STYLES = `
:root { --bg: #f7f7f8; --fg: #1d1f24; --muted: #6b7080; --line: #dcdde3; --accent: #2f5bd3;
  --high: #1f8a4c; --medium: #b7791f; --low: #c05621; --critical: #c53030; --add: #e6f6ea; --del: #fbe9e9; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; gap: 16px; align-items: center; padding: 10px 18px; background: #fff; border-bottom: 1px solid var(--line); }
header h1 { font-size: 17px; margin: 0; }
header .stats { color: var(--muted); flex: 1; }
main { display: grid; grid-template-columns: minmax(360px, 42%) 1fr; gap: 14px; padding: 14px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px; min-width: 0; }
.controls { display: flex; gap: 8px; margin-bottom: 10px; }
.controls input { flex: 1; }
input, select, textarea, button { font: inherit; }
input, select, textarea { padding: 5px 7px; border: 1px solid var(--line); border-radius: 4px; background: #fff; }
table { border-collapse: collapse; width: 100%; }
#queue th, #queue td { text-align: left; padding: 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
#queue tbody tr { cursor: pointer; }
#queue tbody tr:hover { background: #f0f3fb; }
#queue tbody tr.selected { background: #e4ebfb; }
.badge { display: inline-block; padding: 0 6px; border-radius: 9px; font-size: 12px; background: #eceef3; }
.badge.superseded { background: #fff4d6; color: #6b5200; }
.level-high { color: var(--high); } .level-medium { color: var(--medium); } .level-low { color: var(--low); } .level-critical { color: var(--critical); }
.meter { display: inline-block; width: 70px; height: 7px; background: #eceef3; border-radius: 4px; vertical-align: middle; overflow: hidden; }
.meter > span { display: block; height: 100%; background: currentColor; }
.muted { color: var(--muted); }
.actions { display: flex; gap: 8px; margin: 10px 0; }
.actions button, menu button { padding: 6px 14px; border: 1px solid var(--line); border-radius: 4px; background: #fff; cursor: pointer; }
.actions button.primary, menu button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
button:disabled { opacity: .5; cursor: default; }
pre.code { margin: 0; padding: 8px 0; background: #fbfbfd; border: 1px solid var(--line); border-radius: 4px; overflow: auto; font: 12.5px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace; }
pre.code .ln { display: inline-block; width: 3.2em; padding-right: .8em; text-align: right; color: var(--muted); user-select: none; }
pre.code .row { display: block; padding-right: 8px; }
pre.code .row.has-issue { background: #fff4e5; }
.marker { color: var(--low); cursor: help; margin-left: 6px; }
.tok-kw { color: #7c3aed; } .tok-str { color: #0f766e; } .tok-com { color: #6b7280; font-style: italic; } .tok-num { color: #b45309; }
table.diff { font: 12.5px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace; table-layout: fixed; }
table.diff col.num { width: 3.5em; }
table.diff th { text-align: left; font-weight: 600; padding: 2px 6px; }
table.diff td { padding: 0 6px; white-space: pre; overflow: hidden; text-overflow: ellipsis; border-left: 1px solid var(--line); }
table.diff td.n { width: 3em; color: var(--muted); text-align: right; border-left: none; }
table.diff td.del { background: var(--del); } table.diff td.add { background: var(--add); }
ul.issues { padding-left: 18px; }
ul.issues li { margin-bottom: 8px; }
.fix { display: grid; grid-template-columns: 1fr 1fr; gap: 6px; margin-top: 4px; }
.fix code { display: block; white-space: pre-wrap; padding: 4px 6px; border-radius: 4px; font-size: 12px; }
.fix .before { background: var(--del); } .fix .after { background: var(--add); }
h2 { font-size: 16px; margin: 0 0 4px; } h3 { font-size: 13px; margin: 16px 0 6px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
dialog { border: 1px solid var(--line); border-radius: 8px; padding: 16px; width: min(720px, 92vw); }
dialog textarea { width: 100%; min-height: 90px; }
dialog textarea.code-input { min-height: 280px; font: 12.5px/1.5 ui-monospace, monospace; }
menu { display: flex; justify-content: flex-end; gap: 8px; padding: 0; margin: 12px 0 0; }
#toast { position: fixed; bottom: 16px; right: 16px; max-width: 520px; padding: 10px 14px; border-radius: 6px; background: #1d1f24; color: #fff; display: none; white-space: pre-wrap; }
#toast.error { background: var(--critical); }
#toast.show { display: block; }
`;

const BODY = `
<header>
  <h1>ST3 review</h1>
  <span class="stats" id="stats">loading…</span>
  <label>Reviewer <input id="reviewer" placeholder="your name" autocomplete="name"></label>
</header>
<main>
  <section id="queue-pane" aria-label="Review queue">
    <div class="controls">
      <input id="search" type="search" placeholder="Search id, node, file or code" aria-label="Search">
      <select id="status" aria-label="Status">
        <option value="">All statuses</option><option value="pending">pending</option><option value="in_review">in review</option>
        <option value="approved">approved</option><option value="rejected">rejected</option><option value="needs_regeneration">needs regeneration</option>
      </select>
      <select id="sort" aria-label="Sort by">
        <option value="priority">Priority</option><option value="confidence">Confidence</option><option value="date">Date</option>
      </select>
    </div>
    <table id="queue"><thead><tr><th>Item</th><th>Atom</th><th>Status</th><th>Confidence</th><th>Issues</th></tr></thead><tbody></tbody></table>
    <p id="empty" class="muted" hidden>No item matches.</p>
  </section>
  <section id="detail" aria-label="Item" hidden>
    <h2 id="title"></h2>
    <div id="meta" class="muted"></div>
    <div id="confidence"></div>
    <div class="actions">
      <button id="approve" class="primary">Approve</button>
      <button id="reject">Reject</button>
      <button id="edit">Edit</button>
      <button id="regenerate">Regenerate</button>
    </div>
    <h3>Proposed code</h3><pre id="code" class="code"></pre>
    <h3>Detected issues</h3><ul id="issues" class="issues"></ul>
    <h3>Diff against the file</h3><div id="diff"></div>
    <h3>Checks</h3><ul id="checks"></ul>
    <h3>History</h3><ol id="history"></ol>
  </section>
</main>
<dialog id="dlg-approve"><form method="dialog">
  <h3>Approve</h3><p>The proposed change is written into the file.</p>
  <textarea name="feedback" placeholder="Feedback (optional)"></textarea>
  <menu><button value="cancel" formnovalidate>Cancel</button><button value="ok" class="primary">Apply and approve</button></menu>
</form></dialog>
<dialog id="dlg-reject"><form method="dialog">
  <h3>Reject</h3><p>Say what is wrong: the next <code>st3 execute</code> regenerates the atom with it.</p>
  <textarea name="feedback" required placeholder="What is wrong (required)"></textarea>
  <menu><button value="cancel" formnovalidate>Cancel</button><button value="ok" class="primary">Reject with feedback</button></menu>
</form></dialog>
<dialog id="dlg-edit"><form method="dialog">
  <h3>Edit</h3><p>Your code replaces the atom; it is validated (parse, atomicity, gates) before it is written.</p>
  <textarea name="code" class="code-input" required spellcheck="false"></textarea>
  <menu><button value="cancel" formnovalidate>Cancel</button><button value="ok" class="primary">Save and apply</button></menu>
</form></dialog>
<dialog id="dlg-regenerate"><form method="dialog">
  <h3>Regenerate</h3><p>The atom is generated again with your feedback (now, when the server has an agent; else on the next run).</p>
  <textarea name="feedback" required placeholder="What to change (required)"></textarea>
  <menu><button value="cancel" formnovalidate>Cancel</button><button value="ok" class="primary">Send back</button></menu>
</form></dialog>
<div id="toast" role="status" aria-live="polite"></div>
`;

/** The review page: one self-contained HTML document (styles and script inline; no CDN, works offline). */
export function reviewPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>ST3 review</title><link rel="icon" href="data:,"><style>${STYLES}</style></head>
<body>${BODY}<script>${CLIENT_LIST_JS}\n${CLIENT_DETAIL_JS}</script></body></html>
`;
}
