// The contradiction report page: renders the embedded JSON with DOM text nodes only (never innerHTML),
// so document text is always data.  No network access, no libraries.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("stance-data").textContent);
  var CONFLICTS = ["denies", "disputes", "contradicts"];
  var RELATIONS = CONFLICTS.concat(["supports"]);
  var state = { relations: { denies: true, disputes: true, contradicts: true, supports: false },
                speaker: "", doc: "", minScore: 0, text: "", groupsShown: D.meta.groups_shown || 12, openGroups: {} };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) for (var k in attrs) if (attrs[k] !== null && attrs[k] !== undefined) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "cls") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    }
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function fmt(v) { return v === null || v === undefined ? "–" : Number(v).toFixed(2); }
  function claim(i) { return D.claims[i]; }
  function doc(i) { return D.docs[i]; }
  function strength(p) { return p.relation === "supports" ? p.support : p.score; }

  // ---- filters ------------------------------------------------------------------------------
  function passes(p, ignoreRelation) {
    if (!ignoreRelation && !state.relations[p.relation]) return false;
    if (strength(p) < state.minScore) return false;
    var a = claim(p.a), b = claim(p.b);
    if (state.doc !== "" && String(a.doc) !== state.doc && String(b.doc) !== state.doc) return false;
    if (state.speaker) {
      var s = state.speaker.toLowerCase();
      if (a.speaker.toLowerCase().indexOf(s) < 0 && b.speaker.toLowerCase().indexOf(s) < 0) return false;
    }
    if (state.text) {
      var t = state.text.toLowerCase();
      var hay = [a.text, b.text, a.speaker, b.speaker, doc(a.doc).id, doc(b.doc).id, doc(a.doc).title || "", doc(b.doc).title || ""]
        .join(" \u0000 ").toLowerCase();
      if (hay.indexOf(t) < 0) return false;
    }
    return true;
  }

  // ---- cards ---------------------------------------------------------------------------------
  function sentence(c) {
    var q = el("div", { cls: "quote" }), pos = 0;
    c.marks.forEach(function (m) {
      if (m[1] > pos) q.appendChild(document.createTextNode(c.text.slice(pos, m[1])));
      var tag = m[0] === "source" ? "b" : m[0] === "cue" ? "em" : "mark";
      q.appendChild(el(tag, { cls: m[0], text: c.text.slice(m[1], m[2]) }));
      pos = m[2];
    });
    if (pos < c.text.length) q.appendChild(document.createTextNode(c.text.slice(pos)));
    return q;
  }
  function context(c) {
    var para = D.paragraphs[c.para], box = el("div", { cls: "context", hidden: "" });
    box.appendChild(document.createTextNode(para.slice(0, c.at)));
    box.appendChild(el("mark", { text: para.slice(c.at, c.at + c.text.length) }));
    box.appendChild(document.createTextNode(para.slice(c.at + c.text.length)));
    return box;
  }
  function side(c) {
    var d = doc(c.doc);
    var where = [d.id, d.source, d.date].filter(function (x) { return x; }).join(" · ");
    var ctx = context(c);
    var btn = el("button", { cls: "ctx", type: "button", title: "the sentence in its paragraph", text: "in context" });
    btn.addEventListener("click", function () { ctx.hidden = !ctx.hidden; });
    return el("div", { cls: "side" }, [
      el("div", { cls: "who" }, [el("b", { text: c.speaker }), " ", el("span", { cls: "att att-" + c.attitude, text: c.attitude }),
                                 c.cue ? el("span", { cls: "doc", text: " · cue “" + c.cue + "”" }) : null,
                                 el("span", { cls: "doc", title: d.title || d.id, text: " · " + where + " " }), btn]),
      sentence(c),
      c.refers ? el("div", { cls: "refers", text: "refers back to the story: “" + c.refers + "”" }) : null,
      c.reads ? el("div", { cls: "refers", text: c.reads }) : null, ctx]);
  }
  function card(p) {
    var a = claim(p.a), b = claim(p.b);
    var detail = p.relation === "supports" ? "support " + fmt(p.support) : "conflict score " + fmt(p.score) +
      (p.same !== null ? " · same proposition " + fmt(p.same) + " · incompatible " + fmt(p.opposed) : "");
    return el("article", { cls: "card", "data-relation": p.relation, "data-doc-a": doc(a.doc).id, "data-doc-b": doc(b.doc).id,
                           "data-source-a": a.speaker, "data-source-b": b.speaker, "data-score": p.score.toFixed(4) }, [
      el("div", { cls: "head" }, [el("span", { cls: "rel rel-" + p.relation, text: p.relation }),
                                  el("span", { cls: "score", text: fmt(strength(p)) }),
                                  detail + " · similarity " + fmt(p.similarity)]),
      side(a), el("div", { cls: "vs", text: "vs" }), side(b)]);
  }

  // ---- groups: who contradicts whom ------------------------------------------------------------
  var PLURAL = {};
  (D.plural_speakers || []).forEach(function (s) { PLURAL[s] = true; });
  function verb(who, one, many) { return PLURAL[who] ? many : one; }
  function headline(rel, neg, pos) {
    if (rel === "denies") return neg + " " + verb(neg, "denies", "deny") + " what " + pos + " " + verb(pos, "asserts", "assert");
    if (rel === "disputes") return neg + " " + verb(neg, "doubts", "doubt") + " what " + pos + " " + verb(pos, "asserts", "assert");
    if (rel === "supports") return neg + " and " + pos + " support each other";
    return neg + " and " + pos + " assert incompatible claims";
  }
  function groups(pairs) {
    var by = {}, out = [];
    pairs.forEach(function (p) {
      var neg = claim(p.a).speaker, pos = claim(p.b).speaker;
      if (p.relation === "contradicts" || p.relation === "supports") { var s = [neg, pos].sort(); neg = s[0]; pos = s[1]; }
      var key = p.relation + "\u0000" + neg + "\u0000" + pos;
      if (!by[key]) { by[key] = { key: key, relation: p.relation, neg: neg, pos: pos, pairs: [] }; out.push(by[key]); }
      by[key].pairs.push(p);
    });
    out.forEach(function (g) { g.pairs.sort(function (x, y) { return strength(y) - strength(x); }); g.top = strength(g.pairs[0]); });
    out.sort(function (x, y) { return y.top - x.top || RELATIONS.indexOf(x.relation) - RELATIONS.indexOf(y.relation); });
    // a claim that leads one group leads no other before every claim had its turn: one denial
    // opposed by five speakers would otherwise fill the first screen (as in conflict_groups)
    var seen = {}, first = [], later = [];
    out.forEach(function (g) { var k = g.pairs[0].a; (seen[k] ? later : first).push(g); seen[k] = true; });
    return first.concat(later);
  }
  function renderGroups() {
    var shown = D.pairs.filter(function (p) { return passes(p, false); });
    var gs = groups(shown), list = document.getElementById("group-list");
    list.textContent = "";
    if (!gs.length) list.appendChild(el("p", { cls: "empty", text: "No pair matches the filters." }));
    gs.slice(0, state.groupsShown).forEach(function (g) {
      var open = state.openGroups[g.key], box = el("section", { cls: "group", "data-relation": g.relation });
      var more = null;
      if (g.pairs.length > 1) {   // in the heading, so that a closed group costs no extra line
        more = el("button", { cls: "more", type: "button", text: open ? "fewer" : "show all " + g.pairs.length });
        more.addEventListener("click", function () { state.openGroups[g.key] = !open; renderGroups(); });
      }
      box.appendChild(el("h3", {}, [el("span", { cls: "rel rel-" + g.relation, text: g.relation }), " ",
                                    headline(g.relation, g.neg, g.pos), el("span", { cls: "score", text: fmt(g.top) }),
                                    el("span", { cls: "meta", text: g.pairs.length + (g.pairs.length === 1 ? " pair" : " pairs") }),
                                    more]));
      // one card per group until opened: the first screen then holds several conflicts, not one group's
      g.pairs.slice(0, open ? g.pairs.length : 1).forEach(function (p) { box.appendChild(card(p)); });
      list.appendChild(box);
    });
    if (gs.length > state.groupsShown) {
      var all = el("button", { type: "button", text: "show " + Math.min(gs.length - state.groupsShown, 20) + " more groups (" + gs.length + " in all)" });
      all.addEventListener("click", function () { state.groupsShown += 20; renderGroups(); });
      list.appendChild(all);
    }
    // counts: per relation under the other filters, and what is shown
    RELATIONS.forEach(function (r) {
      var n = D.pairs.filter(function (p) { return p.relation === r && passes(p, true); }).length;
      document.getElementById("count-" + r).textContent = "(" + n + ")";
    });
    document.getElementById("shown").textContent = shown.length + " pairs in " + gs.length + " groups";
  }

  // ---- evidence panel --------------------------------------------------------------------------
  function showEvidence(title, pairs, note) {
    var box = document.getElementById("evidence"), list = document.getElementById("evidence-list");
    document.getElementById("evidence-title").textContent = title;
    list.textContent = "";
    if (note) list.appendChild(el("p", { cls: "meta", text: note }));
    if (!pairs.length) list.appendChild(el("p", { cls: "empty", text: "No claim pair of this cell conflicts or supports: its score comes from related claims that neither support nor contradict each other (every judged pair is in pairs.jsonl)." }));
    pairs.sort(function (x, y) { return strength(y) - strength(x); }).forEach(function (p) { list.appendChild(card(p)); });
    box.hidden = false;
    box.scrollIntoView({ block: "nearest" });
  }

  // ---- matrices --------------------------------------------------------------------------------
  function colour(v) { return "rgba(192,57,43," + Math.max(0.04, Math.min(1, v)).toFixed(2) + ")"; }
  function matrix(target, labels, cells, describe, onPick) {
    var n = labels.length, grid = [], i;
    for (i = 0; i < n; i++) grid.push(new Array(n).fill(null));
    cells.forEach(function (c) { grid[c[0]][c[1]] = c; });
    var head = el("tr", {}, [el("th")].concat(labels.map(function (l) { return el("th", { title: l }, [el("span", { text: l })]); })));
    var table = el("table", { cls: "matrix" }, [el("thead", {}, [head])]);
    var body = el("tbody");
    labels.forEach(function (l, r) {
      var row = el("tr", {}, [el("th", { title: l, text: l })]);
      grid[r].forEach(function (c, k) {
        if (!c) { row.appendChild(el("td", { title: r === k ? l : l + " × " + labels[k] + ": no judged claim pairs" })); return; }
        var td = el("td", { cls: "cell", tabindex: "0", "data-row": labels[r], "data-col": labels[k], "data-value": c[2].toFixed(4),
                            title: describe(c, labels[r], labels[k]), text: c[3] ? String(c[3]) : "" });
        td.style.background = colour(c[2]);
        td.style.color = c[2] > 0.55 ? "#fff" : "#1d2330";
        var pick = function () {
          Array.prototype.forEach.call(document.querySelectorAll("td.selected"), function (x) { x.classList.remove("selected"); });
          td.classList.add("selected");
          onPick(c, labels[r], labels[k]);
        };
        td.addEventListener("click", pick);
        td.addEventListener("keydown", function (e) { if (e.key === "Enter") pick(); });
        row.appendChild(td);
      });
      body.appendChild(row);
    });
    table.appendChild(body);
    target.textContent = "";
    target.appendChild(table);
  }
  function renderMatrices() {
    var dm = D.doc_matrix, ids = dm.docs.map(function (i) { return doc(i).id; });
    var note = document.getElementById("doc-matrix-note");
    note.textContent = dm.docs.length < dm.of ? "The " + dm.docs.length + " most conflicted of " + dm.of +
      " documents, ordered so that documents that conflict together sit together; use the document filter for the rest (every pair is in doc_pairs.csv)."
      : "Ordered so that documents that conflict together sit together.";
    note.textContent += " Cell colour: the document pair's conflict (" + D.meta.doc_aggregation + "); number: conflicting claim pairs. Click a cell for its evidence.";
    matrix(document.getElementById("doc-matrix"), ids, dm.cells, function (c, a, b) {
      return a + " × " + b + ": conflict " + fmt(c[2]) + ", " + c[3] + " conflicting and " + c[4] + " supporting of " + c[5] + " claim pairs";
    }, function (c, a, b) {
      var pairs = D.pairs.filter(function (p) {
        var x = doc(claim(p.a).doc).id, y = doc(claim(p.b).doc).id;
        return (x === a && y === b) || (x === b && y === a);
      });
      var inPage = pairs.filter(function (p) { return CONFLICTS.indexOf(p.relation) >= 0; }).length;
      showEvidence(a + " × " + b + ": conflict " + fmt(c[2]) + " (" + c[3] + " conflicting, " + c[4] + " supporting of " + c[5] + " pairs)", pairs,
                   inPage < c[3] ? inPage + " of the " + c[3] + " conflicting pairs are in this page; contradictions.jsonl has them all." : null);
    });
    var sm = D.speaker_matrix;
    matrix(document.getElementById("speaker-matrix"), sm.speakers, sm.cells, function (c, a, b) {
      return a + " × " + b + ": " + fmt(c[2]) + ", " + c[3] + " conflicting pairs";
    }, function (c, a, b) {
      showEvidence(a + " × " + b + ": " + fmt(c[2]) + " (" + c[3] + " conflicting pairs)", D.pairs.filter(function (p) {
        var x = claim(p.a).speaker, y = claim(p.b).speaker;
        return (x === a && y === b) || (x === b && y === a);
      }));
    });
  }

  // ---- documents and controls ------------------------------------------------------------------
  function renderDocs() {
    var rows = D.docs.map(function (d) { return el("tr", {}, [el("td", { text: d.id }), el("td", { text: d.title || "" }),
                                                             el("td", { text: d.source || "" }), el("td", { text: d.date || "" })]); });
    var table = el("table", {}, [el("tr", {}, ["id", "title", "source", "date"].map(function (h) { return el("th", { text: h }); }))].concat(rows));
    document.getElementById("doc-table").appendChild(table);
  }
  function controls() {
    RELATIONS.forEach(function (r) {
      var box = document.getElementById("rel-" + r);
      box.checked = state.relations[r];
      box.addEventListener("change", function () { state.relations[r] = box.checked; renderGroups(); });
    });
    var speakers = {}, docSel = document.getElementById("f-doc"), list = document.getElementById("speaker-list"), inDocs = {};
    D.pairs.forEach(function (p) { [claim(p.a), claim(p.b)].forEach(function (c) { speakers[c.speaker] = 1; inDocs[c.doc] = 1; }); });
    Object.keys(speakers).sort().forEach(function (s) { list.appendChild(el("option", { value: s })); });
    Object.keys(inDocs).map(Number).sort(function (x, y) { return doc(x).id < doc(y).id ? -1 : 1; }).forEach(function (i) {
      docSel.appendChild(el("option", { value: String(i), text: doc(i).id + (doc(i).title ? " · " + doc(i).title.slice(0, 60) : "") }));
    });
    var on = function (id, ev, f) { document.getElementById(id).addEventListener(ev, f); };
    on("f-speaker", "input", function (e) { state.speaker = e.target.value.trim(); renderGroups(); });
    on("f-doc", "change", function (e) { state.doc = e.target.value; renderGroups(); });
    on("f-text", "input", function (e) { state.text = e.target.value.trim(); renderGroups(); });
    on("f-min", "input", function (e) { state.minScore = Number(e.target.value); document.getElementById("f-min-value").textContent = fmt(state.minScore); renderGroups(); });
    on("f-reset", "click", function () {
      ["f-speaker", "f-text"].forEach(function (id) { document.getElementById(id).value = ""; });
      document.getElementById("f-doc").value = ""; document.getElementById("f-min").value = "0";
      document.getElementById("f-min-value").textContent = fmt(0);
      state.speaker = state.text = state.doc = ""; state.minScore = 0;
      CONFLICTS.forEach(function (r) { state.relations[r] = true; document.getElementById("rel-" + r).checked = true; });
      state.relations.supports = false; document.getElementById("rel-supports").checked = false;
      renderGroups();
    });
    on("evidence-close", "click", function () { document.getElementById("evidence").hidden = true; });
  }

  controls();
  renderGroups();
  renderMatrices();
  renderDocs();
  document.body.setAttribute("data-ready", "1");
})();
