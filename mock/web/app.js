// standin dashboard: plain JavaScript over the admin API, no framework, nothing loaded from elsewhere.
// Every value that came from a client or a document is put in the page as text (textContent), never as HTML.
'use strict';

const BASE = '/__standin/';
const MAX_ROWS = 1000;
const TOKEN_KEY = 'standin-admin-token';

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

// h builds an element: h('td', {class: 'num', onclick: f}, 'text', child, ...).
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat()) {
    if (kid === undefined || kid === null || kid === false) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}

const app = {
  catalog: [],          // GET ui/catalog
  session: 'default',   // the session the faults, state and coverage panels work on
  panel: 'apis',
  entries: [],          // journal entries, oldest first, at most MAX_ROWS
  seen: new Set(),      // "session/seq" of the entries received
  hiddenBelow: {},      // session -> seq: entries up to it were cleared from the view
  paused: false,
  pending: 0,           // entries received while paused
  selected: null,       // key of the entry shown in the detail
  record: null,         // {api, coll, key} being edited, key null for a new record
};

// ---------- admin API calls, with the admin token when the server asks for one ----------

let token = sessionStorage.getItem(TOKEN_KEY) || '';
let asking = null;

function askToken() {
  if (asking) return asking;
  const dlg = $('#token-dialog');
  asking = new Promise((resolve) => {
    $('#token-input').value = '';
    dlg.addEventListener('close', () => {
      asking = null;
      const v = $('#token-input').value.trim();
      if (dlg.returnValue === 'ok' && v) {
        token = v;
        sessionStorage.setItem(TOKEN_KEY, v);
        resolve(true);
      } else {
        resolve(false);
      }
    }, { once: true });
    dlg.showModal();
  });
  return asking;
}

function authHeaders(extra) {
  const headers = Object.assign({ Accept: 'application/json' }, extra || {});
  if (token) headers.Authorization = 'Bearer ' + token;
  return headers;
}

class APIError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

// api calls the admin API: writes always send JSON with Content-Type application/json.
async function api(method, path, body) {
  for (let attempt = 0; ; attempt++) {
    const init = { method, cache: 'no-store', headers: authHeaders() };
    if (method !== 'GET') {
      init.headers['Content-Type'] = 'application/json';
      if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await fetch(BASE + path, init);
    if (res.status === 401 && attempt === 0 && await askToken()) continue;
    const text = await res.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
    if (!res.ok) throw new APIError(res.status, (data && data.error) || text || res.statusText);
    return data;
  }
}

const q = (params) => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v !== undefined && v !== null) u.set(k, v);
  const s = u.toString();
  return s ? '?' + s : '';
};
const sessionQ = (extra) => q(Object.assign({ session: app.session }, extra || {}));

// rerender replaces the rows of a table body and puts the keyboard focus back where it was: on the same
// row (by its data-key or data-rule) and the same control in it, so a refresh never throws a keyboard user out.
function rerender(tbody, rows) {
  const active = document.activeElement;
  let key = null;
  let index = -1;
  if (active && tbody.contains(active)) {
    const row = active.closest('tr');
    key = row && (row.dataset.key || row.dataset.rule);
    index = row ? [row, ...row.querySelectorAll('button, a, input, select')].indexOf(active) : -1;
  }
  tbody.replaceChildren(...rows);
  if (key === null) return;
  const row = [...tbody.rows].find((r) => (r.dataset.key || r.dataset.rule) === key);
  if (!row) return;
  const target = [row, ...row.querySelectorAll('button, a, input, select')][index];
  if (target) target.focus();
}

function say(el, text, isError) {
  el.textContent = text;
  el.classList.toggle('error', !!isError);
}

// ---------- tabs and keyboard ----------

const PANELS = ['apis', 'traffic', 'faults', 'state', 'coverage'];

function show(panel, focus) {
  app.panel = panel;
  for (const p of PANELS) {
    const tab = $('#tab-' + p);
    const on = p === panel;
    tab.setAttribute('aria-selected', on);
    tab.tabIndex = on ? 0 : -1;
    $('#panel-' + p).hidden = !on;
  }
  if (focus) $('#tab-' + panel).focus();
  history.replaceState(null, '', '#' + panel); // a reload, or a link, opens the same panel
  if (panel === 'traffic') { $('#traffic-badge').textContent = ''; }
  refresh(panel);
}

function refresh(panel) {
  const run = { faults: loadFaults, state: loadState, coverage: loadCoverage }[panel];
  if (run) run().catch(reportError);
}

function reportError(err) {
  const where = { faults: '#fault-msg', state: '#state-msg' }[app.panel];
  if (where) say($(where), String(err.message || err), true);
  else console.error(err);
}

