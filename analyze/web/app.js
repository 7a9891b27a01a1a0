// tinytap --serve: the page. Plain JavaScript, no libraries, no build step.
// Every byte from a recording is put on the page with textContent (or as a data: URL of a
// fixed image type): never as markup. The server's Content-Security-Policy forbids inline
// script anyway. docs/web.md describes the API this reads.
'use strict';

(function () {
  const ROWH = 21, PAGE = 200;
  const $ = (id) => document.getElementById(id);
  const st = {
    filter: '', sort: 'id', dir: 'asc',
    total: 0, t0: 0, t1: 0, counts: null,
    pages: new Map(), pending: new Set(), gen: 0,
    sel: -1, selId: 0, tab: 'headers', detail: null,
    paused: false, newWhilePaused: 0, es: null, lastId: 0, live: false, info: null,
  };

  // --- small helpers -------------------------------------------------------------------------
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function api(path, params) {
    const q = new URLSearchParams(params || {});
    return fetch('/api/' + path + '?' + q.toString(), { credentials: 'same-origin' })
      .then((r) => r.json().then((j) => {
        if (!r.ok) throw new Error(j && j.error ? j.error : r.status + ' ' + r.statusText);
        return j;
      }));
  }
  function pad(n, w) { return String(n).padStart(w, '0'); }
  function fmtTime(us) {
    const d = new Date(us / 1000);
    return pad(d.getHours(), 2) + ':' + pad(d.getMinutes(), 2) + ':' + pad(d.getSeconds(), 2) +
      '.' + pad(d.getMilliseconds(), 3);
  }
  function fmtDur(us) {
    if (us === null || us === undefined) return '';
    if (us < 1000) return (us / 1000).toFixed(2) + 'ms';
    if (us < 1e6) return (us / 1000).toFixed(1) + 'ms';
    return (us / 1e6).toFixed(2) + 's';
  }
  function fmtSize(b) {
    if (b === null || b === undefined) return '';
    if (b < 1024) return b + ' B';
    if (b < 1048576) return (b / 1024).toFixed(1) + ' kB';
    return (b / 1048576).toFixed(1) + ' MB';
  }
  function statusText(t) {
    let s = t.status !== undefined && t.status !== null ? String(t.status)
      : (t.outcome === 'none' ? '' : t.outcome);
    if (t.incomplete) s += (s ? ' ' : '') + '[' + t.incomplete + ']';
    return s;
  }
  function who(t) {
    const c = t.container || t.unit;
    return (t.host_name ? t.host_name + ' ' : '') + (c ? c + '/' : '') + (t.comm || '?') + ' ' + t.pid;
  }
  function rowClass(t) {
    if (t.outcome === 'error' || t.error) return 'error';
    if (t.incomplete) return 'incomplete';
    return '';
  }

  // --- the table (virtual: only the rows in view are in the page) ----------------------------
  function query(extra) {
    const p = { filter: st.filter, sort: st.sort, dir: st.dir };
    return Object.assign(p, extra || {});
  }
  function reset() {
    st.gen++;
    st.pages.clear();
    st.pending.clear();
  }
  function loadPage(pi) {
    if (st.pages.has(pi) || st.pending.has(pi)) return;
    const gen = st.gen;
    st.pending.add(pi);
    api('txns', query({ offset: pi * PAGE, limit: PAGE })).then((j) => {
      if (gen !== st.gen) return;
      st.pending.delete(pi);
      st.pages.set(pi, j.rows);
      applyCounts(j);
      render();
    }).catch((e) => { st.pending.delete(pi); showErr(e.message); });
  }
  function applyCounts(j) {
    const grew = j.total !== st.total;
    st.total = j.total;
    st.t0 = j.t0_us || 0;
    st.t1 = j.t1_us || 0;
    st.counts = j;
    if (j.last_id > st.lastId) st.lastId = j.last_id;
    if (grew) $('spacer').style.height = (st.total * ROWH) + 'px';
    footer();
  }
  function rowAt(i) {
    const p = st.pages.get(Math.floor(i / PAGE));
    return p ? p[i % PAGE] : undefined;
  }
  function render() {
    const sc = $('scroller'), rows = $('rows');
    const first = Math.max(0, Math.floor(sc.scrollTop / ROWH) - 5);
    const last = Math.min(st.total, first + Math.ceil(sc.clientHeight / ROWH) + 10);
    rows.style.top = (first * ROWH) + 'px';
    rows.replaceChildren();
    const span = Math.max(1, st.t1 - st.t0);
    for (let i = first; i < last; i++) {
      const r = rowAt(i);
      if (!r) {
        loadPage(Math.floor(i / PAGE));
        const d = el('div', 'grid txn loading');
        d.appendChild(el('div', '', '…'));
        rows.appendChild(d);
        continue;
      }
      const t = r.txn;
      const d = el('div', 'grid txn ' + rowClass(t));
      d.dataset.i = String(i);
      d.dataset.id = String(r.id);
      if (r.id === st.selId) { d.classList.add('sel'); st.sel = i; }
      d.appendChild(el('div', '', fmtTime(r.start_us)));
      d.appendChild(el('div', '', t.side === 'client' ? 'cli' : t.side === 'server' ? 'srv' : '?'));
      d.appendChild(el('div', '', who(t)));
      d.appendChild(el('div', '', t.proto));
      d.appendChild(el('div', '', t.op));
      const tg = el('div', '', t.target);
      tg.title = t.target || '';
      d.appendChild(tg);
      d.appendChild(el('div', '', statusText(t)));
      d.appendChild(el('div', 'num', fmtSize(t.resp_body_bytes)));
      d.appendChild(el('div', 'num', fmtDur(t.duration_us)));
      const wf = el('div', 'wf');
      const bar = el('div', 'bar');
      bar.style.left = (100 * (r.start_us - st.t0) / span) + '%';
      bar.style.width = (100 * ((r.end_us || r.start_us) - r.start_us) / span) + '%';
      wf.appendChild(bar);
      d.appendChild(wf);
      rows.appendChild(d);
    }
  }
  function refresh(keepBottom) {
    const sc = $('scroller');
    const atBottom = sc.scrollTop + sc.clientHeight >= sc.scrollHeight - ROWH;
    reset();
    return api('txns', query({ offset: 0, limit: PAGE })).then((j) => {
      st.pages.set(0, j.rows);
      applyCounts(j);
      $('spacer').style.height = (st.total * ROWH) + 'px';
      if (keepBottom && atBottom && st.dir === 'asc' && (st.sort === 'id' || st.sort === 'time'))
        sc.scrollTop = sc.scrollHeight;
      render();
      showErr('');
    }).catch((e) => showErr(e.message));
  }
  function showErr(m) {
    $('ferr').textContent = m;
    $('filter').classList.toggle('bad', !!m);
  }
  function footer() {
    const c = st.counts;
    if (!c) return;
    const parts = [st.total + ' shown' + (st.filter ? ' (filtered)' : ''),
      c.seen + ' transactions seen'];
    const cap = st.info ? st.info.keep + ' transactions / ' + Math.round(st.info.keep_bytes / 1048576) + ' MiB' : '?';
    if (c.evicted) parts.push('kept the newest ' + c.kept + ' (cap ' + cap + '): ' + c.evicted + ' oldest dropped');
    else parts.push('all kept (cap ' + cap + ')');
    parts.push(c.lost_events + ' events lost');
    if (c.dropped_records) parts.push(c.dropped_records + ' payloads dropped');
    if (c.gap_bytes) parts.push(c.gap_bytes + ' bytes not captured');
    $('counts').textContent = parts.join(' · ');
    const s = $('state');
    s.className = c.lost_events || c.evicted ? 'warn' : '';
    s.textContent = (st.info ? st.info.input + ' · ' : '') + (c.done ? 'input read' :
      st.paused ? 'paused (' + st.newWhilePaused + ' new)' : 'live');
  }

  // --- selection and details ------------------------------------------------------------------
  function select(i, open) {
    if (i < 0 || i >= st.total) return;
    st.sel = i;
    const r = rowAt(i);
    const sc = $('scroller');
    if (i * ROWH < sc.scrollTop) sc.scrollTop = i * ROWH;
    else if ((i + 1) * ROWH > sc.scrollTop + sc.clientHeight) sc.scrollTop = (i + 1) * ROWH - sc.clientHeight;
    if (!r) { render(); return; }
    st.selId = r.id;
    render();
    if (open || !$('detail').hidden) openDetail(r.id);
  }
  function openDetail(id) {
    st.selId = id;
    $('detail').hidden = false;
    api('txn', { id: id }).then((j) => { st.detail = j; showTab(st.tab); })
      .catch((e) => { st.detail = null; $('dbody').replaceChildren(el('p', 'note', e.message)); });
    render();
  }
  function kvTable(obj) {
    const tb = el('table', 'kv');
    for (const k of Object.keys(obj)) {
      const v = obj[k];
      if (v === null || v === undefined || typeof v === 'object') continue;
      const tr = el('tr');
      tr.appendChild(el('td', '', k));
      tr.appendChild(el('td', '', v));
      tb.appendChild(tr);
    }
    return tb;
  }
  const CORE = ['req_headers', 'resp_headers', 'req_body', 'resp_body', 'req_body_b64', 'resp_body_b64'];
  function showTab(tab) {
    st.tab = tab;
    for (const b of document.querySelectorAll('#dtabs [data-tab]'))
      b.classList.toggle('active', b.dataset.tab === tab);
    const body = $('dbody');
    body.replaceChildren();
    const j = st.detail;
    if (!j) return;
    const t = j.txn;
    if (tab === 'headers') {
      body.appendChild(el('h3', '', 'General'));
      const g = {};
      for (const k of Object.keys(t)) if (!CORE.includes(k)) g[k] = t[k];
      body.appendChild(kvTable(g));
      body.appendChild(el('h3', '', 'Request headers'));
      body.appendChild(kvTable(t.req_headers || {}));
      body.appendChild(el('h3', '', 'Response headers'));
      body.appendChild(kvTable(t.resp_headers || {}));
    } else if (tab === 'request' || tab === 'response') {
      const p = tab === 'request' ? 'req' : 'resp';
      showBody(body, t, p);
    } else if (tab === 'timing') {
      const tb = {
        'started': new Date(j.start_us / 1000).toISOString(),
        'duration': t.duration_us === null ? '(no duration: ' + (t.incomplete || 'one message') + ')' : fmtDur(t.duration_us),
        'request bytes (wire / body)': t.req_wire_bytes + ' / ' + t.req_body_bytes,
        'response bytes (wire / body)': t.resp_wire_bytes + ' / ' + t.resp_body_bytes,
      };
      body.appendChild(kvTable(tb));
      const span = Math.max(1, st.t1 - st.t0);
      const wf = el('div', 'wf');
      wf.style.height = '21px';
      wf.style.border = '1px solid #e8eaed';
      const bar = el('div', 'bar');
      bar.style.left = (100 * (j.start_us - st.t0) / span) + '%';
      bar.style.width = (100 * ((j.end_us || j.start_us) - j.start_us) / span) + '%';
      wf.appendChild(bar);
      body.appendChild(el('p', 'note', 'On the time axis of the rows shown:'));
      body.appendChild(wf);
    } else if (tab === 'trace') {
      showTrace(body, j);
    }
  }
  function header(h, name) {
    if (!h) return '';
    for (const k of Object.keys(h)) if (k.toLowerCase() === name) return String(h[k]);
    return '';
  }
  const IMAGES = { 'image/png': 1, 'image/jpeg': 1, 'image/gif': 1, 'image/webp': 1, 'image/bmp': 1,
    'image/x-icon': 1, 'image/vnd.microsoft.icon': 1 };
  function b64bytes(s) {
    const bin = atob(s);
    const u = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) u[i] = bin.charCodeAt(i);
    return u;
  }
  function hexdump(u) {
    const lines = [];
    for (let o = 0; o < u.length; o += 16) {
      let hex = '', asc = '';
      for (let i = 0; i < 16; i++) {
        if (o + i < u.length) {
          const b = u[o + i];
          hex += b.toString(16).padStart(2, '0') + ' ';
          asc += b >= 32 && b < 127 ? String.fromCharCode(b) : '.';
        } else hex += '   ';
        if (i === 7) hex += ' ';
      }
      lines.push(o.toString(16).padStart(8, '0') + '  ' + hex + ' ' + asc);
    }
    return lines.join('\n');
  }
  function showBody(body, t, p) {
    const bytes = t[p + '_body_bytes'];
    const text = t[p + '_body'], b64 = t[p + '_body_b64'];
    const ctype = header(t[p + '_headers'], 'content-type').split(';')[0].trim().toLowerCase();
    body.appendChild(el('p', 'note', (bytes || 0) + ' body bytes' + (ctype ? ', ' + ctype : '') +
      (t[p + '_body_truncated'] ? ' (shown: the first part)' : '') +
      (t[p + '_body_captured'] === false ? ' (not captured: sendfile or lost)' : '')));
    if (text === undefined && b64 === undefined) return;
    if (b64 !== undefined && IMAGES[ctype] && /^[A-Za-z0-9+/]*={0,2}$/.test(b64) && !t[p + '_body_truncated']) {
      const img = el('img', 'bodyimg');
      img.alt = 'image body';
      img.src = 'data:' + ctype + ';base64,' + b64;
      body.appendChild(img);
      return;
    }
    if (b64 !== undefined) {
      body.appendChild(el('p', 'note', 'binary: hex'));
      body.appendChild(el('pre', '', hexdump(b64bytes(b64))));
      return;
    }
    // valid UTF-8 with control bytes (other than tab, CR, LF) is binary too
    if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text)) {
      body.appendChild(el('p', 'note', 'binary: hex'));
      body.appendChild(el('pre', '', hexdump(new TextEncoder().encode(text))));
      return;
    }
    let shown = text;
    if (ctype.includes('json') || /^\s*[[{]/.test(text)) {
      try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (e) { /* as it is */ }
    }
    body.appendChild(el('pre', '', shown));
  }
  function showTrace(body, j) {
    const t = j.txn;
    if (!t.span_id) { body.appendChild(el('p', 'note', 'no trace (chains did not run)')); return; }
    body.appendChild(el('p', 'note', 'trace ' + t.trace_id));
    api('trace', { id: j.id }).then((tr) => {
      if (st.detail !== j || st.tab !== 'trace') return;
      const spans = tr.spans;
      const byId = new Map(), kids = new Map(), roots = [];
      for (const s of spans) byId.set(s.txn.span_id, s);
      for (const s of spans) {
        const p = s.txn.parent_span_id;
        if (p && byId.has(p)) { if (!kids.has(p)) kids.set(p, []); kids.get(p).push(s); } else roots.push(s);
      }
      let t0 = Infinity, t1 = -Infinity;
      for (const s of spans) { t0 = Math.min(t0, s.start_us); t1 = Math.max(t1, s.end_us || s.start_us); }
      const w = Math.max(1, t1 - t0);
      const walk = (s, depth) => {
        const x = s.txn;
        const d = el('div', 'span ' + rowClass(x) + (s.id === j.id ? ' cur' : ''));
        const name = el('div', '', (depth ? '\u2514 ' : '') + who(x) + ' ' + (x.side === 'client' ? 'cli' : 'srv') +
          ' ' + (x.op || '') + ' ' + (x.target || '') + ' \u2192 ' + statusText(x) +
          (x.link_rule ? '  (' + x.link_rule + ')' : ''));
        name.style.paddingLeft = (depth * 14) + 'px';
        d.appendChild(name);
        d.appendChild(el('div', 'num', fmtDur(x.duration_us)));
        const wf = el('div', 'wf');
        const bar = el('div', 'bar');
        bar.style.left = (100 * (s.start_us - t0) / w) + '%';
        bar.style.width = (100 * ((s.end_us || s.start_us) - s.start_us) / w) + '%';
        wf.appendChild(bar);
        d.appendChild(wf);
        d.addEventListener('click', () => openDetail(s.id));
        body.appendChild(d);
        for (const k of kids.get(x.span_id) || []) walk(k, depth + 1);
      };
      for (const r of roots) walk(r, 0);
      body.appendChild(el('p', 'note', spans.length + ' spans kept' + (tr.more ? ', ' + tr.more + ' more not shown' : '')));
    }).catch((e) => body.appendChild(el('p', 'note', e.message)));
  }
  function showStats() {
    $('detail').hidden = false;
    st.detail = null;
    for (const b of document.querySelectorAll('#dtabs [data-tab]')) b.classList.remove('active');
    const body = $('dbody');
    body.replaceChildren(el('p', 'note', 'per endpoint, each exchange once (the client\'s view when both ends are recorded)'));
    api('stats', { filter: st.filter }).then((j) => {
      const cols = ['count', 'errors', 'error_rate', 'p50_ms', 'p90_ms', 'p99_ms', 'max_ms', 'req_bytes', 'resp_bytes'];
      const tb = el('table', 'stats');
      const hr = el('tr');
      hr.appendChild(el('th', '', 'group'));
      for (const c of cols) hr.appendChild(el('th', '', c));
      tb.appendChild(hr);
      for (const g of j.groups) {
        const tr = el('tr');
        const key = Object.keys(g).find((k) => !cols.includes(k) && typeof g[k] === 'string');
        const name = Object.keys(g).filter((k) => !cols.includes(k) && typeof g[k] !== 'object' &&
          typeof g[k] !== 'number').map((k) => g[k]).join(' ');
        tr.appendChild(el('td', '', name || (key ? g[key] : '')));
        for (const c of cols) tr.appendChild(el('td', '', g[c] === undefined || g[c] === null ? '' : g[c]));
        tb.appendChild(tr);
      }
      body.appendChild(tb);
    }).catch((e) => body.appendChild(el('p', 'note', e.message)));
  }

  // --- live ------------------------------------------------------------------------------------
  let refreshTimer = 0;
  function listen() {
    if (st.es) st.es.close();
    st.es = null;
    if (st.counts && st.counts.done) return; // the input is read: nothing more will come
    const q = new URLSearchParams({ filter: st.filter, after: String(st.lastId) });
    const es = new EventSource('/api/events?' + q.toString());
    st.es = es;
    es.addEventListener('txns', (ev) => {
      let j;
      try { j = JSON.parse(ev.data); } catch (e) { return; }
      if (j.last_id > st.lastId) st.lastId = j.last_id;
      st.counts = Object.assign({}, st.counts || {}, j);
      // (rows that came as events: tests/golden/serve.sh checks the live path with it)
      document.body.dataset.sseRows = String(Number(document.body.dataset.sseRows || 0) + j.rows.length);
      if (j.done) { es.close(); st.es = null; } // the input ended: the last rows are in
      if (st.paused) { st.newWhilePaused += j.rows.length; footer(); return; }
      footer();
      if (j.rows.length && !refreshTimer)
        refreshTimer = setTimeout(() => { refreshTimer = 0; refresh(true); }, 250);
    });
  }

  // --- events ----------------------------------------------------------------------------------
  function fromHash() {
    const h = new URLSearchParams(location.hash.slice(1));
    if (h.has('filter')) { st.filter = h.get('filter'); $('filter').value = st.filter; }
    if (h.has('sort')) st.sort = h.get('sort');
    if (h.has('dir')) st.dir = h.get('dir') === 'desc' ? 'desc' : 'asc';
    if (h.has('tab')) st.tab = h.get('tab');
    return h.has('id') ? Number(h.get('id')) : 0;
  }
  function toHash() {
    const h = new URLSearchParams();
    if (st.filter) h.set('filter', st.filter);
    if (st.sort !== 'id') { h.set('sort', st.sort); h.set('dir', st.dir); }
    if (st.selId && !$('detail').hidden) { h.set('id', String(st.selId)); h.set('tab', st.tab); }
    history.replaceState(null, '', location.pathname + (h.toString() ? '#' + h.toString() : ''));
  }
  function sortMarks() {
    for (const d of document.querySelectorAll('#thead [data-sort]')) {
      d.classList.remove('asc', 'desc');
      if (d.dataset.sort === st.sort && d.id !== 'wfhead') d.classList.add(st.dir);
    }
  }
  let filterTimer = 0;
  $('filter').addEventListener('input', () => {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(() => {
      st.filter = $('filter').value.trim();
      st.selId = 0;
      refresh(false).then(() => { listen(); toHash(); });
    }, 300);
  });
  $('thead').addEventListener('click', (ev) => {
    const d = ev.target.closest('[data-sort]');
    if (!d) return;
    if (st.sort === d.dataset.sort) st.dir = st.dir === 'asc' ? 'desc' : 'asc';
    else { st.sort = d.dataset.sort; st.dir = 'asc'; }
    sortMarks();
    refresh(false).then(toHash);
  });
  $('scroller').addEventListener('scroll', () => render());
  window.addEventListener('resize', () => render());
  $('rows').addEventListener('click', (ev) => {
    const d = ev.target.closest('.txn');
    if (!d || d.dataset.i === undefined) return;
    select(Number(d.dataset.i), true);
    toHash();
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.target === $('filter')) return;
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      select(st.sel < 0 ? 0 : st.sel + (ev.key === 'ArrowDown' ? 1 : -1), false);
      toHash();
    } else if (ev.key === 'Enter' && st.sel >= 0) {
      select(st.sel, true);
      toHash();
    } else if (ev.key === 'Escape') {
      $('detail').hidden = true;
      toHash();
    }
  });
  $('dclose').addEventListener('click', () => { $('detail').hidden = true; toHash(); });
  for (const b of document.querySelectorAll('#dtabs [data-tab]'))
    b.addEventListener('click', () => { showTab(b.dataset.tab); toHash(); });
  $('pause').addEventListener('click', () => {
    st.paused = !st.paused;
    $('pause').textContent = st.paused ? 'Resume' : 'Pause';
    $('pause').classList.toggle('on', st.paused);
    if (!st.paused) { st.newWhilePaused = 0; refresh(true); }
    footer();
  });
  $('statsbtn').addEventListener('click', showStats);

  // --- start -------------------------------------------------------------------------------------
  const openId = fromHash();
  sortMarks();
  api('info').then((info) => {
    st.info = info;
    st.live = info.live;
    $('pause').hidden = !info.live;
    document.title = 'tinytap: ' + info.input;
    return refresh(false);
  }).then(() => {
    listen();
    if (openId) openDetail(openId);
    toHash(); // the token leaves the address bar: the cookie carries it from here
    document.body.dataset.ready = '1';
    // from navigation to the first rows on screen (docs/web.md: measured)
    document.body.dataset.loadMs = String(Math.round(performance.now()));
  }).catch((e) => showErr(e.message));
})();
