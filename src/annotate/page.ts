/**
 * The labelling page: static HTML, CSS and a small script, served by the annotation server. The
 * script builds every element with textContent (never innerHTML), so item and answer texts are
 * shown as text whatever they contain. Keyboard first: one key per choice, Enter to submit,
 * U to undo, S to skip with a reason; the mouse works too.
 */
export const APP_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>judgekit annotation</title><link rel="stylesheet" href="/app.css"></head>
<body>
<header><h1 id="title">judgekit annotation</h1><div id="progress" aria-live="polite"></div></header>
<main id="main"><p id="status">Loading…</p></main>
<footer id="help"></footer>
<script src="/app.js"></script>
</body></html>
`;

export const APP_CSS = `
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{display:flex;justify-content:space-between;align-items:baseline;padding:.6rem 1rem;background:#fff;border-bottom:1px solid #dde}
h1{font-size:1.05rem;margin:0}
main{max-width:1400px;margin:0 auto;padding:1rem}
.question,.reference{background:#fff;border:1px solid #dde;border-radius:6px;padding:.7rem 1rem;margin-bottom:.8rem;white-space:pre-wrap}
.label{font-size:.75rem;text-transform:uppercase;letter-spacing:.05em;color:#667;margin-bottom:.25rem}
.answers{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:.8rem;margin-bottom:.8rem}
.answer{background:#fff;border:1px solid #dde;border-radius:6px;padding:.7rem 1rem;max-height:45vh;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere}
img.item{max-width:100%;max-height:40vh;display:block;margin:.4rem 0}
.dims{background:#fff;border:1px solid #dde;border-radius:6px;padding:.5rem 1rem}
.dim{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;padding:.35rem 0;border-bottom:1px solid #eef}
.dim.current{background:#eef4ff}
.dim .name{min-width:12rem;font-weight:600}
.dim button{font:inherit;padding:.25rem .7rem;border:1px solid #99a;border-radius:4px;background:#fff;cursor:pointer}
.dim button.chosen{background:#2456c6;color:#fff;border-color:#2456c6}
.anchors{font-size:.8rem;color:#556;width:100%}
.actions{margin-top:.8rem;display:flex;gap:.6rem;flex-wrap:wrap}
.actions button{font:inherit;padding:.4rem 1rem;border-radius:4px;border:1px solid #556;background:#fff;cursor:pointer}
.actions button.primary{background:#1d7a3a;color:#fff;border-color:#1d7a3a}
#help{font-size:.8rem;color:#667;padding:.5rem 1rem}
.error{color:#a40000}
`;

export const APP_JS = `(() => {
  'use strict';
  const q = new URLSearchParams(location.search);
  const rater = q.get('rater') || '';
  const token = q.get('token') || '';
  const main = document.getElementById('main');
  const progress = document.getElementById('progress');
  const help = document.getElementById('help');
  let cur = null, chosen = {}, focus = 0, shownAt = 0, busy = false;

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  async function api(method, path, body) {
    const opts = { method, headers: {} };
    if (body) { opts.headers['content-type'] = 'application/json'; opts.body = JSON.stringify(Object.assign({ rater, token }, body)); }
    const url = method === 'GET' ? path + (path.includes('?') ? '&' : '?') + 'rater=' + encodeURIComponent(rater) + '&token=' + encodeURIComponent(token) : path;
    const r = await fetch(url, opts);
    const j = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(j.error || ('HTTP ' + r.status));
    return j;
  }
  function message(text, isError) {
    main.replaceChildren(el('p', isError ? 'error' : '', text));
  }
  function values(d) {
    if (cur.task === 'pairwise') return [['A', 'A better', '1'], ['B', 'B better', '2'], ['tie', 'Tie', '3']];
    const out = [];
    for (let v = d.min; v <= d.max; v++) out.push([v, String(v), String(v % 10)]);
    return out;
  }
  function render() {
    main.replaceChildren();
    const qb = el('div', 'question');
    qb.append(el('div', 'label', 'Question'), el('div', '', cur.question));
    if (cur.options) for (const k of Object.keys(cur.options)) qb.append(el('div', '', k + ') ' + cur.options[k]));
    if (cur.image) {
      const img = el('img', 'item');
      img.alt = 'item image';
      img.src = '/api/image?unit=' + encodeURIComponent(cur.unit) + '&rater=' + encodeURIComponent(rater) + '&token=' + encodeURIComponent(token);
      qb.append(img);
    }
    main.append(qb);
    if (cur.reference !== null && cur.reference !== undefined) {
      const rb = el('div', 'reference');
      rb.append(el('div', 'label', 'Reference answer'), el('div', '', cur.reference));
      main.append(rb);
    }
    const ab = el('div', 'answers');
    for (const a of cur.answers) {
      const box = el('section', 'answer');
      box.dataset.slot = a.slot;
      box.append(el('div', 'label', cur.answers.length > 1 ? 'Answer ' + a.slot : 'Answer'), el('div', 'text', a.text));
      ab.append(box);
    }
    main.append(ab);
    const dims = el('div', 'dims');
    cur.dimensions.forEach((d, i) => {
      const row = el('div', 'dim' + (i === focus ? ' current' : ''));
      row.dataset.dimension = d.key;
      row.append(el('span', 'name', d.name));
      for (const [v, text, key] of values(d)) {
        const b = el('button', chosen[d.key] === v ? 'chosen' : '', text + ' [' + key + ']');
        b.type = 'button';
        b.dataset.value = String(v);
        b.addEventListener('click', () => { choose(i, v); });
        row.append(b);
      }
      if (d.anchors) {
        const an = el('div', 'anchors');
        for (const k of Object.keys(d.anchors)) an.append(el('div', '', k + ': ' + d.anchors[k]));
        row.append(an);
      }
      dims.append(row);
    });
    main.append(dims);
    const act = el('div', 'actions');
    const submit = el('button', 'primary', 'Submit [Enter]');
    submit.id = 'submit';
    submit.disabled = !complete();
    submit.addEventListener('click', send);
    const undo = el('button', '', 'Undo last [U]');
    undo.id = 'undo';
    undo.addEventListener('click', doUndo);
    const skip = el('button', '', 'Skip… [S]');
    skip.id = 'skip';
    skip.addEventListener('click', doSkip);
    act.append(submit, undo, skip);
    main.append(act);
    progress.textContent = (cur.position + 1) + ' / ' + cur.total;
  }
  function complete() { return cur && cur.dimensions.every((d) => chosen[d.key] !== undefined); }
  function choose(i, v) {
    chosen[cur.dimensions[i].key] = v;
    focus = Math.min(i + 1, cur.dimensions.length - 1);
    render();
  }
  async function load() {
    try {
      const j = await api('GET', '/api/next');
      if (j.done) { cur = null; progress.textContent = ''; message('All done: every unit assigned to you is labelled. Thank you!'); return; }
      cur = j; chosen = {}; focus = 0; shownAt = performance.now();
      if (j.title) document.getElementById('title').textContent = j.title;
      render();
    } catch (e) { message(e.message, true); }
  }
  async function send() {
    if (!complete() || busy) return;
    busy = true;
    try { await api('POST', '/api/label', { unit: cur.unit, labels: chosen, ms: Math.round(performance.now() - shownAt) }); await load(); }
    catch (e) { message(e.message, true); }
    finally { busy = false; }
  }
  async function doUndo() {
    if (busy) return;
    busy = true;
    try { await api('POST', '/api/undo', {}); await load(); } catch (e) { message(e.message, true); setTimeout(load, 1500); } finally { busy = false; }
  }
  async function doSkip() {
    if (!cur || busy) return;
    const reason = window.prompt('Why skip this unit? (e.g. cannot read the image, answers identical)');
    if (!reason || !reason.trim()) return;
    busy = true;
    try { await api('POST', '/api/skip', { unit: cur.unit, reason }); await load(); } catch (e) { message(e.message, true); } finally { busy = false; }
  }
  document.addEventListener('keydown', (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const k = ev.key.toLowerCase();
    if (k === 'u') { doUndo(); return; }
    if (!cur) return;
    if (k === 'enter') { ev.preventDefault(); send(); return; }
    if (k === 's') { doSkip(); return; }
    if (k === 'arrowdown') { focus = Math.min(focus + 1, cur.dimensions.length - 1); render(); ev.preventDefault(); return; }
    if (k === 'arrowup') { focus = Math.max(focus - 1, 0); render(); ev.preventDefault(); return; }
    const d = cur.dimensions[focus];
    const hit = values(d).find(([v, , key]) => key === k || (cur.task === 'pairwise' && String(v).toLowerCase() === k) || (k === 't' && v === 'tie'));
    if (hit) choose(focus, hit[0]);
  });
  help.textContent = 'Keys: 1/A, 2/B, 3/T for pairwise choices (digits for rubric scores; 0 = 10), ↑/↓ move between dimensions, Enter submits, U undoes your last label, S skips with a reason. Answers are shown in random order, without model names.';
  if (!rater || !token) message('This page needs your personal link (?rater=…&token=…), printed by the organiser\\'s server.', true);
  else load();
})();
`;