$('#tabs').addEventListener('keydown', (ev) => {
  const i = PANELS.indexOf(app.panel);
  if (ev.key === 'ArrowRight') show(PANELS[(i + 1) % PANELS.length], true);
  else if (ev.key === 'ArrowLeft') show(PANELS[(i + PANELS.length - 1) % PANELS.length], true);
  else if (ev.key === 'Home') show(PANELS[0], true);
  else if (ev.key === 'End') show(PANELS[PANELS.length - 1], true);
  else return;
  ev.preventDefault();
});
for (const p of PANELS) $('#tab-' + p).addEventListener('click', () => show(p));

document.addEventListener('keydown', (ev) => {
  const t = ev.target;
  if (ev.ctrlKey || ev.metaKey || ev.altKey || $('#token-dialog').open) return;
  if (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement) {
    if (ev.key === 'Escape') t.blur();
    return;
  }
  const n = Number(ev.key);
  if (n >= 1 && n <= PANELS.length) { show(PANELS[n - 1], true); ev.preventDefault(); }
  else if (ev.key === '/') { show('traffic'); $('#f-text').focus(); ev.preventDefault(); }
  else if (ev.key === 'p' && app.panel === 'traffic') { togglePause(); ev.preventDefault(); }
});

// ---------- session selector ----------

function setSession(name) {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) return;
  app.session = name;
  for (const el of $$('.cur-session')) el.textContent = name;
  $('#cov-json').href = BASE + 'coverage' + q({ session: name });
  refresh(app.panel);
}
$('#session').addEventListener('change', (ev) => setSession(ev.target.value.trim()));

async function loadSessions() {
  const list = await api('GET', 'sessions');
  const names = list.map((s) => s.name);
  const dl = $('#session-list');
  dl.replaceChildren(...names.map((n) => h('option', { value: n })));
  const fs = $('#f-session');
  const cur = fs.value;
  fs.replaceChildren(h('option', { value: '' }, 'any'), ...names.map((n) => h('option', { value: n }, n)));
  fs.value = names.includes(cur) ? cur : '';
  return list;
}

// ---------- APIs ----------

function shellQuote(s) { return "'" + String(s).replace(/'/g, "'\\''") + "'"; }

function curlOf(ex) {
  let url = ex.url;
  if (url.startsWith('/')) url = location.origin + url;
  const parts = ['curl -s'];
  if (ex.method !== 'GET') parts.push('-X ' + ex.method);
  parts.push(shellQuote(url));
  for (const [k, v] of ex.headers) parts.push('-H ' + shellQuote(k + ': ' + v));
  if (ex.body !== undefined) parts.push('-d ' + shellQuote(JSON.stringify(ex.body)));
  return parts.join(' ');
}

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = 'Copied';
  } catch (e) {
    button.textContent = 'Select and copy';
  }
  setTimeout(() => { button.textContent = 'Copy'; }, 1500);
}

