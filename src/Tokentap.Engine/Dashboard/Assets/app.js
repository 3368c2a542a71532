// Tokentap dashboard: reads the filters from the address, draws the overview, the spend chart (own SVG), the live
// feed (server-sent events), sessions, models and one request's page with its captured content from the JSON API.
// No framework, no inline code (strict CSP); every text from the API goes into the page as text, never as HTML.
'use strict';

const FILTERS = ['range', 'model', 'app', 'project', 'session'];
const VIEWS = ['overview', 'sessions', 'models', 'request'];
const LIST_VIEWS = ['overview', 'sessions', 'models'];
const COLLAPSE_CHARS = 1200;
const COLLAPSE_LINES = 20;
const BINARY = /\[(?:[a-z]+\/[\w.+-]+|binary) base64, [\d.]+ (?:bytes|KB|MB) omitted\]/g;
const WINDOW_NAMES = { today: 'Today', '7d': '7 days', '30d': '30 days' };
const COLORS = ['#2f6fdf', '#e8710a', '#1e8e3e', '#d93025', '#9334e6', '#12a4af', '#e52592', '#795548', '#80868b'];
const SVG = 'http://www.w3.org/2000/svg';
const MAX_FEED = 100;

const state = { params: new URLSearchParams(location.search), feed: null, seen: new Set(), overviewTimer: 0 };

const intFormat = new Intl.NumberFormat('en-US');
const formatInt = n => intFormat.format(n);
const formatCost = c => c === null || c === undefined ? '—' : '$' + new Intl.NumberFormat('en-US', { minimumFractionDigits: c < 100 ? 4 : 2, maximumFractionDigits: c < 100 ? 4 : 2 }).format(c);
const formatRate = r => (r * 100).toFixed(1) + '%';
const formatTime = iso => new Date(iso).toLocaleTimeString('en-GB', { hour12: false });
const formatDateTime = iso => { const d = new Date(iso); return d.toLocaleDateString('en-CA') + ' ' + d.toLocaleTimeString('en-GB', { hour12: false }); };

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value !== null && value !== undefined) node.setAttribute(name, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child ?? '')));
  return node;
}

