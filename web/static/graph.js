/* edflows: draws the page's graph with vis-network and fills the side panel on click.
   The data comes from the page itself (<script id="graph-data">); an organisation's record
   and sources are fetched from the app's own JSON API (/orgs/{id}). Text is always set with
   textContent, never parsed as HTML.
   Positions come from the server (web/layout.py): nothing moves, the same result draws the
   same picture. The view opens fitted to the whole drawing; when that would draw labels
   under 11 px, it opens on the start node at the smallest zoom whose labels are readable
   (smaller labels are never drawn: hover a circle, or use the list of what is drawn).
   Keys while the graph has the focus: + and - zoom in even steps of 20%, 0 fits the whole
   drawing, the arrow keys move it. The buttons above the drawing do the same.
   Ready signal (for tests and the benchmark): once the first frame is drawn and the click
   handlers are attached, #graph gets data-state="stable", <body> gets
   data-graph-ready="true" and window.edflowsGraphReady is true. */
(function () {
  "use strict";
  var MIN_LABEL_PX = 11, STEP = 1.2, PAN_PX = 80;
  var dataEl = document.getElementById("graph-data");
  var container = document.getElementById("graph");
  if (!dataEl || !container || typeof vis === "undefined") { return; }
  var data = JSON.parse(dataEl.textContent);
  var panel = document.getElementById("panel");
  var body = document.getElementById("panel-body");
  var title = document.getElementById("panel-title");
  var options = data.options;
  var fontSize = options.nodes.font.size;
  var network = new vis.Network(container, {
    nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet(data.edges)
  }, options);
  window.edflowsNetwork = network;
  // vis-network's own frame takes the keyboard focus: it, not the empty container, is now
  // the image with the graph's name
  var frame = container.querySelector(".vis-network");
  if (frame) {
    frame.id = "graph-canvas";
    frame.setAttribute("role", "img");
    frame.setAttribute("tabindex", "0");
    frame.setAttribute("aria-label", container.getAttribute("aria-label"));
    frame.setAttribute("aria-describedby", "graph-hint");
    container.removeAttribute("role");
    container.removeAttribute("aria-label");
    container.removeAttribute("aria-describedby");
    // a click focuses the frame without scrolling the page under the pointer
    frame.addEventListener("mousedown", function (e) {
      e.preventDefault();
      frame.focus({ preventScroll: true });
    });
    frame.addEventListener("keydown", function (e) {
      var moved = true;
      if (e.key === "+" || e.key === "=") { zoomBy(STEP); }
      else if (e.key === "-" || e.key === "_") { zoomBy(1 / STEP); }
      else if (e.key === "0") { fitAll(); }
      else if (e.key === "ArrowRight") { panBy(PAN_PX, 0); }
      else if (e.key === "ArrowLeft") { panBy(-PAN_PX, 0); }
      else if (e.key === "ArrowUp") { panBy(0, -PAN_PX); }
      else if (e.key === "ArrowDown") { panBy(0, PAN_PX); }
      else { moved = false; }
      if (moved) { e.preventDefault(); }
    });
  }
  function zoomBy(factor) {
    network.moveTo({ scale: network.getScale() * factor, animation: false });
    announce();
  }
  function panBy(dx, dy) {
    var p = network.getViewPosition(), s = network.getScale();
    network.moveTo({ position: { x: p.x + dx / s, y: p.y + dy / s }, animation: false });
  }
  function fitAll() { network.fit({ animation: false }); announce(); }
  function readableScale() { return (MIN_LABEL_PX + 0.5) / fontSize; }
  function opening() {
    network.fit({ animation: false });
    var least = readableScale();
    if (network.getScale() < least) {
      // open on the start node, at the edge the drawing grows away from
      var at = data.anchor && network.getPositions([data.anchor])[data.anchor];
      var centre = network.getViewPosition();
      if (at) {
        var half = (container.clientWidth / 2 - 90) / least;
        centre = { x: at.x + (centre.x >= at.x ? half : -half), y: at.y };
      }
      network.moveTo({ position: centre, scale: least, animation: false });
    }
    announce();
  }
  var zoomStatus = document.getElementById("graph-zoom");
  function announce() {
    if (!zoomStatus) { return; }
    var s = network.getScale();
    zoomStatus.textContent = "zoom " + Math.round(s * 100) + "%" +
      (s * fontSize < MIN_LABEL_PX ? ": names too small to draw, hover a circle or use the list" : "");
  }
  document.querySelectorAll("[data-zoom]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var how = btn.dataset.zoom;
      if (how === "in") { zoomBy(STEP); } else if (how === "out") { zoomBy(1 / STEP); } else { fitAll(); }
    });
  });

  network.on("click", function (params) {
    if (params.nodes.length) { showNode(params.nodes[0]); }
    else if (params.edges.length) { showFlow(params.edges[0]); }
  });
  document.querySelectorAll("[data-node]").forEach(function (btn) {
    btn.addEventListener("click", function () { showNode(btn.dataset.node, true); });
  });
  document.querySelectorAll("[data-flow]").forEach(function (btn) {
    btn.addEventListener("click", function () { showFlow(btn.dataset.flow, true); });
  });

  function settled() {
    container.dataset.state = "stable";
    document.body.dataset.graphReady = "true";
    window.edflowsGraphReady = true;
    var wanted = decodeURIComponent(location.hash.slice(1));
    if (wanted && data.info[wanted]) { showNode(wanted, true); }
    else if (wanted) {
      var note = document.getElementById("graph-missing");
      if (note) { note.hidden = false; note.textContent = "“" + wanted + "” is not in this drawing: the data does not reach it with these settings."; }
    }
  }
  network.once("afterDrawing", function () { opening(); settled(); });

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function link(href, text) { var a = el("a", text); a.href = href; return a; }
  function safeUrl(url) { return /^https?:\/\//i.test(url || "") ? url : null; }
  function show(heading, nodes, focus) {
    title.textContent = heading;
    body.replaceChildren.apply(body, nodes);
    panel.dataset.shown = "yes";
    if (focus) { panel.focus(); panel.scrollIntoView({ block: "nearest" }); }
  }
  // facts as a list; a fact in `always` that is missing is shown as "not stated"
  function facts(pairs, always) {
    var dl = el("dl");
    pairs.forEach(function (p) {
      var missing = p[1] === undefined || p[1] === null || p[1] === "" ||
          (Array.isArray(p[1]) && !p[1].length);
      if (missing && !(always && always.indexOf(p[0]) >= 0)) { return; }
      var dd = el("dd", missing ? "not stated" : (Array.isArray(p[1]) ? p[1].join(", ") : p[1]));
      if (missing) { dd.className = "not-stated"; }
      dl.append(el("dt", p[0]), dd);
    });
    return dl;
  }
  function itemName(id) { return (data.item_names && data.item_names[id]) || id; }
  function itemNames(ids) { return (ids || []).map(itemName); }
  function sourceList(sources) {
    var wrap = el("section", null, "sources");
    wrap.append(el("h3", "Sources (" + sources.length + ")"));
    if (!sources.length) { wrap.append(el("p", "No source named: treat as unverified.", "muted")); }
    var ul = el("ul");
    sources.forEach(function (s) {
      var li = el("li", null, "source");
      var url = safeUrl(s.url);
      li.append(url ? link(url, s.title || s.id) : el("span", s.title || s.id, "title"));
      var meta = [s.publisher, s.date, s.kind ? s.kind.replace(/_/g, " ") : null]
        .filter(Boolean).join(" · ");
      if (meta) { li.append(el("div", meta, "muted")); }
      ul.append(li);
    });
    wrap.append(ul);
    return wrap;
  }
  function name(id) { var i = data.info[id]; return i ? i.name : id; }
  // the page embeds each flow once with its sources' ids, and each source once (compact)
  function flowSources(f) {
    return (f.source_ids || []).map(function (s) { return (data.sources && data.sources[s]) || { id: s }; });
  }

  function showNode(id, focus) {
    if (focus) { try { network.selectNodes([id]); } catch (e) { /* not drawn */ } }
    var info = data.info[id] || { id: id, name: id };
    if (info.group) { return showGroup(info, focus); }
    var head = [facts([
      ["Type", info.type], ["Evidence", info.evidence], ["Hops from the start", info.hops],
      ["Via", info.via && info.via.length ? info.via.join(" → ") : null], ["Id", info.id]
    ])];
    var loading = el("p", "Loading its record and sources ...", "muted");
    show(info.name, head.concat([loading]), focus);
    fetch("/orgs/" + encodeURIComponent(id), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (d) {
        var f = d.fields || {};
        var extra = facts([
          ["Description", f.description], ["Country", f.country],
          ["Flows out", d.flows_out_total], ["Flows in", d.flows_in_total]
        ]);
        var more = el("p"); more.append(link("/record/" + encodeURIComponent(id), "Full record"));
        var r = data.routes;
        if (r && id !== data.anchor) {
          var q = new URLSearchParams({ from: r.to ? id : r.from, to: r.to || id, item: r.item });
          if (r.as_of) { q.set("as_of", r.as_of); }
          if (r.include_derived) { q.set("include_derived", "true"); }
          more.append(" · ", link("/routes?" + q.toString(), "all routes here, and the cut"));
        }
        show(info.name, head.concat([extra, sourceList(d.sources || []), more]), false);
      })
      .catch(function () { loading.textContent = "No record for this node in the graph."; });
  }

  function showGroup(info, focus) {
    var what = info.by_la ? info.count + " " + info.title + " (grouped by local authority)"
      : info.count + " organisations of the type " + info.title;
    var nodes = [el("p", what + ", drawn as one node to keep the drawing usable.")];
    var base = container.dataset.expandBase;
    if (base) {
      var p = el("p");
      p.append(link(base + "&expand=" + encodeURIComponent(info.group), "Expand this group"));
      nodes.push(p);
    }
    nodes.push(el("p", "Expand the group to draw its members one by one; the table below lists them all.", "muted"));
    show(info.name, nodes, focus);
  }

  function showFlow(id, focus) {
    var f = data.flows[id];
    if (!f) {
      var e = network.body.data.edges.get(id);
      show("Flow", [el("p", e && e.title ? e.title : "A grouped or structural link.")], focus);
      return;
    }
    if (focus) { try { network.selectEdges([id]); } catch (err) { /* not drawn */ } }
    var dates = [f.valid_from, f.valid_to].filter(Boolean).join(" to ");
    var purposes = (f.purposes || []).map(function (p) { return p.replace(/_/g, " "); }).join(", ");
    var record = el("p");
    record.append(link("/record/" + encodeURIComponent(f.flow_id), "The flow's own record"));
    show(name(f.from_id) + " → " + name(f.to_id), [facts([
      ["Kind", f.kind.replace(/_/g, " ")], ["Evidence", f.evidence + (f.derived ? " (derived data only)" : "")],
      ["Carries (matched)", itemNames(f.matched_items)], ["All items", itemNames(f.items)], ["Subjects", f.subjects],
      ["Purpose", f.purpose_text || purposes], ["Lawful basis", f.lawful_basis],
      ["Article 9 condition", f.art9_condition], ["Retention", f.retention],
      ["Storage country", f.storage_country], ["NPD tier", f.tier], ["In force", dates],
      ["Outcome", f.outcome], ["Conflicts between sources", f.conflicts],
      ["Disputed (some papers say so, others say not)", f.disputed_items],
      ["Denied by a source", f.denied_items],
      ["Figures", (f.figures || []).map(function (g) {
        return g.what + ": " + g.value + " (" + g.period + ", " + g.source + ")" +
          (g.superseded_by ? " superseded by " + g.superseded_by : "");
      })],
      ["Flow id", f.flow_id]
    ], ["Purpose", "Lawful basis", "Retention", "Storage country", "NPD tier", "In force"]),
    sourceList(flowSources(f)), record], focus);
  }
}());