function renderAPIs() {
  const cards = app.catalog.map((a) => {
    const base = a.baseUrl.startsWith('/') ? location.origin + a.baseUrl : a.baseUrl;
    const rows = a.operations.map((op) => {
      const curl = curlOf(op.example);
      const btn = h('button', { type: 'button', class: 'small', 'aria-label': 'Copy the curl line of ' + op.operationId }, 'Copy');
      btn.addEventListener('click', () => copy(curl, btn));
      return h('tr', {},
        h('td', {}, h('span', { class: 'method' }, op.method), ' ', h('span', { class: 'path mono' }, op.path),
          h('div', { class: 'muted' }, op.operationId, op.summary ? ' — ' + op.summary : ''),
          h('div', { class: 'curl' }, h('code', {}, curl), btn)),
        h('td', { class: 'mono' }, op.statuses.join(' ')));
    });
    return h('article', { class: 'card api', 'data-api': a.name },
      h('header', {}, h('h3', {}, a.name, ' ', h('span', { class: 'muted' }, a.title + ' ' + a.version)),
        h('code', { class: 'base' }, base)),
      h('table', { class: 'grid ops' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Operation and a request to try'), h('th', {}, 'Documented statuses'))),
        h('tbody', {}, rows)));
  });
  $('#apis').replaceChildren(...cards);
}

function opsOf(apiName) {
  const a = app.catalog.find((x) => x.name === apiName);
  return a ? a.operations : [];
}

// ---------- live traffic ----------

const keyOf = (e) => e.session + '/' + e.seq;
const statusClass = (s) => 's' + String(s || 0)[0];

function filters() {
  return {
    api: $('#f-api').value, op: $('#f-op').value, session: $('#f-session').value,
    status: $('#f-status').value.trim().toLowerCase(), text: $('#f-text').value.trim().toLowerCase(),
  };
}

function matches(e, f) {
  if (f.api && e.api !== f.api) return false;
  if (f.op && e.operation !== f.op) return false;
  if (f.session && e.session !== f.session) return false;
  if (f.status) {
    const s = String(e.status);
    const ok = f.status.split(/[\s,]+/).filter(Boolean).some((p) =>
      /^[1-5]xx$/.test(p) ? s[0] === p[0] : s === p);
    if (!ok) return false;
  }
  if (f.text) {
    const hay = [e.method, e.path, e.query, e.operation, e.answeredBy, e.faultRule, e.session,
      JSON.stringify(e.request.body || ''), JSON.stringify(e.response.body || '')].join(' ').toLowerCase();
    if (!hay.includes(f.text)) return false;
  }
  return true;
}

function rowOf(e) {
  const time = new Date(e.time);
  const target = e.path + (e.query ? '?' + e.query : '');
  const tr = h('tr', { tabindex: '0', 'data-key': keyOf(e), 'aria-selected': keyOf(e) === app.selected ? 'true' : 'false' },
    h('td', { class: 'mono' }, time.toLocaleTimeString([], { hour12: false }) + '.' + String(time.getMilliseconds()).padStart(3, '0')),
    h('td', { class: 'status ' + statusClass(e.status) }, e.status || 'dropped'),
    h('td', { class: 'method' }, e.method),
    h('td', { class: 'path mono', title: target }, target),
    h('td', { class: 'op' }, e.api + ' · ' + (e.operation || '—')),
    h('td', {}, e.answeredBy),
    h('td', {}, e.faultRule || ''),
    h('td', { class: 'c-session' }, e.session),
    h('td', { class: 'num c-ms' }, e.latencyMs.toFixed(1)));
  tr.addEventListener('click', () => select(e));
  tr.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' || ev.key === ' ') { select(e); ev.preventDefault(); }
    else if (ev.key === 'ArrowDown' && tr.nextElementSibling) { tr.nextElementSibling.focus(); ev.preventDefault(); }
    else if (ev.key === 'ArrowUp' && tr.previousElementSibling) { tr.previousElementSibling.focus(); ev.preventDefault(); }
    else if (ev.key === 'Escape') { $('#f-text').focus(); }
  });
  return tr;
}

function visible(e) {
  const below = app.hiddenBelow[e.session];
  return !(below && e.seq <= below);
}

function renderTraffic() {
  const f = filters();
  const rows = [];
  for (let i = app.entries.length - 1; i >= 0; i--) {
    const e = app.entries[i];
    if (visible(e) && matches(e, f)) rows.push(rowOf(e));
  }
  $('#traffic tbody').replaceChildren(...rows);
  const shown = rows.length;
  $('#traffic-count').textContent = shown + ' shown' + (app.paused ? ' · paused, ' + app.pending + ' new' : '');
}

function addEntry(e) {
  const k = keyOf(e);
  if (app.seen.has(k)) return;
  app.seen.add(k);
  app.entries.push(e);
  const fs = $('#f-session');
  if (![...fs.options].some((o) => o.value === e.session)) fs.append(h('option', { value: e.session }, e.session));
  if (app.entries.length > MAX_ROWS) app.seen.delete(keyOf(app.entries.shift()));
  if (app.panel !== 'traffic') {
    const b = $('#traffic-badge');
    b.textContent = String(Number(b.textContent || 0) + 1);
  }
  if (app.paused) { app.pending++; $('#traffic-count').textContent = 'paused, ' + app.pending + ' new'; return; }
  if (visible(e) && matches(e, filters())) {
    const body = $('#traffic tbody');
    body.prepend(rowOf(e));
    while (body.rows.length > MAX_ROWS) body.lastElementChild.remove();
    $('#traffic-count').textContent = body.rows.length + ' shown';
  }
}

function togglePause() {
  app.paused = !app.paused;
  $('#pause').setAttribute('aria-pressed', app.paused);
  $('#pause').textContent = app.paused ? 'Resume' : 'Pause';
  if (!app.paused) { app.pending = 0; renderTraffic(); } else renderTraffic();
}
$('#pause').addEventListener('click', togglePause);
$('#clear').addEventListener('click', () => {
  for (const e of app.entries) app.hiddenBelow[e.session] = Math.max(app.hiddenBelow[e.session] || 0, e.seq);
  app.entries = [];
  app.selected = null;
  renderTraffic();
  $('#detail').replaceChildren(h('p', { class: 'muted' }, 'Cleared. New requests appear as they come.'));
});
for (const id of ['#f-api', '#f-op', '#f-session', '#f-status', '#f-text']) {
  $(id).addEventListener('input', () => {
    if (id === '#f-api') fillOps($('#f-op'), $('#f-api').value, 'any');
    renderTraffic();
  });
}
$('#traffic-filter').addEventListener('submit', (ev) => ev.preventDefault());