function svg(tag, attributes, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

function apiQuery(extra) {
  const query = new URLSearchParams();
  for (const name of FILTERS) {
    const value = state.params.get(name);
    if (value) query.set(name, value);
  }
  query.set('tz', Intl.DateTimeFormat().resolvedOptions().timeZone);
  for (const [name, value] of Object.entries(extra || {})) query.set(name, value);
  return query.toString();
}

async function api(path, extra) {
  const response = await fetch(`/api/${path}?${apiQuery(extra)}`, { credentials: 'same-origin', cache: 'no-store' });
  const body = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
  return body;
}

function showProblem(error) {
  const problem = document.getElementById('problem');
  problem.hidden = !error;
  problem.textContent = error ? String(error.message || error) : '';
}

function view() {
  const name = state.params.get('view');
  return VIEWS.includes(name) ? name : 'overview';
}

function totalsList(totals) {
  const rows = [
    ['Requests', formatInt(totals.requests), totals.requests, 'requests'],
    ['Tokens', formatInt(totals.totalTokens), totals.totalTokens, 'tokens'],
    ['Cache hits', formatRate(totals.cacheHitRate), totals.cacheHitRate, 'cache'],
    ['Errors', formatRate(totals.errorRate), totals.errorRate, 'errors'],
  ];
  if (totals.unpricedRequests > 0) rows.push(['Unpriced', formatInt(totals.unpricedRequests), totals.unpricedRequests, 'unpriced']);
  const list = el('dl');
  for (const [label, text, raw, key] of rows) list.append(el('dt', null, label), el('dd', { 'data-field': key, 'data-raw': raw }, text));
  return list;
}

async function loadOverview() {
  const overview = await api('overview');
  const cards = document.getElementById('windows');
  cards.replaceChildren(...overview.windows.map(w => el('article', { class: 'card', id: 'window-' + w.name },
    el('h3', null, WINDOW_NAMES[w.name]),
    el('div', { class: 'cost', 'data-field': 'cost', 'data-raw': w.cost ?? '' }, formatCost(w.cost)),
    totalsList(w))));
  const gauges = document.getElementById('gauges');
  const items = [
    ...overview.budgets.map(b => gauge(`Budget ${b.name} (${b.period})`, b.percent / 100, `${formatCost(b.spent)} of ${formatCost(b.amount)}`)),
    ...overview.limits.map(l => gauge(`Subscription ${l.name}`, l.utilization, l.resetsAt ? `resets ${formatDateTime(l.resetsAt)}` : '')),
  ];
  gauges.replaceChildren(...items);
  gauges.hidden = items.length === 0;
}

function gauge(title, fraction, detail) {
  const fill = el('div', { class: 'fill' + (fraction >= 1 ? ' bad' : fraction >= 0.8 ? ' warn' : '') });
  fill.style.width = Math.min(100, Math.max(0, fraction * 100)).toFixed(1) + '%';
  return el('div', { class: 'card gauge' }, el('h3', null, title), el('div', null, formatRate(fraction), ' ', el('span', { class: 'muted' }, detail)), el('div', { class: 'bar' }, fill));
}

async function loadSeries() {
  const by = document.getElementById('series-by').value;
  const step = document.getElementById('series-step').value;
  const metric = document.getElementById('series-metric').value;
  const series = await api('series', { by, step });
  drawChart(series, metric);
}

function drawChart(data, metric) {
  const box = document.getElementById('chart');
  const width = Math.max(300, box.clientWidth || 600), height = 260;
  const left = 56, right = 8, top = 10, bottom = 26;
  const n = data.buckets.length;
  const stacks = new Array(n).fill(0);
  for (const s of data.series) s[metric].forEach((v, i) => { stacks[i] += v; });
  const max = Math.max(...stacks, 0) || 1;
  const plotW = width - left - right, plotH = height - top - bottom;
  const slot = plotW / Math.max(n, 1), barW = Math.max(1, slot * 0.8);
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `Spend per ${data.step} by ${data.by}`, 'data-total': data.total[metric === 'tokens' ? 'totalTokens' : metric] ?? 0 });
  const label = v => metric === 'cost' ? '$' + v.toFixed(max >= 100 ? 0 : max >= 1 ? 2 : 4) : formatInt(Math.round(v));
  for (let t = 0; t <= 4; t++) {
    const y = top + plotH - plotH * t / 4;
    chart.append(svg('line', { class: 'axis', x1: left, x2: width - right, y1: y, y2: y }), svg('text', { x: left - 6, y: y + 4, 'text-anchor': 'end' }, label(max * t / 4)));
  }
  const base = new Array(n).fill(0);
  data.series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length];
    s[metric].forEach((v, i) => {
      if (v <= 0) return;
      const h = plotH * v / max, y = top + plotH - plotH * (base[i] + v) / max;
      base[i] += v;
      chart.append(svg('rect', { x: left + i * slot + (slot - barW) / 2, y, width: barW, height: Math.max(h, 0.5), fill: color }, svg('title', {}, `${data.buckets[i]} ${s.key}: ${metric === 'cost' ? formatCost(v) : formatInt(v)}`)));
    });
  });
  const every = Math.ceil(n / Math.max(1, Math.floor(plotW / 70)));
  data.buckets.forEach((b, i) => {
    if (i % every === 0) chart.append(svg('text', { x: left + i * slot + slot / 2, y: height - 8, 'text-anchor': 'middle' }, data.step === 'hour' ? b.slice(5, 13).replace('T', ' ') + 'h' : b.slice(5)));
  });
  box.replaceChildren(chart);
  document.getElementById('legend').replaceChildren(...data.series.map((s, k) =>
    el('li', null, svg('svg', { viewBox: '0 0 10 10' }, svg('rect', { width: 10, height: 10, fill: COLORS[k % COLORS.length] })), s.key)));
}

function statusCell(e) {
  return e.success ? el('td', { class: 'ok' }, e.status) : el('td', { class: 'err', title: e.error || '' }, e.status || 'error');
}

function requestParams(e) {
  const params = new URLSearchParams(state.params);
  params.set('from', view());
  params.set('view', 'request');
  params.set('id', e.id);
  params.set('time', e.time);
  return params;
}

// The first cell of a request row: a link to the request's page, and a mark when its content was kept.
function requestCell(e, text) {
  const link = el('a', { class: 'request-link', href: '?' + requestParams(e).toString() }, text);
  const cell = el('td', null, link);
  if (e.hasContent) cell.append(' ', el('span', { class: 'has-content', title: 'The prompt and response were kept' }, 'content'));
  return cell;
}

