// statusref: search, the compare picker, and the 404 page's redirect of reversed pairs.
// A classic script, with its index in search-index.js, so that it works from file:// as well as
// over http. Every control it drives is hidden until it runs: without JavaScript the pages read
// and link the same.
(function () {
  'use strict';
  var body = document.body;
  var root = body.getAttribute('data-root') || '';
  var suffix = body.getAttribute('data-suffix') || '';
  // The index is loaded when a reader first uses the search box (or a missing page needs it):
  // it holds every code of every protocol, more than most pages need.
  var index = window.statusrefIndex || null;
  var waiting = null;

  function withIndex(done) {
    if (index) { done(); return; }
    if (waiting) { waiting.push(done); return; }
    waiting = [done];
    var script = document.createElement('script');
    var loaded = function () {
      index = window.statusrefIndex || { protocols: [], codes: [] };
      var queued = waiting;
      waiting = null;
      queued.forEach(function (f) { f(); });
    };
    script.onload = loaded;
    script.onerror = loaded;
    script.src = body.getAttribute('data-index');
    document.head.appendChild(script);
  }

  function href(path) { return root + path + suffix; }

  function protocolOf(slug) {
    for (var i = 0; i < index.protocols.length; i++) {
      if (index.protocols[i].slug === slug) return index.protocols[i];
    }
    return null;
  }

  // A code of a protocol by its page's URL segment or as it is written, in any case, among
  // `codes` (the index's, by default).
  function findCode(slug, token, codes) {
    var t = token.toLowerCase(), list = codes || index.codes;
    for (var i = 0; i < list.length; i++) {
      var c = list[i];
      if ((c.p === undefined || c.p === slug) && (c.u === t || c.c.toLowerCase() === t)) return c;
    }
    return null;
  }

  // The only page of a pair: the code that comes first in the protocol's order, then the other.
  // Both codes are index entries; the rank is the build's own order, so no rule is repeated here.
  function pairPath(slug, a, b) {
    var lo = a.r < b.r ? a : b, hi = lo === a ? b : a;
    return slug + '/' + lo.u + '-vs-' + hi.u + '/';
  }

  // Words of a query or a text. Dots and underscores stay inside a word, so that 5.7.1 and
  // DEADLINE_EXCEEDED are one word each; a dot that ends a sentence does not.
  function words(text) {
    return text.toLowerCase().split(/[^a-z0-9'._]+/).map(function (w) {
      return w.replace(/^[._']+|[._']+$/g, '');
    }).filter(function (w) { return w.length > 0; });
  }

  // Two codes in one query: "211 vs 503", "211 503", "211-vs-503", "211, 503", "211/503".
  function pairTokens(query) {
    var parts = query.trim().split(/\s*-vs-\s*|\s+(?:vs\.?|versus|v)\s+|\s*[,\/]\s*|\s+/i);
    if (parts.length === 2 && parts[0] && parts[1]) return parts;
    var m = /^\s*(\d+)-(\d+)\s*$/.exec(query);
    return m ? [m[1], m[2]] : null;
  }

  // Every protocol that has both codes of the query, as its comparison; the protocol of the page
  // the reader is on comes first.
  function pairResults(query, here, only) {
    var tokens = pairTokens(query);
    if (!tokens) return [];
    var out = [];
    index.protocols.forEach(function (p) {
      if (only && only.indexOf(p.slug) < 0) return;
      var a = findCode(p.slug, tokens[0]), b = findCode(p.slug, tokens[1]);
      if (a && b && a !== b && !a.x && !b.x) {
        var lo = a.r < b.r ? a : b, hi = lo === a ? b : a;
        out[p.slug === here ? 'unshift' : 'push']({
          title: p.name + ' ' + lo.n + ' vs ' + hi.n,
          detail: 'Comparison',
          path: pairPath(p.slug, a, b),
        });
      }
    });
    return out;
  }

  // Codes matching every word of the query; on a protocol's pages its codes win a tie.
  function codeResults(query, here, only) {
    var terms = words(query);
    if (terms.length === 0) return [];
    var scored = [];
    index.codes.forEach(function (c) {
      if (only && only.indexOf(c.p) < 0) return;
      var code = c.c.toLowerCase(), name = words(c.n), summary = words(c.s), score = 0;
      var also = words((c.a || []).join(' '));
      for (var i = 0; i < terms.length; i++) {
        var t = terms[i], best = 0;
        if (code === t || c.u === t) best = 100;
        else if (also.indexOf(t) >= 0) best = 90;
        else if (code.indexOf(t) === 0) best = 40;
        if (name.indexOf(t) >= 0) best = Math.max(best, 12);
        else if (name.some(function (w) { return w.indexOf(t) === 0; })) best = Math.max(best, 8);
        if (summary.indexOf(t) >= 0) best = Math.max(best, 3);
        else if (t.length > 2 && summary.some(function (w) { return w.indexOf(t) === 0; })) best = Math.max(best, 2);
        if (best === 0) return;  // every word must match somewhere
        score += best;
      }
      if (c.p === here) score += 1;
      scored.push({ score: score, code: c });
    });
    scored.sort(function (x, y) {
      return y.score - x.score || (x.code.p < y.code.p ? -1 : x.code.p > y.code.p ? 1 : x.code.r - y.code.r);
    });
    return scored.slice(0, 10).map(function (s) { return codeResult(s.code); });
  }

  function codeResult(c) {
    var p = protocolOf(c.p);
    return { title: (p ? p.name + ' ' : '') + c.n, detail: c.s, path: c.p + '/' + c.u + '/' };
  }

  // A code and a code of the protocol its codes travel with, typed together as a bounce quotes
  // them ("550 5.7.1", "421-4.7.0 …"): both pages, and a note when their classes disagree. What
  // the note says is the protocol's own sentence.
  function withResults(query, only) {
    var w = words(query).slice(0, 2);
    var out = { results: [], note: '' };
    if (w.length < 2) return out;
    index.protocols.forEach(function (p) {
      if (!p.w || out.results.length || (only && only.indexOf(p.slug) < 0)) return;
      var other = protocolOf(p.w.p);
      [[w[0], w[1]], [w[1], w[0]]].some(function (t) {
        var code = findCode(p.slug, t[0]), item = findCode(p.w.p, t[1]);
        if (!code || !item) return false;
        out.results = [codeResult(code), codeResult(item)];
        if (p.w.d && code.k && item.k && code.k !== item.k && other) {
          out.note = p.w.d.replace(/\{code\}/g, code.c).replace(/\{item\}/g, item.c)
            .replace(/\{code_class\}/g, p.k[code.k] || code.k)
            .replace(/\{item_class\}/g, other.k[item.k] || item.k);
        }
        return true;
      });
    });
    return out;
  }

  // The protocols a query names by its first or last word ("http 401 vs 403", "grpc 14"), and
  // the query without that word; a name two protocols share ("SMTP", "DNS") names both.
  function narrowed(query) {
    var parts = query.trim().split(/\s+/);
    var named = function (word) {
      var w = (word || '').toLowerCase();
      var slugs = index.protocols.filter(function (p) {
        return p.slug === w || p.name.toLowerCase() === w;
      }).map(function (p) { return p.slug; });
      return slugs.length ? slugs : null;
    };
    if (parts.length > 1) {
      var first = named(parts[0]);
      if (first) return { query: parts.slice(1).join(' '), only: first };
      var last = named(parts[parts.length - 1]);
      if (last) return { query: parts.slice(0, -1).join(' '), only: last };
    }
    return { query: query, only: null };
  }

  // A number that several protocols use, typed alone and not narrowed to one protocol: its page,
  // which says what it means in each, comes first.
  function numberResults(query, only) {
    var w = words(query);
    if (only || w.length !== 1) return [];
    return (index.numbers || []).filter(function (n) { return n.n === w[0]; }).map(function (n) {
      return { title: n.t, detail: 'The same number in each protocol', path: n.n + '/' };
    });
  }

  // `chosen`: the protocols the reader picked beside the box, or null for all.
  function search(text, here, chosen) {
    var n = narrowed(text), only = n.only, query = n.query;
    if (chosen) only = only ? only.filter(function (s) { return chosen.indexOf(s) >= 0; }) : chosen;
    var together = withResults(query, only);
    var codes = codeResults(query, here, only), numbers = numberResults(query, only);
    // On a protocol's pages its own code stays first, with the number's page right after it.
    var first = here && codes.length && codes[0].path.indexOf(here + '/') === 0 ? codes.splice(0, 1) : [];
    var results = together.results.concat(first, numbers, pairResults(query, here, only), codes);
    return { results: results.slice(0, 10), note: together.note };
  }

  function setUpSearch(form) {
    var input = form.querySelector('input[type=search]');
    var list = form.querySelector('[role=listbox]');
    var status = form.querySelector('[role=status]');
    var panel = form.querySelector('.search-panel');
    var noteBox = form.querySelector('.search-note');
    var picked = form.querySelector('.search-protocol select');
    var results = [], note = '', active = -1;

    // The protocols to choose from, by name: the two sets SMTP and DNS each have go together.
    function fillProtocols() {
      if (!picked || picked.options.length > 1) return;
      var byName = {};
      index.protocols.forEach(function (p) { (byName[p.name] = byName[p.name] || []).push(p.slug); });
      Object.keys(byName).sort(function (a, b) { return a.toLowerCase() < b.toLowerCase() ? -1 : 1; })
        .forEach(function (name) { picked.add(new Option(name, byName[name].join(' '))); });
    }

    function chosen() {
      return picked && picked.value ? picked.value.split(' ') : null;
    }

    function update() {
      withIndex(function () {
        fillProtocols();
        var found = search(input.value, form.getAttribute('data-protocol'), chosen());
        results = found.results;
        note = found.note;
        active = -1;
        render();
      });
    }

    function render() {
      list.innerHTML = '';
      results.forEach(function (r, i) {
        var li = document.createElement('li');
        li.id = 'search-option-' + i;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', i === active ? 'true' : 'false');
        // An option holds no link of its own (a link inside an option is a control inside a
        // control); choosing it by click or Enter goes to its page.
        li.setAttribute('data-href', href(r.path));
        var title = document.createElement('span');
        title.className = 'title';
        title.textContent = r.title;
        var detail = document.createElement('span');
        detail.className = 'detail';
        detail.textContent = r.detail;
        li.appendChild(title);
        li.appendChild(detail);
        li.addEventListener('mousedown', function (e) {
          e.preventDefault();  // keep focus in the input until the page changes
          window.location.href = li.getAttribute('data-href');
        });
        list.appendChild(li);
      });
      list.hidden = results.length === 0;
      noteBox.textContent = note;
      noteBox.hidden = note === '';
      panel.hidden = list.hidden && noteBox.hidden;
      if (active >= 0) input.setAttribute('aria-activedescendant', 'search-option-' + active);
      else input.removeAttribute('aria-activedescendant');
      status.textContent = input.value.trim() === '' ? '' :
        results.length === 0 ? 'No matching codes.' :
        results.length + (results.length === 1 ? ' result.' : ' results.') + ' Use the arrow keys to choose.' +
        (note ? ' ' + note : '');
    }

    input.addEventListener('input', update);
    if (picked) picked.addEventListener('change', function () { update(); input.focus(); });
    input.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown' && results.length) {
        active = (active + 1) % results.length; render(); e.preventDefault();
      } else if (e.key === 'ArrowUp' && results.length) {
        active = active <= 0 ? results.length - 1 : active - 1; render(); e.preventDefault();
      } else if (e.key === 'Escape') {
        input.value = ''; results = []; note = ''; active = -1; render();
      }
    });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var chosen = results[active >= 0 ? active : 0];
      if (chosen) window.location.href = href(chosen.path);
    });
    input.addEventListener('blur', function () {
      // Let a click on a result land before the list closes.
      setTimeout(function () { if (!form.contains(document.activeElement)) panel.hidden = true; }, 150);
    });
    input.addEventListener('focus', function () {
      withIndex(fillProtocols);
      if (results.length || note) render();
    });
    form.hidden = false;
  }

  // Every code of the protocol that has comparisons, in the protocol's order (its short list,
  // loaded by the picker's page), keeping the code the page chose.
  function fillPicker(select, codes) {
    var chosen = select.value;
    select.length = 0;
    codes.forEach(function (c) { select.add(new Option(c.n, c.u)); });
    select.value = chosen;
  }

  function setUpPicker(form) {
    var slug = form.getAttribute('data-protocol');
    var codes = (window.statusrefCodes || {})[slug];
    if (!codes) return;
    var message = form.querySelector('.picker-message');
    fillPicker(form.elements.a, codes);
    fillPicker(form.elements.b, codes);
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var a = findCode(slug, form.elements.a.value, codes), b = findCode(slug, form.elements.b.value, codes);
      if (!a || !b) return;
      if (a === b) {
        message.textContent = 'Choose two different codes.';
        return;
      }
      window.location.href = href(pairPath(slug, a, b));
    });
    form.hidden = false;
  }

  // On the 404 page: a pair written higher code first goes to its one real page.
  function redirectReversedPair() {
    var m = /\/([a-z0-9-]+)\/([^\/]+)-vs-([^\/]+?)\/?(?:index\.html)?$/.exec(window.location.pathname);
    if (!m) return false;
    var a = findCode(m[1], decodeURIComponent(m[2])), b = findCode(m[1], decodeURIComponent(m[3]));
    if (!a || !b || a === b || a.r < b.r) return false;
    window.location.replace(href(pairPath(m[1], a, b)));
    return true;
  }

  if (body.getAttribute('data-page') === '404') withIndex(redirectReversedPair);
  Array.prototype.forEach.call(document.querySelectorAll('form.search'), setUpSearch);
  Array.prototype.forEach.call(document.querySelectorAll('form.picker'), setUpPicker);
})();