// reasonOf says why an answer was what it was, from what the journal kept.
function reasonOf(e) {
  const rh = e.response.headers || {};
  const body = e.response.body;
  const out = [];
  if (e.faultRule) out.push('fault rule ' + e.faultRule + ' fired');
  if (rh['X-Standin-Mutation']) out.push('negative mock: ' + rh['X-Standin-Mutation']);
  if (rh['X-Standin-Reason']) out.push(rh['X-Standin-Reason']);
  if (body && typeof body === 'object') {
    if (rh['X-Standin-Error'] && body.error) out.push(body.error);
    else if (['validation', 'security', 'behaviour', 'route'].includes(e.answeredBy) && e.status >= 400) {
      const msg = body.message || body.error || body.code;
      if (msg !== undefined) out.push(String(msg));
      if (Array.isArray(body.errors)) {
        for (const it of body.errors.slice(0, 10)) {
          const path = Array.isArray(it.path) ? it.path.join('.') : (it.path || '');
          out.push((path ? path + ': ' : '') + (it.message || JSON.stringify(it)) +
            (it.expected ? ' (expected ' + it.expected + ', received ' + it.received + ')' : ''));
        }
      }
    }
  }
  if (e.status === 499) out.push('the client hung up before the answer');
  if (!e.status) out.push('the connection was dropped');
  return out;
}

function headersTable(hdrs) {
  const keys = Object.keys(hdrs || {}).sort();
  if (!keys.length) return h('p', { class: 'muted' }, 'no headers');
  return h('table', { class: 'grid' }, h('tbody', {}, keys.map((k) =>
    h('tr', {}, h('th', { scope: 'row' }, k), h('td', { class: 'mono' }, hdrs[k])))));
}

function bodyBlock(msg) {
  if (msg.body === undefined || msg.body === null) return h('p', { class: 'muted' }, 'no body');
  const text = typeof msg.body === 'string' ? msg.body : JSON.stringify(msg.body, null, 2);
  return h('pre', {}, text + (msg.truncated ? '\n… (truncated at 4 KiB)' : ''));
}

function select(e) {
  app.selected = keyOf(e);
  for (const tr of $$('#traffic tbody tr')) tr.setAttribute('aria-selected', tr.dataset.key === app.selected);
  const reasons = reasonOf(e);
  $('#detail').replaceChildren(
    h('h3', {}, e.method + ' ' + e.path + (e.query ? '?' + e.query : '')),
    h('dl', {},
      h('dt', {}, 'Status'), h('dd', { class: 'status ' + statusClass(e.status) }, e.status || 'dropped'),
      h('dt', {}, 'Answered by'), h('dd', { id: 'detail-stage' }, e.answeredBy),
      h('dt', {}, 'Fault rule'), h('dd', {}, e.faultRule || '—'),
      h('dt', {}, 'Operation'), h('dd', {}, e.api + ' · ' + (e.operation || 'no operation matched')),
      h('dt', {}, 'Session'), h('dd', {}, e.session + ' #' + e.seq),
      h('dt', {}, 'Time'), h('dd', {}, new Date(e.time).toISOString() + ' · ' + e.latencyMs + ' ms')),
    reasons.length ? h('div', { class: 'reason', id: 'detail-reason' }, reasons.map((r) => h('div', {}, r))) : null,
    h('h3', {}, 'Request headers (credentials masked)'), headersTable(e.request.headers),
    h('h3', {}, 'Request body'), bodyBlock(e.request),
    h('h3', {}, 'Response headers'), headersTable(e.response.headers),
    h('h3', {}, 'Response body'), bodyBlock(e.response));
}

// The journal stream is read with fetch so that it can carry the admin token in a header.
function setConn(text, cls) {
  const el = $('#conn');
  el.textContent = text;
  el.className = 'conn ' + (cls || '');
}

let refreshTimer = null;
function afterTraffic() {
  // Counters, coverage and records change with traffic: refresh the open panel, at most twice a second.
  if (refreshTimer || !['faults', 'coverage', 'state'].includes(app.panel)) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    if (app.panel === 'state' && app.record) return loadSessions().catch(() => {});
    if (app.panel === 'faults') return loadRules().catch(reportError); // counters; scenarios change only by a click
    refresh(app.panel);
  }, 500);
}

function handleEvent(block) {
  let event = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  if (!data.length) return;
  if (event === 'entry') {
    addEntry(JSON.parse(data.join('\n')));
    afterTraffic();
  } else if (event === 'dropped') {
    const n = JSON.parse(data.join('\n')).dropped;
    $('#traffic-count').textContent = n + ' entries were missed (the page fell behind)';
  }
}