function requestRow(e, attributes, ...cells) {
  const row = el('tr', { ...attributes, 'data-id': e.id, 'data-content': e.hasContent ? 'true' : 'false', class: ((attributes || {}).class || '') + ' clickable' }, ...cells);
  row.addEventListener('click', event => {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    navigate(requestParams(e));
  });
  return row;
}

function feedRow(e, fresh) {
  return requestRow(e, { class: fresh ? 'new' : '' },
    requestCell(e, formatTime(e.time)), el('td', null, e.app ?? ''), el('td', null, e.model ?? ''),
    el('td', { class: 'num' }, formatInt(e.totalTokens)), el('td', { class: 'num' }, formatCost(e.cost)), statusCell(e));
}

function startFeed() {
  if (state.feed) state.feed.close();
  state.seen.clear();
  const body = document.querySelector('#feed tbody');
  const liveState = document.getElementById('live-state');
  const feed = new EventSource(`/api/live?${apiQuery()}`);
  state.feed = feed;
  feed.addEventListener('error', () => { liveState.textContent = 'reconnecting'; });
  // Live once the latest requests are shown: what arrives after that is new (and marked so).
  feed.addEventListener('recent', message => {
    const requests = JSON.parse(message.data).requests;
    for (const e of requests) state.seen.add(e.id);
    body.replaceChildren(...requests.map(e => feedRow(e, false)));
    liveState.textContent = 'live';
  });
  feed.addEventListener('request', message => {
    const e = JSON.parse(message.data);
    if (state.seen.has(e.id)) return;
    state.seen.add(e.id);
    body.prepend(feedRow(e, true));
    while (body.rows.length > MAX_FEED) body.deleteRow(body.rows.length - 1);
    clearTimeout(state.overviewTimer);
    state.overviewTimer = setTimeout(() => { loadOverview().then(loadSeries).catch(showProblem); }, 500);
  });
}

async function loadSessions() {
  const data = await api('sessions');
  document.querySelector('#session-table tbody').replaceChildren(...data.sessions.map(s => {
    const row = el('tr', { class: 'clickable', 'data-session': s.session ?? '' },
      el('td', null, s.session ?? '(none)'), el('td', { class: 'num' }, formatInt(s.requests)), el('td', { class: 'num' }, formatInt(s.totalTokens)),
      el('td', { class: 'num' }, formatCost(s.cost)), el('td', { class: 'num' }, formatInt(s.errors)));
    row.addEventListener('click', () => drill(s.session));
    return row;
  }));
}

async function drill(session) {
  const data = await api('requests', { session: session ?? '', limit: 500 });
  document.getElementById('drill').hidden = false;
  document.getElementById('drill-title').textContent = `Requests of ${session ?? '(none)'}`;
  document.querySelector('#drill-table tbody').replaceChildren(...data.requests.map(e => requestRow(e, null,
    requestCell(e, formatDateTime(e.time)), el('td', null, e.app ?? ''), el('td', null, e.model ?? ''),
    el('td', { class: 'num' }, formatInt(e.inputTokens)), el('td', { class: 'num' }, formatInt(e.cacheReadTokens)), el('td', { class: 'num' }, formatInt(e.outputTokens)),
    el('td', { class: 'num' }, formatCost(e.cost)), statusCell(e))));
}

async function loadModels() {
  const data = await api('models');
  const rate = r => r === null ? '—' : '$' + r;
  document.querySelector('#model-table tbody').replaceChildren(...data.models.map(m => el('tr', null,
    el('td', null, m.provider ?? ''), el('td', null, m.model ?? '(unknown)'), el('td', { class: m.priced ? 'ok' : 'err' }, m.priced ? 'yes' : 'no'),
    el('td', { class: 'num' }, rate(m.inputPerMillion)), el('td', { class: 'num' }, rate(m.outputPerMillion)), el('td', { class: 'num' }, rate(m.cacheReadPerMillion)),
    el('td', { class: 'num' }, formatInt(m.requests)), el('td', { class: 'num' }, formatInt(m.totalTokens)), el('td', { class: 'num' }, formatCost(m.cost)))));
}

