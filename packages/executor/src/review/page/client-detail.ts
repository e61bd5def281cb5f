/**
 * The review page's script, part 2: one item — syntax-highlighted code with inline issue markers,
 * fix suggestions, a side-by-side diff against the file, the confidence, the checks and the history.
 */
export const CLIENT_DETAIL_JS = String.raw`
var KEYWORDS = {
  python: 'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield self',
  typescript: 'abstract any as async await boolean break case catch class const continue default delete do else enum export extends false finally for from function if implements import in instanceof interface let new null number private protected public readonly return static string super switch this throw true try type typeof undefined unknown var void while yield',
};
KEYWORDS.javascript = KEYWORDS.typescript;
function highlight(line, language) {
  var words = (KEYWORDS[language] || '').split(' ');
  var comment = language === 'python' ? '#' : '//';
  var out = '';
  var re = /("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\u0060(?:[^\u0060\\]|\\.)*\u0060)|(#.*$|\/\/.*$)|(\b\d+(?:\.\d+)?\b)|([A-Za-z_$][\w$]*)|([\s\S])/g;
  var m;
  while ((m = re.exec(line))) {
    if (m[1]) out += '<span class="tok-str">' + esc(m[1]) + '</span>';
    else if (m[2] && m[2].indexOf(comment) === 0) out += '<span class="tok-com">' + esc(m[2]) + '</span>';
    else if (m[2]) out += esc(m[2]);
    else if (m[3]) out += '<span class="tok-num">' + m[3] + '</span>';
    else if (m[4]) out += words.indexOf(m[4]) >= 0 ? '<span class="tok-kw">' + m[4] + '</span>' : esc(m[4]);
    else out += esc(m[5]);
  }
  return out;
}
function renderCode(item) {
  var byLine = {};
  item.issues.forEach(function (i) { (byLine[i.line] = byLine[i.line] || []).push(i); });
  var first = item.startLine || 1;
  $('code').innerHTML = item.code.replace(/\n$/, '').split('\n').map(function (text, k) {
    var issues = byLine[k + 1] || [];
    var marks = issues.map(function (i) { return '<span class="marker" title="' + esc(i.rule + ': ' + i.message) + '">● ' + esc(i.rule) + '</span>'; }).join('');
    return '<span class="row' + (issues.length ? ' has-issue' : '') + '"><span class="ln">' + (first + k) + '</span>' + highlight(text, item.language) + marks + '</span>';
  }).join('');
  $('issues').innerHTML = item.issues.length === 0 ? '<li class="muted">none</li>' : item.issues.map(function (i) {
    return '<li><b>line ' + i.line + ' · ' + esc(i.rule) + '</b> ' + esc(i.message) + '<div class="muted">' + esc(i.explanation) + '</div>' +
      '<div class="fix"><code class="before">' + esc(i.fix.before) + '</code><code class="after">' + esc(i.fix.after) + '</code></div></li>';
  }).join('');
}
/** Line diff (LCS) of two short texts as side-by-side rows. */
function diffRows(a, b) {
  var x = a === '' ? [] : a.replace(/\n$/, '').split('\n');
  var y = b === '' ? [] : b.replace(/\n$/, '').split('\n');
  var n = x.length, m = y.length, i, j;
  var L = [];
  for (i = 0; i <= n; i++) { L.push(new Array(m + 1).fill(0)); }
  for (i = n - 1; i >= 0; i--) for (j = m - 1; j >= 0; j--) L[i][j] = x[i] === y[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
  var rows = [], dels = [], adds = [];
  function flush() {
    for (var k = 0; k < Math.max(dels.length, adds.length); k++) rows.push({ left: dels[k], right: adds[k], kind: 'change' });
    dels = []; adds = [];
  }
  i = 0; j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) { flush(); rows.push({ left: { n: i + 1, t: x[i] }, right: { n: j + 1, t: y[j] }, kind: 'same' }); i++; j++; }
    else if (j < m && (i >= n || L[i][j + 1] >= L[i + 1][j])) { adds.push({ n: j + 1, t: y[j] }); j++; }
    else { dels.push({ n: i + 1, t: x[i] }); i++; }
  }
  flush();
  return rows;
}
function renderDiff(item) {
  var offset = (item.startLine || 1) - 1;
  var rows = diffRows(item.original || '', item.code);
  var cell = function (c, cls) {
    return c ? '<td class="n">' + (c.n + offset) + '</td><td class="' + cls + '">' + highlight(c.t, item.language) + '</td>' : '<td class="n"></td><td></td>';
  };
  $('diff').innerHTML = '<table class="diff"><colgroup><col class="num"><col><col class="num"><col></colgroup><thead><tr><th colspan="2">In the file</th><th colspan="2">Proposed</th></tr></thead><tbody>' +
    rows.map(function (r) { return '<tr>' + cell(r.left, r.kind === 'same' ? '' : 'del') + cell(r.right, r.kind === 'same' ? '' : 'add') + '</tr>'; }).join('') +
    '</tbody></table>';
}
function renderChecks(item) {
  var c = item.checks || {};
  var out = [];
  // No syntax check (a language ST3 does not parse) is "not measured", never "parses".
  if (item.validation) out.push('syntax: ' + (item.validation.ok ? 'parses' : item.validation.errors.join('; ')));
  else out.push('syntax: not measured (' + (item.file || item.nodeId) + ' is not in a language ST3 parses)');
  (c.notMeasured || []).forEach(function (m) { if (!/^(parse|gate)/.test(m)) out.push('not measured — ' + m); });
  if (c.atomicity) out.push('atomicity: ' + (c.atomicity.ok ? 'ok' : 'not atomic') + ' (score ' + c.atomicity.score + ')');
  (c.gates || []).forEach(function (g) { out.push('gate ' + g.id + ': ' + g.status + (g.violations ? ' (' + g.violations + ')' : '')); });
  // A superseded item's 'applied' is the later run's write, not its own code.
  if (item.supersededBy) out.push(supersededNote(item));
  else if (item.applied) out.push('written to ' + item.file + ' at ' + item.applied.at + (inFileNote(item) ? ' — ' + inFileNote(item) : ''));
  $('checks').innerHTML = out.length ? out.map(function (t) { return '<li>' + esc(t) + '</li>'; }).join('') : '<li class="muted">none recorded</li>';
}
function showItem(id) {
  return api('GET', '/api/review/items/' + encodeURIComponent(id)).then(function (r) {
    var item = r.item;
    state.detail = item;
    $('detail').hidden = false;
    $('title').textContent = item.id + ' · ' + (item.file || item.nodeId) + (lines(item) ? ':' + lines(item) : '');
    $('meta').textContent = 'status ' + item.status.replace('_', ' ') + (item.supersededBy ? ' (' + supersededNote(item) + ')' : inFileNote(item) ? ' (' + inFileNote(item) + ')' : '') + ' · node ' + item.nodeId + (item.reviewer ? ' · reviewer ' + item.reviewer : '') +
      (item.feedback ? ' · feedback: ' + item.feedback : '');
    var c = item.confidence;
    $('confidence').innerHTML = 'Confidence ' + meter(item) + (c.components ? ' <span class="muted">(' +
      Object.keys(c.components).map(function (k) { return k + ' ' + Math.round(c.components[k] * 100) + '%'; }).join(', ') + ')</span>' : '');
    var open = item.status === 'pending' || item.status === 'in_review';
    ['approve', 'reject', 'edit'].forEach(function (b) { $(b).disabled = !open; });
    // A regeneration that gave no new code leaves the item needs regeneration: it may be tried again.
    $('regenerate').disabled = !open && !(item.status === 'needs_regeneration' && !item.supersededBy);
    renderCode(item);
    renderDiff(item);
    renderChecks(item);
    $('history').innerHTML = item.history.map(function (h) {
      return '<li>' + esc(h.at.replace('T', ' ').slice(0, 19)) + ' ' + esc(h.action) + ' → ' + esc(h.to.replace('_', ' ')) + (h.by ? ' by ' + esc(h.by) : '') +
        (h.feedback ? ': ' + esc(h.feedback) : '') + '</li>';
    }).join('');
  });
}
refresh().then(function () { if (!state.selected && state.items.length) select(state.items[0].id); });
`;