async function stream() {
  for (let wait = 1000; ; wait = Math.min(wait * 2, 15000)) {
    try {
      const res = await fetch(BASE + 'journal/stream?backlog=200', { headers: authHeaders({ Accept: 'text/event-stream' }), cache: 'no-store' });
      if (res.status === 401) {
        if (!await askToken()) { setConn('admin token needed', 'down'); return; }
        continue;
      }
      if (!res.ok || !res.body) throw new Error('HTTP ' + res.status);
      setConn('live', 'live');
      wait = 1000;
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value.replace(/\r\n?/g, '\n');
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          try { handleEvent(block); } catch (err) { console.error(err); }
        }
      }
      setConn('reconnecting…', 'down');
    } catch (err) {
      setConn('offline: ' + err.message, 'down');
    }
    await new Promise((r) => setTimeout(r, wait));
  }
}

// ---------- faults and scenarios ----------

function fillOps(select, apiName, anyLabel) {
  const cur = select.value;
  const ops = apiName ? opsOf(apiName) : app.catalog.flatMap((a) => a.operations);
  select.replaceChildren(h('option', { value: '' }, anyLabel),
    ...ops.map((op) => h('option', { value: op.operationId }, op.operationId + ' (' + op.method + ' ' + op.path + ')')));
  if (ops.some((op) => op.operationId === cur)) select.value = cur;
}

function fillStatuses() {
  const op = ($('#ff-api').value ? opsOf($('#ff-api').value) : app.catalog.flatMap((a) => a.operations))
    .find((o) => o.operationId === $('#ff-op').value);
  const ops = $('#ff-api').value ? opsOf($('#ff-api').value) : app.catalog.flatMap((a) => a.operations);
  const statuses = op ? op.statuses : [...new Set(ops.flatMap((o) => o.statuses))].sort((x, y) => x - y);
  const sel = $('#ff-status');
  const cur = sel.value;
  sel.replaceChildren(h('option', { value: '' }, 'no status'),
    ...statuses.map((s) => h('option', { value: String(s) }, String(s) + (op ? '' : ' (where documented)'))));
  if (statuses.map(String).includes(cur)) sel.value = cur;
  previewRule();
}

function ruleFromForm() {
  const rule = {};
  const api = $('#ff-api').value; if (api) rule.api = api;
  const op = $('#ff-op').value; if (op) rule.op = op;
  const st = $('#ff-status').value; if (st) rule.status = Number(st);
  const lat = $('#ff-latency').value.trim(); if (lat) rule.latency = lat;
  if ($('#ff-drop').checked) rule.drop = true;
  const p = $('#ff-p').value.trim(); if (p) rule.p = p;
  const times = $('#ff-times').value.trim(); if (times) rule.times = Number(times);
  const id = $('#ff-id').value.trim(); if (id) rule.id = id;
  return rule;
}

function previewRule() {
  $('#ff-preview').textContent = JSON.stringify(ruleFromForm());
}

$('#ff-api').addEventListener('change', () => { fillOps($('#ff-op'), $('#ff-api').value, 'any operation'); fillStatuses(); });
$('#ff-op').addEventListener('change', fillStatuses);
$('#fault-form').addEventListener('input', previewRule);
$('#fault-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const rule = ruleFromForm();
  const scope = $('input[name=scope]:checked').value;
  try {
    const res = await api('POST', 'faults' + (scope === 'session' ? sessionQ() : ''), rule);
    say($('#fault-msg'), 'Added rule ' + res.ids.join(', ') + (scope === 'session' ? ' in session ' + app.session : ' in every session'));
    await loadFaults();
  } catch (err) {
    say($('#fault-msg'), 'Not added: ' + err.message, true);
  }
});

async function loadFaults() {
  await Promise.all([loadRules(), loadScenarios()]);
}

async function loadRules() {
  const rules = await api('GET', 'faults' + sessionQ());
  const rows = rules.rules.map((r) => {
    const del = h('button', { type: 'button', class: 'small danger', 'aria-label': 'Remove rule ' + r.id }, 'Remove');
    del.addEventListener('click', async () => {
      try {
        await api('DELETE', 'faults/' + encodeURIComponent(r.id) + (r.scope === 'session' ? sessionQ() : ''));
        say($('#fault-msg'), 'Removed rule ' + r.id);
        await loadFaults();
      } catch (err) { say($('#fault-msg'), err.message, true); }
    });
    return h('tr', { 'data-rule': r.id },
      h('td', { class: 'mono' }, r.id), h('td', {}, r.scope + (r.scenario ? ' · ' + r.scenario : '')),
      h('td', { class: 'mono' }, r.rule), h('td', { class: 'num' }, r.matched), h('td', { class: 'num fired' }, r.fired),
      h('td', {}, r.exhausted ? 'spent' : 'active'), h('td', {}, del));
  });
  rerender($('#rules tbody'), rows.length ? rows : [h('tr', {}, h('td', { colspan: 7, class: 'muted' }, 'No rule in force: the mock answers normally.'))]);
}