// The API's answer with its status; a 404's JSON error is an answer here, not a failure.
async function fetchJson(path) {
  const response = await fetch(path, { credentials: 'same-origin', cache: 'no-store' });
  const body = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok && response.status !== 404) throw new Error(body.error || `HTTP ${response.status}`);
  return { found: response.ok, body };
}

function field(label, name, text) {
  return el('div', null, el('dt', null, label), el('dd', { 'data-field': name }, text === '' || text === null || text === undefined ? '—' : text));
}

function formatDuration(ms) {
  return ms >= 1000 ? (ms / 1000).toFixed(2) + ' s' : formatInt(Math.round(ms)) + ' ms';
}

function requestFields(e) {
  const list = [
    field('Time', 'time', formatDateTime(e.time)),
    field('Provider', 'provider', e.provider),
    field('Model', 'model', e.model ?? '(unknown)'),
    field('App', 'app', e.app),
    field('Project', 'project', e.project),
    field('Session', 'session', e.session ?? '(none)'),
    field('Client session', 'clientSession', e.clientSession),
    field('Endpoint', 'endpoint', e.endpoint),
    field('Status', 'status', e.success ? String(e.status) : `${e.status || 'error'} ${e.error ?? ''}`.trim()),
    field('Duration', 'duration', formatDuration(e.durationMs)),
    field('Input tokens', 'inputTokens', formatInt(e.inputTokens)),
    field('Cache read tokens', 'cacheReadTokens', formatInt(e.cacheReadTokens)),
    field('Cache write tokens', 'cacheWriteTokens', formatInt(e.cacheWriteTokens)),
    field('Output tokens', 'outputTokens', formatInt(e.outputTokens)),
    field('Total tokens', 'totalTokens', formatInt(e.totalTokens) + (e.estimated ? ' (estimated)' : '')),
    field('Cost', 'cost', formatCost(e.cost)),
  ];
  return list;
}

