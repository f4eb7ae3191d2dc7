/**
 * The viewer's page: static HTML, CSS and one script. The script builds every element with
 * textContent (never innerHTML), so whatever a ledger, an item or an answer holds is shown as text.
 * Filters are sent to the server, which returns one page of rows at a time.
 */
export const VIEW_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>judgekit view</title><link rel="stylesheet" href="/app.css"></head>
<body>
<header><h1 id="title">judgekit view</h1><div id="meta"></div></header>
<nav id="tabs">
<button type="button" data-tab="records" class="on">Records</button>
<button type="button" data-tab="disagree">Judge vs humans</button>
<button type="button" data-tab="compare" id="tab-compare" hidden>Compare runs</button>
</nav>
<main>
<section id="records" class="tab">
<form id="filters" autocomplete="off">
<label>stage<select id="f-stage" name="stage"></select></label>
<label>record<select id="f-source" name="source"></select></label>
<label>model<select id="f-model" name="model"></select></label>
<label>item<input id="f-item" name="item" placeholder="id contains…"></label>
<label>task<select id="f-task" name="task"></select></label>
<label>status<select id="f-status" name="status"></select></label>
<label>criterion<select id="f-criterion" name="criterion"></select></label>
<label>rater<select id="f-rater" name="rater"></select></label>
</form>
<div class="pager"><button type="button" id="prev">◀</button><span id="total" aria-live="polite"></span><button type="button" id="next">▶</button></div>
<div class="scroll"><table id="rows"><thead><tr><th>stage</th><th>record</th><th>item</th><th>model</th><th>task</th><th>status</th><th>rater</th><th>value</th></tr></thead><tbody></tbody></table></div>
</section>
<section id="disagree" class="tab" hidden><p class="muted" id="disagree-note"></p><div class="scroll"><table id="disagree-table"><thead><tr><th>disagreement</th><th>judge</th><th>item</th><th>model</th><th>dimension</th><th>judge says</th><th>humans say</th></tr></thead><tbody></tbody></table></div></section>
<section id="compare" class="tab" hidden><p class="muted" id="compare-note"></p><div class="scroll"><table id="compare-table"><thead><tr><th>stage</th><th>model</th><th>criterion</th><th>before</th><th>now</th><th>change</th><th>n before / now</th><th>failed before / now</th></tr></thead><tbody></tbody></table></div></section>
<section id="drill" hidden></section>
</main>
<script src="/app.js"></script>
</body></html>
`;

export const VIEW_CSS = `
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{padding:.6rem 1rem;background:#fff;border-bottom:1px solid #dde}
h1{font-size:1.05rem;margin:0}
#meta{font-size:.8rem;color:#556;overflow-wrap:anywhere}
nav{display:flex;gap:.3rem;padding:.5rem 1rem 0;flex-wrap:wrap}
nav button{font:inherit;padding:.3rem .8rem;border:1px solid #99a;border-bottom:none;border-radius:5px 5px 0 0;background:#eef;cursor:pointer}
nav button.on{background:#fff;font-weight:600}
main{padding:0 1rem 1rem;max-width:1500px}
.tab{background:#fff;border:1px solid #dde;padding:.7rem}
form{display:flex;flex-wrap:wrap;gap:.5rem .8rem;margin-bottom:.6rem}
form label{display:flex;flex-direction:column;font-size:.75rem;color:#556;max-width:100%}
select,input{font:inherit;max-width:16rem;padding:.15rem}
.pager{display:flex;gap:.6rem;align-items:center;margin:.3rem 0}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.25rem .45rem;border-bottom:1px solid #eef;vertical-align:top;overflow-wrap:anywhere}
tbody tr{cursor:pointer}
tbody tr:hover{background:#eef4ff}
tr.selected{background:#dde8ff}
.muted{color:#667}
#drill{background:#fff;border:2px solid #2456c6;border-radius:6px;margin-top:.8rem;padding:.7rem 1rem}
#drill h2{font-size:1rem;margin:.2rem 0 .5rem}
#drill h3{font-size:.8rem;text-transform:uppercase;letter-spacing:.05em;color:#556;margin:.8rem 0 .2rem}
.box{white-space:pre-wrap;overflow-wrap:anywhere;background:#f8f9fb;border:1px solid #e4e6ee;border-radius:4px;padding:.4rem .6rem;max-height:40vh;overflow:auto}
img.item{max-width:100%;max-height:40vh;display:block}
.pos{color:#1d7a3a;font-weight:600}.neg{color:#a40000;font-weight:600}
.error{color:#a40000}
`;

export const VIEW_JS = `(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const FILTERS = ['stage', 'source', 'model', 'item', 'task', 'status', 'criterion', 'rater'];
  const LIMIT = 50;
  let offset = 0, total = 0, info = null, loadedTabs = {}, seq = 0;

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function td(tr, text, cls) { const c = el('td', cls, text); tr.appendChild(c); return c; }
  function fmt(x) { return x === null || x === undefined ? '—' : typeof x === 'number' ? String(Math.round(x * 1000) / 1000) : String(x); }
  function show(v) { return typeof v === 'string' ? v : JSON.stringify(v, null, 2); }
  async function api(path) {
    const r = await fetch(path, { headers: { accept: 'application/json' } });
    const body = await r.json();
    if (!r.ok) throw new Error(body.error || ('HTTP ' + r.status));
    return body;
  }
  function fail(err) { const p = el('p', 'error', String(err && err.message || err)); document.querySelector('main').prepend(p); }

  function filterQuery() {
    const q = new URLSearchParams();
    for (const k of FILTERS) { const v = $('f-' + k).value; if (v) q.set(k, v); }
    return q;
  }
  async function loadRows() {
    const q = filterQuery();
    q.set('offset', String(offset)); q.set('limit', String(LIMIT));
    const mine = ++seq;
    const res = await api('/api/rows?' + q.toString());
    if (mine !== seq) return; // a later filter's answer is on its way: do not show this one
    total = res.total;
    const tbody = document.querySelector('#rows tbody');
    tbody.replaceChildren();
    for (const r of res.rows) {
      const tr = el('tr'); tr.dataset.id = String(r.id);
      td(tr, r.stage); td(tr, r.source); td(tr, r.item_id); td(tr, r.model); td(tr, r.task); td(tr, r.status, r.status === 'ok' ? '' : 'neg'); td(tr, r.rater); td(tr, r.shown);
      tr.addEventListener('click', () => openRow(r.id, tr));
      tbody.appendChild(tr);
    }
    $('total').textContent = total ? (offset + 1) + '–' + (offset + res.rows.length) + ' of ' + total + ' rows' : 'no rows match';
    $('prev').disabled = offset === 0;
    $('next').disabled = offset + LIMIT >= total;
  }
  function fillSelect(sel, values) {
    sel.replaceChildren(el('option', '', 'all'));
    sel.firstChild.value = '';
    for (const [v, n] of values || []) { const o = el('option', '', v + ' (' + n + ')'); o.value = v; sel.appendChild(o); }
  }

  function section(parent, title, text) {
    if (text === null || text === undefined || text === '') return;
    parent.appendChild(el('h3', '', title));
    parent.appendChild(el('div', 'box', show(text)));
  }
  // The judge ledger's calls: per call, the messages sent, the reply, how the verdict was read, the repairs.
  function showCalls(box, calls) {
    calls.forEach((c, i) => {
      const head = 'Call ' + (i + 1) + ' of ' + calls.length + (c.part ? ' (' + c.part + ')' : '') + ' · ' + (c.status || '') + (c.cached ? ' · from the cache' : '');
      box.appendChild(el('h3', 'call', head));
      for (const m of c.messages || []) section(box, 'Message the judge saw: ' + m.role, m.content);
      section(box, 'Raw reply', c.raw);
      section(box, 'Reasoning content', c.reasoning);
      section(box, 'How the verdict was read', c.rule === null ? 'not read' + (c.error ? ': ' + c.error : '') : c.rule);
      (c.repairs || []).forEach((r, k) => section(box, 'Repair ' + (k + 1) + ': the unreadable reply and the error quoted back', (r.raw || '') + '\\n— ' + r.error));
    });
  }
  async function openRow(id, tr) {
    document.querySelectorAll('tr.selected').forEach((x) => x.classList.remove('selected'));
    if (tr) tr.classList.add('selected');
    const d = await api('/api/row?id=' + id);
    const box = $('drill');
    box.replaceChildren();
    box.hidden = false;
    box.appendChild(el('h2', '', d.row.source + ' · item ' + d.row.item_id + ' · ' + d.row.model));
    box.appendChild(el('p', 'muted', 'stage ' + d.row.stage + ' · ' + d.file + ' line ' + d.line + ' · status ' + d.row.status + (d.row.rater ? ' · rater ' + d.row.rater : '')));
    if (d.item) {
      section(box, 'Question', d.item.question);
      if (d.item.options) section(box, 'Options', Object.entries(d.item.options).map(([k, v]) => k + '. ' + v).join('\\n'));
      if (d.item.image) {
        box.appendChild(el('h3', '', 'Image'));
        const img = el('img', 'item'); img.alt = 'image of item ' + d.row.item_id; img.src = '/api/image?id=' + id;
        img.addEventListener('error', () => img.replaceWith(el('p', 'muted', 'the image cannot be shown (missing, outside the image root, or not an image)')));
        box.appendChild(img);
      }
      section(box, 'Reference', d.item.reference || (d.item.answer ? 'answer ' + d.item.answer : null));
      const tags = ['task', 'organ_system', 'modality'].filter((k) => d.item[k]).map((k) => k + ': ' + d.item[k]).join(' · ');
      if (tags) box.appendChild(el('p', 'muted', tags));
    } else box.appendChild(el('p', 'muted', 'the item is not in the run\\'s item files'));
    section(box, 'Candidate answer', d.candidate);
    for (const [k, v] of d.judge) if (k === 'calls' && Array.isArray(v)) showCalls(box, v); else section(box, ({ messages: 'Messages the judge saw', raw: 'Raw reply', raw_reply: 'Raw reply', rationale: 'Rationale', judge_reasoning: 'Judge reasoning', parse_method: 'How the verdict was read', rule: 'How the answer was read', verdict_rule: 'How the verdict was read', error: 'Error' })[k] || k, v);
    if (d.beside.length) {
      box.appendChild(el('h3', '', 'Other ratings of this item (humans and judges)'));
      const t = el('table', 'beside');
      const h = el('tr'); for (const c of ['record', 'stage', 'model', 'rater', 'status', 'values']) h.appendChild(el('th', '', c));
      const thead = el('thead'); thead.appendChild(h); t.appendChild(thead);
      const tb = el('tbody');
      for (const o of d.beside) {
        const tr2 = el('tr'); tr2.dataset.id = String(o.id);
        td(tr2, o.source); td(tr2, o.stage); td(tr2, o.model); td(tr2, o.rater); td(tr2, o.status);
        td(tr2, Object.keys(o.values).length ? Object.entries(o.values).map(([k, v]) => k + ' ' + fmt(v)).join(', ') : o.shown);
        tr2.addEventListener('click', () => openRow(o.id));
        tb.appendChild(tr2);
      }
      t.appendChild(tb);
      const s = el('div', 'scroll'); s.appendChild(t); box.appendChild(s);
    }
    const det = el('details'); det.appendChild(el('summary', '', 'The whole ledger line')); det.appendChild(el('div', 'box', JSON.stringify(d.record, null, 2)));
    box.appendChild(det);
    box.scrollIntoView({ block: 'nearest' });
  }

  async function loadDisagreements() {
    const d = await api('/api/disagreements');
    $('disagree-note').textContent = d.units ? 'The ' + d.top.length + ' of ' + d.units + ' judged units (item × model × dimension, with human labels) where the judge is furthest from the humans: numeric, |judge − human mean| over the dimension\\'s range; categorical, the share of humans who disagree.' : 'No unit has both a judge\\'s rating and human labels in this run.';
    const tbody = document.querySelector('#disagree-table tbody');
    tbody.replaceChildren();
    for (const u of d.top) {
      const tr = el('tr'); tr.dataset.id = String(u.id);
      td(tr, fmt(u.disagreement)); td(tr, u.judge); td(tr, u.item_id); td(tr, u.model); td(tr, u.dimension); td(tr, fmt(u.judge_value));
      td(tr, u.human_values.map(([r, v]) => r + ' ' + fmt(v)).join(', '));
      tr.addEventListener('click', () => openRow(u.id, tr));
      tbody.appendChild(tr);
    }
  }
  async function loadCompare() {
    const d = await api('/api/compare');
    $('compare-note').textContent = 'Run ' + d.b + ' (now) against run ' + d.a + ' (before)' + (d.same_experiment ? '' : ' — NOT the same experiment') + ': the mean per stage, model and criterion (rubric criteria and the aggregate score; MCQ accuracy; pairwise win share), largest changes first.';
    const tbody = document.querySelector('#compare-table tbody');
    tbody.replaceChildren();
    for (const c of d.changes) {
      const tr = el('tr');
      td(tr, c.stage); td(tr, c.model); td(tr, c.criterion); td(tr, fmt(c.a)); td(tr, fmt(c.b));
      td(tr, c.delta === null ? (c.a === null ? 'new' : c.b === null ? 'gone' : '—') : (c.delta > 0 ? '+' : '') + fmt(c.delta), c.delta > 0 ? 'pos' : c.delta < 0 ? 'neg' : '');
      td(tr, c.n_a + ' / ' + c.n_b); td(tr, c.failed_a + ' / ' + c.failed_b);
      tbody.appendChild(tr);
    }
  }
  function switchTab(name) {
    for (const b of document.querySelectorAll('nav button')) b.classList.toggle('on', b.dataset.tab === name);
    for (const s of document.querySelectorAll('.tab')) s.hidden = s.id !== name;
    $('drill').hidden = true;
    if (!loadedTabs[name]) { loadedTabs[name] = true; (name === 'disagree' ? loadDisagreements() : name === 'compare' ? loadCompare() : Promise.resolve()).catch(fail); }
  }

  async function start() {
    info = await api('/api/run');
    $('title').textContent = 'judgekit view · ' + info.run_id;
    $('meta').textContent = 'experiment ' + info.experiment + ' · ' + info.rows + ' rows · ' + info.stages.length + ' stages · finished ' + (info.finished_at || '(unfinished)') + (info.notes.length ? ' · notes: ' + info.notes.join('; ') : '');
    if (info.compare) $('tab-compare').hidden = false;
    const f = await api('/api/facets');
    for (const k of FILTERS) if (k !== 'item') fillSelect($('f-' + k), f[k]);
    const q = new URLSearchParams(location.search);
    for (const k of FILTERS) if (q.get(k)) $('f-' + k).value = q.get(k);
    for (const k of FILTERS) $('f-' + k).addEventListener(k === 'item' ? 'input' : 'change', () => { offset = 0; loadRows().catch(fail); });
    $('filters').addEventListener('submit', (e) => e.preventDefault());
    $('prev').addEventListener('click', () => { offset = Math.max(0, offset - LIMIT); loadRows().catch(fail); });
    $('next').addEventListener('click', () => { if (offset + LIMIT < total) { offset += LIMIT; loadRows().catch(fail); } });
    for (const b of document.querySelectorAll('nav button')) b.addEventListener('click', () => switchTab(b.dataset.tab));
    loadedTabs.records = true;
    await loadRows();
  }
  start().catch(fail);
})();
`;