let scenarioDetails = null; // GET ui/scenarios, read once: scenario files do not change while the server runs

async function loadScenarios() {
  const [scen, details] = await Promise.all([api('GET', 'scenarios'), scenarioDetails || api('GET', 'ui/scenarios')]);
  scenarioDetails = details;
  const byName = new Map(details.map((d) => [d.name, d]));
  const cards = scen.scenarios.map((sc) => {
    const d = byName.get(sc.name) || { expect: [], state: [] };
    const [summary, ...more] = (sc.description || '').trim().split('\n');
    const here = sc.activeIn.includes(app.session);
    const global = sc.activeIn.includes('global');
    const act = h('button', { type: 'button', 'data-activate': sc.name }, 'Activate in ' + app.session);
    act.addEventListener('click', () => scenario('POST', sc.name, true));
    const actAll = h('button', { type: 'button' }, 'Activate everywhere');
    actAll.addEventListener('click', () => scenario('POST', sc.name, false));
    const off = h('button', { type: 'button', 'data-deactivate': sc.name, disabled: !here }, 'Deactivate in ' + app.session);
    off.addEventListener('click', () => scenario('DELETE', sc.name, true));
    const offAll = h('button', { type: 'button', disabled: !global }, 'Deactivate everywhere');
    offAll.addEventListener('click', () => scenario('DELETE', sc.name, false));
    return h('article', { class: 'card scenario', 'data-scenario': sc.name },
      h('header', {}, h('h3', {}, sc.name),
        h('span', { class: sc.activeIn.length ? 'active' : 'muted' },
          sc.activeIn.length ? 'active in ' + sc.activeIn.join(', ') : 'inactive')),
      h('p', {}, summary), more.length ? h('p', { class: 'muted' }, more.join(' ')) : null,
      h('div', {}, 'Rules:'), h('ul', {}, sc.rules.map((r) => h('li', { class: 'mono' }, r))),
      d.state.length ? h('div', {}, 'State it puts in place: ' +
        d.state.map((st) => st.records + ' record(s) in ' + st.api + '/' + st.collection).join(', ')) : null,
      h('div', {}, 'Expectations' + (d.expect.length ? ' (what ' : ': none'),
        d.expect.length ? h('code', {}, 'standin scenario run ' + sc.name + ' --target ' + location.origin) : null,
        d.expect.length ? ' checks):' : ''),
      d.expect.length ? h('ol', { class: 'expect' }, d.expect.map((x) =>
        h('li', { class: 'mono' }, x.method + ' /' + x.api + x.path + ' → ' + x.status +
          (x.repeat > 1 ? ' ×' + x.repeat : '') + (x.mayDrop ? ' (or a dropped connection)' : '')))) : null,
      h('div', { class: 'actions' }, act, off, actAll, offAll));
  });
  $('#scenarios').replaceChildren(...cards);
}

async function scenario(method, name, inSession) {
  try {
    await api(method, 'scenarios/' + encodeURIComponent(name) + (inSession ? sessionQ() : ''));
    say($('#fault-msg'), (method === 'POST' ? 'Activated ' : 'Deactivated ') + name + (inSession ? ' in session ' + app.session : ' everywhere'));
    await loadFaults();
  } catch (err) { say($('#fault-msg'), err.message, true); }
}

$('#rules-clear').addEventListener('click', async () => {
  try {
    const res = await api('DELETE', 'faults' + sessionQ());
    say($('#fault-msg'), 'Removed ' + res.removed + ' rule(s) of session ' + app.session);
    await loadFaults();
  } catch (err) { say($('#fault-msg'), err.message, true); }
});

// ---------- state ----------

function collections() {
  return app.catalog.flatMap((a) => a.collections.map((c) => Object.assign({ api: a.name }, c)));
}