// Text as text nodes, with the placeholders of removed binaries (images, PDFs) marked as such.
function textWithPlaceholders(text) {
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(BINARY)) {
    if (match.index > last) nodes.push(document.createTextNode(text.slice(last, match.index)));
    nodes.push(el('span', { class: 'binary', title: 'Binary data, replaced by this placeholder before it was stored' }, match[0]));
    last = match.index + match[0].length;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

// A long text starts collapsed, with a button to show it all.
function textBlock(text) {
  const pre = el('pre', { class: 'text' }, ...textWithPlaceholders(text));
  const long = text.length > COLLAPSE_CHARS || text.split('\n').length > COLLAPSE_LINES;
  if (!long) return el('div', { class: 'text-block' }, pre);
  pre.classList.add('collapsed');
  const more = `Show all (${formatInt(text.length)} characters)`;
  const button = el('button', { type: 'button', class: 'expander', 'aria-expanded': 'false' }, more);
  button.addEventListener('click', () => {
    const collapsed = pre.classList.toggle('collapsed');
    button.setAttribute('aria-expanded', String(!collapsed));
    button.textContent = collapsed ? more : 'Show less';
  });
  return el('div', { class: 'text-block' }, pre, button);
}

function showContent(content) {
  const system = document.getElementById('content-system');
  system.hidden = !content.system;
  system.replaceChildren(el('h3', null, 'System prompt'), textBlock(content.system ?? ''));
  document.getElementById('content-messages').replaceChildren(el('h3', null, `Messages (${content.messages.length})`),
    ...content.messages.map(m => el('article', { class: 'message', 'data-role': m.role }, el('h4', { class: 'role' }, m.role), textBlock(m.text))));
  const tools = document.getElementById('content-tools');
  tools.hidden = content.tools.length === 0;
  tools.replaceChildren(el('h3', null, 'Tools offered'), el('p', { class: 'tool-names' }, content.tools.join(', ')));
  document.getElementById('content-response').replaceChildren(el('h3', null, 'Response'), textBlock(content.responseText));
  const calls = document.getElementById('content-toolcalls');
  calls.hidden = content.toolCalls.length === 0;
  calls.replaceChildren(el('h3', null, `Tool calls (${content.toolCalls.length})`),
    ...content.toolCalls.map(c => el('article', { class: 'tool-call' }, el('h4', { class: 'tool-name' }, c.name), textBlock(c.arguments))));
  let raw = content.requestJson;
  try { raw = JSON.stringify(JSON.parse(raw), null, 2); } catch { /* kept as stored: a note, not JSON */ }
  document.getElementById('content-raw').replaceChildren(el('summary', null, 'Request body as stored (JSON, secrets redacted)'), el('pre', { class: 'text' }, raw));
  document.getElementById('content-truncated').hidden = !content.truncated;
}

async function loadRequest() {
  const id = state.params.get('id') || '';
  const time = state.params.get('time');
  const base = `/api/requests/${encodeURIComponent(id)}`;
  const request = await fetchJson(base + (time ? '?time=' + encodeURIComponent(time) : ''));
  const back = new URLSearchParams(state.params);
  for (const name of ['id', 'time', 'from']) back.delete(name);
  const from = state.params.get('from');
  back.set('view', LIST_VIEWS.includes(from) ? from : 'overview');
  document.getElementById('request-back').setAttribute('href', '?' + back.toString());
  if (!request.found) throw new Error(request.body.error);
  const e = request.body.request;
  // Content is asked for only when it is there, so a request without any costs no failed (404) load in the console.
  const content = e.hasContent ? await fetchJson(base + '/content') : { found: false, body: { error: request.body.contentNote } };
  document.getElementById('request-title').textContent = `${e.model ?? '(unknown model)'} at ${formatDateTime(e.time)}`;
  document.getElementById('request-fields').replaceChildren(...requestFields(e));
  const missing = document.getElementById('content-missing');
  missing.hidden = content.found;
  missing.textContent = content.found ? '' : content.body.error;
  document.getElementById('content').hidden = !content.found;
  if (content.found) showContent(content.body);
  else document.getElementById('content-truncated').hidden = true;
}

async function render() {
  const current = view();
  for (const section of document.querySelectorAll('main > section')) section.hidden = section.dataset.view !== current;
  for (const link of document.querySelectorAll('#views a')) {
    link.classList.toggle('active', link.dataset.view === current);
    const target = new URLSearchParams(state.params);
    for (const name of ['id', 'time', 'from']) target.delete(name);
    target.set('view', link.dataset.view);
    link.setAttribute('href', '?' + target.toString());
  }
  const form = document.getElementById('filters');
  form.hidden = current === 'request';
  for (const name of FILTERS) form.elements[name].value = state.params.get(name) || (name === 'range' ? '30d' : '');
  document.body.dataset.loading = 'true';
  try {
    showProblem(null);
    if (current === 'overview') {
      await Promise.all([loadOverview(), loadSeries()]);
      startFeed();
    } else {
      if (state.feed) { state.feed.close(); state.feed = null; }
      await (current === 'sessions' ? loadSessions() : current === 'request' ? loadRequest() : loadModels());
    }
  } catch (error) {
    showProblem(error);
  } finally {
    document.body.dataset.loading = 'false';
  }
}

function navigate(params) {
  state.params = params;
  history.pushState(null, '', '?' + params.toString());
  render();
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('filters').addEventListener('submit', event => {
    event.preventDefault();
    const params = new URLSearchParams();
    params.set('view', view());
    for (const name of FILTERS) {
      const value = event.target.elements[name].value.trim();
      if (value && !(name === 'range' && value === '30d')) params.set(name, value);
    }
    navigate(params);
  });
  document.getElementById('views').addEventListener('click', event => {
    const link = event.target.closest('a');
    if (!link) return;
    event.preventDefault();
    const params = new URLSearchParams(state.params);
    for (const name of ['id', 'time', 'from']) params.delete(name);
    params.set('view', link.dataset.view);
    navigate(params);
  });
  document.getElementById('request-back').addEventListener('click', event => {
    event.preventDefault();
    navigate(new URLSearchParams(event.currentTarget.getAttribute('href').slice(1)));
  });
  for (const id of ['series-by', 'series-step', 'series-metric']) {
    document.getElementById(id).addEventListener('change', () => loadSeries().catch(showProblem));
  }
  window.addEventListener('popstate', () => { state.params = new URLSearchParams(location.search); render(); });
  let width = window.innerWidth;
  window.addEventListener('resize', () => { if (window.innerWidth !== width && view() === 'overview') { width = window.innerWidth; loadSeries().catch(showProblem); } });
  render();
});
