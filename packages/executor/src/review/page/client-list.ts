/**
 * The review page's script, part 1: shared helpers, the queue list (search, status filter, sort),
 * statistics and the action calls. Plain ES2017 in a string: the page loads nothing else.
 */
export const CLIENT_LIST_JS = String.raw`
'use strict';
var state = { items: [], selected: null, detail: null };
function $(id) { return document.getElementById(id); }
function esc(s) {
  return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) {
    return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
  });
}
function el(tag, attrs, children) {
  var e = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (k) {
    if (k === 'text') e.textContent = attrs[k];
    else if (k === 'html') e.innerHTML = attrs[k];
    else if (k === 'className') e.className = attrs[k];
    else e.setAttribute(k, attrs[k]);
  });
  (children || []).forEach(function (c) { e.appendChild(c); });
  return e;
}
function toast(text, isError) {
  var t = $('toast');
  t.textContent = text;
  t.className = 'show' + (isError ? ' error' : '');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(function () { t.className = ''; }, isError ? 9000 : 3500);
}
function api(method, path, body) {
  var init = { method: method, headers: { accept: 'application/json' } };
  if (body !== undefined) { init.headers['content-type'] = 'application/json'; init.body = JSON.stringify(body); }
  return fetch(path, init).then(function (r) {
    return r.json().then(function (json) {
      if (!json.ok) {
        var e = json.error || {};
        var err = new Error((e.code ? e.code + ': ' : '') + (e.message || r.statusText) + (e.hint ? '\n' + e.hint : ''));
        throw err;
      }
      return json;
    });
  });
}
function reviewer() { return $('reviewer').value.trim(); }
function levelOf(item) { return item.confidence.level; }
function meter(item) {
  var pct = Math.round(item.confidence.score * 100);
  return '<span class="level-' + esc(levelOf(item)) + '"><span class="meter"><span style="width:' + pct + '%"></span></span> ' +
    pct + '% ' + esc(levelOf(item)) + '</span>';
}
// A rejected item whose node a later run regenerated and applied: its code is not the node's any more.
function supersededNote(item) {
  var by = item.supersededBy;
  return by ? 'superseded: its node was regenerated and applied by ' + (by.runId || 'a later run') + ' (' + by.at + ')' : '';
}
// An approved item whose code the file no longer holds (st3 review list's inFile): reverted, superseded, not checked.
function inFileNote(item) {
  var f = item.inFile;
  if (!f || f.status === 'held') return '';
  if (f.status === 'reverted') return 'reverted since: will be generated again (' + f.why + ')';
  if (f.status === 'superseded') return 'its code is no longer in the file; ' + f.why;
  return 'whether the file still holds its code: not checked (' + f.why + ')';
}
function statusBadge(item) {
  var status = '<span class="badge">' + esc(item.status.replace('_', ' ')) + '</span>';
  if (inFileNote(item))
    return status + ' <span class="badge superseded" title="' + esc(inFileNote(item)) + '">' + esc(item.inFile.status) + '</span>';
  return item.supersededBy
    ? status + ' <span class="badge superseded" title="' + esc(supersededNote(item)) + '">superseded</span>'
    : status;
}
function lines(item) { return item.startLine ? item.startLine + (item.endLine && item.endLine !== item.startLine ? '-' + item.endLine : '') : ''; }

function loadStats() {
  return api('GET', '/api/review/statistics').then(function (r) {
    var s = r.statistics;
    $('stats').textContent = s.total + ' item(s) · ' + s.byStatus.pending + ' pending · ' + s.byStatus.in_review + ' in review · ' +
      'approval rate ' + Math.round(s.approvalRate * 100) + '%';
  });
}
function loadQueue() {
  var q = new URLSearchParams({ status: $('status').value, sort: $('sort').value, q: $('search').value.trim() });
  return api('GET', '/api/review/queue?' + q.toString()).then(function (r) {
    state.items = r.items;
    renderQueue();
  });
}
function renderQueue() {
  var body = $('queue').tBodies[0];
  body.innerHTML = '';
  state.items.forEach(function (item) {
    var tr = el('tr', { 'data-id': item.id });
    if (item.id === state.selected) tr.className = 'selected';
    tr.innerHTML = '<td><b>' + esc(item.id) + '</b></td>' +
      '<td>' + esc(item.file || item.nodeId) + (lines(item) ? '<span class="muted">:' + esc(lines(item)) + '</span>' : '') + '</td>' +
      '<td>' + statusBadge(item) + '</td>' +
      '<td>' + meter(item) + '</td><td>' + item.issues.length + '</td>';
    tr.addEventListener('click', function () { select(item.id); });
    body.appendChild(tr);
  });
  $('empty').hidden = state.items.length > 0;
}
function refresh() {
  return Promise.all([loadQueue(), loadStats()]).then(function () {
    if (state.selected) return showItem(state.selected);
  }).catch(function (e) { toast(e.message, true); });
}
function select(id) {
  state.selected = id;
  renderQueue();
  showItem(id).catch(function (e) { toast(e.message, true); });
}
function act(action, body, done) {
  var id = state.selected;
  var payload = Object.assign({}, body);
  if (reviewer()) payload.reviewer = reviewer();
  document.querySelectorAll('.actions button').forEach(function (b) { b.disabled = true; });
  return api('POST', '/api/review/items/' + encodeURIComponent(id) + '/' + action, payload)
    .then(function (r) { toast(done(r)); return refresh(); })
    .catch(function (e) { toast(e.message, true); return refresh(); });
}
function openDialog(name, prefill) {
  var dlg = $('dlg-' + name);
  var form = dlg.querySelector('form');
  form.reset();
  if (prefill) Object.keys(prefill).forEach(function (k) { form.elements[k].value = prefill[k]; });
  dlg.showModal();
  return new Promise(function (resolve) {
    dlg.addEventListener('close', function onClose() {
      dlg.removeEventListener('close', onClose);
      resolve(dlg.returnValue === 'ok' ? form : null);
    });
  });
}
$('approve').addEventListener('click', function () {
  openDialog('approve').then(function (form) {
    if (!form) return;
    var fb = form.elements.feedback.value.trim();
    act('approve', fb ? { feedback: fb } : {}, function (r) { return r.item.id + ' approved' + (r.item.applied ? ' and written to ' + r.item.file : ''); });
  });
});
$('reject').addEventListener('click', function () {
  openDialog('reject').then(function (form) {
    if (!form) return;
    act('reject', { feedback: form.elements.feedback.value }, function (r) { return r.item.id + ' rejected; the next run regenerates it with your feedback'; });
  });
});
$('edit').addEventListener('click', function () {
  openDialog('edit', { code: state.detail ? state.detail.code : '' }).then(function (form) {
    if (!form) return;
    act('edit', { code: form.elements.code.value }, function (r) { return r.item.id + ' edited, validated and written to ' + r.item.file; });
  });
});
$('regenerate').addEventListener('click', function () {
  openDialog('regenerate').then(function (form) {
    if (!form) return;
    act('regenerate', { feedback: form.elements.feedback.value }, function (r) {
      return r.regenerated ? r.item.id + ' regenerated' : r.item.id + ' sent back; the next run regenerates it';
    });
  });
});
['status', 'sort'].forEach(function (id) { $(id).addEventListener('change', refresh); });
$('search').addEventListener('input', function () { clearTimeout(refresh.timer); refresh.timer = setTimeout(refresh, 150); });
$('reviewer').value = localStorage.getItem('st3-reviewer') || '';
$('reviewer').addEventListener('change', function () { localStorage.setItem('st3-reviewer', reviewer()); });
`;