async function loadState() {
  const [sessions, snaps] = await Promise.all([loadSessions(), api('GET', 'snapshots?all=true')]);
  $('#sessions tbody').replaceChildren(...sessions.map((s) => {
    const total = Object.values(s.records).reduce((a, b) => a + b, 0);
    const reset = h('button', { type: 'button', class: 'small' }, 'Reset');
    reset.addEventListener('click', () => stateAction('POST', 'reset' + q({ session: s.name }), 'Session ' + s.name + ' is back to the seeded state'));
    const use = h('button', { type: 'button', class: 'small' }, 'Work on it');
    use.addEventListener('click', () => { $('#session').value = s.name; setSession(s.name); });
    return h('tr', {}, h('td', {}, s.name, s.name === app.session ? ' (current)' : ''), h('td', { class: 'num' }, total), h('td', {}, reset, ' ', use));
  }));
  $('#snapshots tbody').replaceChildren(...(snaps.length ? snaps.map((s) => {
    const restore = h('button', { type: 'button', class: 'small' }, 'Restore into ' + app.session);
    restore.addEventListener('click', () => stateAction('POST', 'snapshots/' + encodeURIComponent(s.name) + '/restore' + (s.session === app.session ? sessionQ() : q({ all: 'true', into: app.session })), 'Restored ' + s.name + ' into session ' + app.session));
    const del = h('button', { type: 'button', class: 'small danger' }, 'Delete');
    del.addEventListener('click', () => stateAction('DELETE', 'snapshots/' + encodeURIComponent(s.name) + q({ all: 'true' }), 'Deleted snapshot ' + s.name));
    return h('tr', {}, h('td', {}, s.name), h('td', {}, s.session), h('td', {}, new Date(s.savedAt).toLocaleString()), h('td', {}, restore, ' ', del));
  }) : [h('tr', {}, h('td', { colspan: 4, class: 'muted' }, 'No snapshot yet.'))]));

  const sel = $('#coll');
  if (!sel.options.length) {
    sel.replaceChildren(...collections().map((c) => h('option', { value: c.api + '/' + c.name }, c.api + ' / ' + c.name)));
  }
  await loadRecords();
}

async function stateAction(method, path, done) {
  try {
    await api(method, path);
    say($('#state-msg'), done);
    await loadState();
  } catch (err) { say($('#state-msg'), err.message, true); }
}

$('#reset-all').addEventListener('click', () => stateAction('POST', 'reset', 'Every session is back to the seeded state'));
$('#snap-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const name = $('#snap-name').value.trim();
  stateAction('POST', 'snapshots/' + encodeURIComponent(name) + sessionQ(), 'Saved session ' + app.session + ' as ' + name);
});

function currentCollection() {
  const [apiName, coll] = $('#coll').value.split('/');
  return collections().find((c) => c.api === apiName && c.name === coll);
}

async function loadRecords() {
  const c = currentCollection();
  if (!c) return;
  const recs = await api('GET', 'state/' + encodeURIComponent(c.api) + '/' + encodeURIComponent(c.name) + sessionQ());
  rerender($('#records tbody'), recs.length ? recs.map((r) => {
    const key = String(r[c.key]);
    const tr = h('tr', { tabindex: '0', 'data-key': key }, h('td', { class: 'mono' }, key),
      h('td', { class: 'mono muted' }, JSON.stringify(r).slice(0, 140)));
    const open = () => editRecord(c, key, r);
    tr.addEventListener('click', open);
    tr.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') { open(); ev.preventDefault(); }
      else if (ev.key === 'ArrowDown' && tr.nextElementSibling) { tr.nextElementSibling.focus(); ev.preventDefault(); }
      else if (ev.key === 'ArrowUp' && tr.previousElementSibling) { tr.previousElementSibling.focus(); ev.preventDefault(); }
    });
    return tr;
  }) : [h('tr', {}, h('td', { colspan: 2, class: 'muted' }, 'No record in this collection.'))]);
}

function editRecord(c, key, record) {
  app.record = { api: c.api, coll: c.name, key, keyField: c.key };
  $('#rec-form').hidden = false;
  $('#rec-title').textContent = key === null ? '(new) in ' + c.api + '/' + c.name : c.api + '/' + c.name + '/' + key;
  $('#rec-schema').textContent = 'schema ' + (c.schema || c.name) + (c.required.length ? ' (required: ' + c.required.join(', ') + ')' : '');
  $('#rec-json').value = JSON.stringify(record, null, 2);
  $('#rec-delete').disabled = key === null;
  say($('#rec-msg'), '');
  $('#rec-json').focus();
}

$('#coll').addEventListener('change', () => { $('#rec-form').hidden = true; app.record = null; loadRecords().catch(reportError); });
$('#rec-new').addEventListener('click', () => {
  const c = currentCollection();
  if (!c) return;
  const tpl = {};
  for (const f of [c.key, ...c.required]) tpl[f] = null;
  editRecord(c, null, tpl);
});
$('#rec-cancel').addEventListener('click', () => { $('#rec-form').hidden = true; app.record = null; });
$('#rec-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const r = app.record;
  let value;
  try {
    value = JSON.parse($('#rec-json').value);
  } catch (err) {
    say($('#rec-msg'), 'Not saved: this is not JSON: ' + err.message, true);
    return;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    say($('#rec-msg'), 'Not saved: a record is a JSON object', true);
    return;
  }
  const key = r.key !== null ? r.key : (value[r.keyField] === null || value[r.keyField] === undefined ? '' : String(value[r.keyField]));
  if (!key) { say($('#rec-msg'), 'Not saved: the record needs its key field "' + r.keyField + '"', true); return; }
  try {
    const stored = await api('PUT', 'state/' + encodeURIComponent(r.api) + '/' + encodeURIComponent(r.coll) + '/' + encodeURIComponent(key) + sessionQ(), value);
    r.key = key;
    $('#rec-json').value = JSON.stringify(stored, null, 2);
    $('#rec-delete').disabled = false;
    say($('#rec-msg'), 'Saved: it matches the schema and is stored in session ' + app.session);
    await loadRecords();
  } catch (err) {
    say($('#rec-msg'), 'Not saved (' + err.status + '): ' + err.message, true);
  }
});
$('#rec-delete').addEventListener('click', async () => {
  const r = app.record;
  try {
    await api('DELETE', 'state/' + encodeURIComponent(r.api) + '/' + encodeURIComponent(r.coll) + '/' + encodeURIComponent(r.key) + sessionQ());
    $('#rec-form').hidden = true;
    app.record = null;
    say($('#state-msg'), 'Deleted ' + r.api + '/' + r.coll + '/' + r.key);
    await loadRecords();
  } catch (err) { say($('#rec-msg'), err.message, true); }
});

// ---------- coverage ----------

async function loadCoverage() {
  const cov = await api('GET', 'coverage' + sessionQ());
  $('#cov-summary').textContent = 'Session ' + cov.session + ': ' + cov.covered + ' of ' + cov.documented +
    ' documented statuses received' + (cov.since ? ' since ' + new Date(cov.since).toLocaleTimeString() : '') + '.';
  const tables = cov.apis.map((a) => {
    const statuses = [...new Set(a.operations.flatMap((o) => o.statuses.map((s) => s.status)))].sort((x, y) => x - y);
    const rows = a.operations.map((o) => {
      const byStatus = new Map(o.statuses.map((s) => [s.status, s.count]));
      return h('tr', {},
        h('th', { scope: 'row' }, o.operation, h('div', { class: 'muted mono' }, o.method + ' ' + o.path)),
        statuses.map((s) => {
          if (!byStatus.has(s)) return h('td', { class: 'cell na', title: s + ' is not documented for ' + o.operation });
          const n = byStatus.get(s);
          return h('td', {
            class: 'cell ' + (n ? 'on' : 'off'), 'data-cell': a.api + '/' + o.operation + '/' + s,
            'aria-label': o.operation + ' ' + s + (n ? ' received ' + n + ' times' : ' never received'),
          }, n ? '✓ ' + n : '·');
        }),
        h('td', { class: 'num' }, o.covered + '/' + o.documented),
        h('td', { class: 'extra mono' }, (o.undocumented || []).map((u) => u.status + '×' + u.count).join(' ')));
    });
    return h('section', { class: 'card cov', 'data-api': a.api },
      h('h3', {}, a.api + ' — ' + a.covered + '/' + a.documented + (a.unmatched ? ' · ' + a.unmatched + ' requests matched no operation' : '')),
      h('table', { class: 'grid' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Operation'), statuses.map((s) => h('th', { class: 'num' }, String(s))),
          h('th', { class: 'num' }, 'Covered'), h('th', {}, 'Undocumented received'))),
        h('tbody', {}, rows)));
  });
  $('#coverage').replaceChildren(...tables);
}

$('#cov-reset').addEventListener('click', async () => {
  try { await api('DELETE', 'coverage' + sessionQ()); await loadCoverage(); } catch (err) { reportError(err); }
});

// ---------- start ----------

async function start() {
  try {
    app.catalog = await api('GET', 'ui/catalog');
  } catch (err) {
    $('#apis').replaceChildren(h('p', { class: 'msg error' }, 'Cannot read the served APIs: ' + err.message));
    return;
  }
  renderAPIs();
  const apiOpts = app.catalog.map((a) => h('option', { value: a.name }, a.name));
  $('#f-api').append(...apiOpts.map((o) => o.cloneNode(true)));
  $('#ff-api').replaceChildren(h('option', { value: '' }, 'any API'), ...apiOpts);
  fillOps($('#f-op'), '', 'any');
  fillOps($('#ff-op'), $('#ff-api').value, 'any operation');
  fillStatuses();
  loadSessions().catch(() => {});
  const hash = location.hash.slice(1);
  show(PANELS.includes(hash) ? hash : 'apis');
  stream();
  document.body.dataset.ready = 'true';
}

start();
