/*
 * mkdocs-vault: the browser side of the generated pages.
 *
 * - sortable tables (directory and task pages): click a column header to sort by it;
 * - long listings shown in part (pages/long_listing.py): the whole listing fetched on request;
 * - graphs (a note's local graph, the global graph page), drawn with the vendored force-graph library,
 *   loaded from this site only when a page has a graph; names show for the pointed-at note and its
 *   neighbours, the current note, and every note once zoomed in far enough, never one over another;
 * - hover previews of internal links: the linked page's title, properties and first paragraphs.
 *   Material's own instant previews need `site_url` and a sitemap whose host and port match the page;
 *   this works from any host, port and sub-path;
 * - the vendored mermaid and KaTeX, loaded only on a page with a diagram or a formula (a 3.5 MB and a
 *   0.3 MB download that most pages never need);
 * - a file explorer at the foot of the left-hand navigation: every published note by folder, from one
 *   JSON file per site fetched when the reader opens it; the current note's folder opens, the note is
 *   marked.
 *
 * Runs on every page load, including Material's instant navigation (its `document$` observable).
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var here = script ? script.src : location.href;
  var GRAPH_LIB = new URL("vendor/force-graph/force-graph.min.js", here).href;
  var VENDOR = new URL("../vendor/", here).href;  // assets/vendor/: mermaid and KaTeX
  var SITE_ROOT = new URL("../../", here).href;
  var EXPLORER_DATA = new URL("../vault/explorer.json", here).href;
  var COLOURS = {
    projects: "#3f51b5", people: "#e91e63", customers: "#009688", meeting: "#ff9800",
    daily: "#8bc34a", reference: "#795548", inbox: "#9c27b0"
  };
  var FALLBACK = ["#607d8b", "#00bcd4", "#cddc39", "#ff5722", "#673ab7", "#4caf50"];

  function colourOf(group) {
    if (COLOURS[group]) return COLOURS[group];
    var h = 0;
    for (var i = 0; i < group.length; i++) h = (h * 31 + group.charCodeAt(i)) >>> 0;
    return FALLBACK[h % FALLBACK.length];
  }

  /* -- sortable tables ------------------------------------------------------------------------ */
  function sortKey(cell) {
    return cell ? cell.getAttribute("data-sort") || "" : "";
  }

  function makeSortable(table) {
    if (table.dataset.vaultSortable) return;
    table.dataset.vaultSortable = "1";
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, column) {
      th.tabIndex = 0;
      th.classList.add("vault-sort");
      function sort() {
        // A long listing shows its first rows (pages/long_listing.py): a sort is over all of them.
        var part = table.closest(".vault-long[data-vault-whole]");
        if (part) {
          wholeListing(part).then(function (box) {
            var again = box.querySelector("table.vault-sortable");
            if (again && again.tHead) again.tHead.rows[0].cells[column].click();
          });
          return;
        }
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var numeric = rows.every(function (r) {
          var k = sortKey(r.cells[column]);
          return k === "" || !isNaN(Number(k));
        });
        rows.forEach(function (r, i) { r._vaultIndex = i; });
        rows.sort(function (a, b) {
          var x = sortKey(a.cells[column]), y = sortKey(b.cells[column]);
          var result;
          if (x === "" || y === "") result = (x === "") - (y === "");  // empty cells always last
          else if (numeric) result = (Number(x) - Number(y)) * (ascending ? 1 : -1);
          else result = (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
          return result || a._vaultIndex - b._vaultIndex;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); }
      });
    });
  }

  /* -- long listings ---------------------------------------------------------------------------- */
  /* A long generated listing (the open tasks, a big directory or tag) comes with its first rows and
     the address of the whole listing, fetched when the reader asks for it: the button under it, a sort,
     or an in-page link (the timeline's months) to a part not shown yet. */
  function wholeListing(box) {
    if (!box.vaultWhole) {
      var url = new URL(box.getAttribute("data-vault-whole"), location.href).href;
      box.vaultWhole = fetch(url).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.text();
      }).then(function (text) {
        box.innerHTML = text;
        box.removeAttribute("data-vault-whole");
        var more = box.nextElementSibling;
        if (more && more.classList.contains("vault-long__more")) more.remove();
        Array.prototype.forEach.call(box.querySelectorAll("table.vault-sortable"), makeSortable);
        return box;
      });
      box.vaultWhole.catch(function (error) {
        box.vaultWhole = null;
        var button = box.nextElementSibling && box.nextElementSibling.querySelector("button");
        if (button) button.textContent = "The rest could not be loaded (" + error.message + "): try again";
      });
    }
    return box.vaultWhole;
  }

  function longListings() {
    Array.prototype.forEach.call(document.querySelectorAll(".vault-long[data-vault-whole]"), function (box) {
      var more = box.nextElementSibling;
      var button = more && more.querySelector(".vault-long__button");
      if (!button || button.dataset.vaultBound) return;
      button.dataset.vaultBound = "1";
      button.addEventListener("click", function () { wholeListing(box); });
      box.addEventListener("click", function (e) {
        var a = e.target.closest && e.target.closest('a[href^="#"]');
        var id = a && decodeURIComponent(a.getAttribute("href").slice(1));
        if (!id || document.getElementById(id)) return;
        e.preventDefault();
        wholeListing(box).then(function () {
          var target = document.getElementById(id);
          if (target) { history.pushState(null, "", "#" + id); target.scrollIntoView(); }
        });
      });
    });
  }

  /* -- libraries loaded on demand ----------------------------------------------------------- */
  var scripts = {};

  function loadScript(url) {
    if (!scripts[url]) {
      scripts[url] = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = url;
        tag.onload = function () { resolve(); };
        tag.onerror = function () { reject(new Error("could not load " + url.split("/").pop())); };
        document.head.appendChild(tag);
      });
    }
    return scripts[url];
  }

  function loadStyle(url) {
    var present = Array.prototype.some.call(document.querySelectorAll('link[rel="stylesheet"]'), function (l) {
      return l.href === url;
    });
    if (present) return;
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = url;
    document.head.appendChild(link);
  }

  /* Material draws `pre.mermaid` blocks itself (themed to the palette), with the global `mermaid` when
     there is one and else from a CDN, which a private site must not call. This stand-in takes that
     place: Material calls `initialize` and then `render` on the first diagram of a page, and only then
     is the site's own copy fetched; it replaces the stand-in as the global `mermaid`. A site that loads
     mermaid itself (extra_javascript) keeps its own. */
  if (typeof window.mermaid === "undefined") {
    var mermaidConfig = null;
    window.mermaid = {
      vaultStandIn: true,
      initialize: function (config) { mermaidConfig = config; },
      render: function (id, text) {
        return loadScript(VENDOR + "mermaid/mermaid.min.js").then(function () {
          var real = window.mermaid;
          if (!real || real.vaultStandIn) throw new Error("mermaid did not load");
          if (mermaidConfig) { real.initialize(mermaidConfig); mermaidConfig = null; }
          return real.render(id, text);
        });
      }
    };
  }

  /* Formulas: pymdownx.arithmatex (generic mode) writes `\(...\)` and `\[...\]` inside `.arithmatex`
     elements; KaTeX and its auto-render extension draw them. */
  function renderMath() {
    var blocks = document.querySelectorAll(".arithmatex");
    if (!blocks.length) return;
    loadStyle(VENDOR + "katex/katex.min.css");
    loadScript(VENDOR + "katex/katex.min.js")
      .then(function () { return loadScript(VENDOR + "katex/contrib/auto-render.min.js"); })
      .then(function () {
        Array.prototype.forEach.call(blocks, function (el) {
          window.renderMathInElement(el, {
            delimiters: [
              { left: "\\(", right: "\\)", display: false },
              { left: "\\[", right: "\\]", display: true }
            ],
            throwOnError: false
          });
        });
      })
      .catch(function (error) { console.warn("mkdocs-vault: " + error.message); });
  }

  /* -- graphs -------------------------------------------------------------------------------- */
  function loadLibrary() {
    if (window.ForceGraph) return Promise.resolve(window.ForceGraph);
    return loadScript(GRAPH_LIB).then(function () {
      if (!window.ForceGraph) throw new Error("could not load the graph library");
      return window.ForceGraph;
    });
  }

  function graphData(el) {
    var inline = el.querySelector(".vault-graph-data");  // a <template>: its text is in its content
    if (inline) return Promise.resolve(JSON.parse((inline.content || inline).textContent));
    return fetch(el.getAttribute("data-graph-src")).then(function (r) {
      if (!r.ok) throw new Error("graph data: HTTP " + r.status);
      return r.json();
    });
  }

  /* Dots that keep their distance: pairs closer than their radii (plus a gap) are pushed apart. Nodes
     are binned into a grid first, so a step costs about the number of nodes, not its square; d3's own
     forceCollide is inside the graph library's bundle but not exported from it. */
  function collision(nodes, radius, gap) {
    return function (alpha) {
      var size = 2 * (radius.max + gap), grid = {};
      nodes.forEach(function (n) {
        var key = Math.floor(n.x / size) + "," + Math.floor(n.y / size);
        (grid[key] = grid[key] || []).push(n);
      });
      nodes.forEach(function (a) {
        var gx = Math.floor(a.x / size), gy = Math.floor(a.y / size);
        for (var dx = -1; dx <= 1; dx++) {
          for (var dy = -1; dy <= 1; dy++) {
            (grid[(gx + dx) + "," + (gy + dy)] || []).forEach(function (b) {
              if (b.id <= a.id) return;
              var x = a.x - b.x, y = a.y - b.y, d = Math.sqrt(x * x + y * y) || 0.01;
              var min = radius(a) + radius(b) + gap;
              if (d >= min) return;
              var push = (min - d) / d * 0.5 * Math.min(1, alpha * 4);
              a.x += x * push; a.y += y * push; b.x -= x * push; b.y -= y * push;
            });
          }
        }
      });
    };
  }

  /* The zoom from which every label may show: where dots sit about 36 px apart on screen (the median
     distance from a dot to its nearest neighbour, over a sample), so a name mostly finds room. A local
     graph of a dozen notes is named at once; the global graph of a thousand as one zooms in. */
  function labelZoom(nodes) {
    var step = Math.max(1, Math.floor(nodes.length / 250)), nearest = [];
    for (var i = 0; i < nodes.length; i += step) {
      var a = nodes[i], best = Infinity;
      for (var j = 0; j < nodes.length; j++) {
        if (j === i) continue;
        var x = a.x - nodes[j].x, y = a.y - nodes[j].y, d = x * x + y * y;
        if (d < best) best = d;
      }
      if (best < Infinity) nearest.push(Math.sqrt(best));
    }
    if (!nearest.length) return 0;
    nearest.sort(function (p, q) { return p - q; });
    return 36 / Math.max(nearest[Math.floor(nearest.length / 2)], 1);
  }

  function drawGraph(el) {
    if (el.dataset.vaultDrawn) return;
    el.dataset.vaultDrawn = "1";
    var local = el.classList.contains("vault-graph--local");
    var base = el.getAttribute("data-base") || "";
    Promise.all([loadLibrary(), graphData(el)]).then(function (loaded) {
      var ForceGraph = loaded[0], raw = loaded[1];
      var nodes = raw.nodes.map(function (n, i) {
        return { id: i, title: n.t, href: base + n.u, group: n.g || "", centre: !!n.c };
      });
      var links = raw.links.map(function (l) { return { source: l[0], target: l[1] }; });
      var degree = {}, neighbours = nodes.map(function () { return []; });
      links.forEach(function (l) {
        degree[l.source] = (degree[l.source] || 0) + 1;
        degree[l.target] = (degree[l.target] || 0) + 1;
        neighbours[l.source].push(l.target);
        neighbours[l.target].push(l.source);
      });
      function radius(n) { return Math.sqrt(n.centre ? 6 : 1 + Math.min(degree[n.id] || 0, 12) / 3) * 3; }
      radius.max = Math.sqrt(6) * 3;
      var width = el.clientWidth || 600;
      var height = local ? 320 : Math.max(480, Math.min(window.innerHeight - 200, 800));
      var dark = document.body.getAttribute("data-md-color-scheme") === "slate";
      var ink = dark ? "rgba(255,255,255,0.85)" : "rgba(0,0,0,0.8)";
      var halo = dark ? "rgba(30,33,41,0.85)" : "rgba(255,255,255,0.85)";
      // Fainter links the more there are: at a thousand notes full-strength links hide the dots.
      var alpha = links.length > 1500 ? 0.5 : links.length > 400 ? 0.75 : 1;
      var linkInk = dark ? "rgba(255,255,255," + 0.2 * alpha + ")" : "rgba(0,0,0," + 0.15 * alpha + ")";
      var linkLit = dark ? "rgba(255,255,255,0.7)" : "rgba(0,0,0,0.55)";
      var linkDim = dark ? "rgba(255,255,255,0.04)" : "rgba(0,0,0,0.03)";
      // Pointing at a note lights it and its neighbours (named, their links drawn) and dims the rest.
      var hovered = null, lit = {};
      var showFrom = Infinity;  // the zoom from which every label may show (labelZoom), once laid out
      function endId(end) { return typeof end === "object" ? end.id : end; }
      var graph = ForceGraph()(el)
        .width(width)
        .height(height)
        .backgroundColor("rgba(0,0,0,0)")
        .graphData({ nodes: nodes, links: links })
        .nodeId("id")
        .nodeLabel(function () { return ""; })
        .nodeVal(function (n) { return n.centre ? 6 : 1 + Math.min(degree[n.id] || 0, 12) / 3; })
        .linkColor(function (l) {
          if (!hovered) return linkInk;
          return endId(l.source) === hovered.id || endId(l.target) === hovered.id ? linkLit : linkDim;
        })
        .linkWidth(function (l) {
          return hovered && (endId(l.source) === hovered.id || endId(l.target) === hovered.id) ? 1.5 : 1;
        })
        .nodeCanvasObject(function (n, ctx) {
          ctx.globalAlpha = hovered && !lit[n.id] ? 0.2 : 1;
          ctx.beginPath();
          ctx.arc(n.x, n.y, radius(n), 0, 2 * Math.PI);
          ctx.fillStyle = colourOf(n.group);
          ctx.fill();
          if (n.centre) { ctx.lineWidth = 1.5; ctx.strokeStyle = ink; ctx.stroke(); }
          ctx.globalAlpha = 1;
        })
        // Labels after every dot, most wanted first, each only where it overlaps no label drawn before
        // it: the pointed-at note, the current note, their neighbours, then (zoomed in) the best linked.
        .onRenderFramePost(function (ctx, scale) {
          var all = scale >= showFrom;
          var topLeft = graph.screen2GraphCoords(0, 0);
          var bottomRight = graph.screen2GraphCoords(graph.width(), graph.height());
          var wanted = [];
          nodes.forEach(function (n) {
            var rank = n === hovered ? 4 : n.centre ? 3 : hovered && lit[n.id] ? 2 : all ? 1 : 0;
            if (!rank || n.x < topLeft.x || n.x > bottomRight.x || n.y < topLeft.y || n.y > bottomRight.y) return;
            wanted.push([rank, degree[n.id] || 0, n]);
          });
          wanted.sort(function (p, q) { return q[0] - p[0] || q[1] - p[1] || p[2].id - q[2].id; });
          var size = 11 / Math.max(scale, 0.8), placed = [];
          ctx.textAlign = "center";
          ctx.textBaseline = "top";
          ctx.lineWidth = 3 / Math.max(scale, 0.8);
          for (var i = 0; i < wanted.length && placed.length < 300; i++) {
            var n = wanted[i][2];
            ctx.font = (n.centre || n === hovered ? "bold " : "") + size + "px sans-serif";
            var w = ctx.measureText(n.title).width, top = n.y + radius(n) + 1;
            var box = [n.x - w / 2 - 2 / scale, top, n.x + w / 2 + 2 / scale, top + size * 1.2];
            var clash = wanted[i][0] < 4 && placed.some(function (b) {
              return box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3];
            });
            if (clash) continue;
            placed.push(box);
            // A halo in the page's colour keeps a name legible over the links and dots behind it.
            ctx.strokeStyle = halo;
            ctx.strokeText(n.title, n.x, top);
            ctx.fillStyle = ink;
            ctx.fillText(n.title, n.x, top);
          }
          el.dataset.vaultLabels = String(placed.length);
        })
        .nodePointerAreaPaint(function (n, colour, ctx) {
          ctx.fillStyle = colour;
          ctx.beginPath();
          ctx.arc(n.x, n.y, Math.max(radius(n), 6), 0, 2 * Math.PI);
          ctx.fill();
        })
        .onNodeHover(function (n) {
          hovered = n || null;
          lit = {};
          if (n) { lit[n.id] = true; neighbours[n.id].forEach(function (id) { lit[id] = true; }); }
          el.style.cursor = n ? "pointer" : "";
          el.title = n ? n.title : "";
          redraw();
        })
        .onNodeClick(function (n) { if (!n.centre) location.href = n.href; })
        .warmupTicks(local ? 60 : 120)
        .cooldownTicks(local ? 80 : 200);
      // The library draws again only while the layout moves or the view changes: a new pointed-at note
      // needs one more frame.
      function redraw() {
        graph.autoPauseRedraw(false);
        requestAnimationFrame(function () { requestAnimationFrame(function () { graph.autoPauseRedraw(true); }); });
      }
      // Spread for reading: stronger repulsion reaching a limited distance (far clusters stop pushing),
      // longer links between well linked notes, dots that do not overlap, and a weak pull to the centre
      // (notes without links would otherwise drift out of view).
      var big = nodes.length > 200;
      graph.d3Force("charge").strength(big ? -70 : -60).distanceMax(big ? 320 : 240);
      graph.d3Force("link").distance(function (l) {
        return 26 + 4 * Math.min(Math.sqrt(Math.min(degree[endId(l.source)] || 0, degree[endId(l.target)] || 0)), 4);
      });
      graph.d3Force("collide", collision(nodes, radius, 3));
      graph.d3Force("gravity", function (alpha) {
        var pull = (big ? 0.03 : 0.04) * alpha;
        nodes.forEach(function (n) { n.vx -= (n.x || 0) * pull; n.vy -= (n.y || 0) * pull; });
      });
      graph.onEngineStop(function () {
        showFrom = labelZoom(nodes);
        el.dataset.vaultLabelZoom = showFrom.toFixed(3);
        if (!el.dataset.vaultFitted) { el.dataset.vaultFitted = "1"; graph.zoomToFit(300, 30); }
        redraw();
      });
      el.vaultGraph = graph;  // for the browser tests: where a note is drawn
      legend(el, nodes);
      fullScreenButton(el, graph, width, height);
      el.dataset.vaultNodes = String(nodes.length);
      el.classList.add("vault-graph--ready");
    }).catch(function (error) {
      el.classList.add("vault-graph--failed");
      el.textContent = "The graph could not be drawn (" + error.message + ").";
    });
  }

  /* A graph fills the screen on request (the browser's Fullscreen API; Escape leaves it), redrawn at the
     screen's size, and back at its own size after. */
  function fullScreenButton(el, graph, width, height) {
    if (!el.requestFullscreen) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "vault-graph__full";
    button.title = "Full screen";
    button.setAttribute("aria-label", "Show the graph full screen");
    // Four corners, drawn here rather than a glyph some systems have no font for.
    button.innerHTML = '<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">' +
      '<path d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5" fill="none" stroke="currentColor" stroke-width="2"/></svg>';
    button.addEventListener("click", function () {
      if (document.fullscreenElement === el) document.exitFullscreen();
      else el.requestFullscreen().catch(function () { /* refused: the graph stays as it is */ });
    });
    el.addEventListener("fullscreenchange", function () {
      var full = document.fullscreenElement === el;
      graph.width(full ? window.innerWidth : width).height(full ? window.innerHeight : height);
      button.title = full ? "Leave full screen" : "Full screen";
      button.setAttribute("aria-label", full ? "Leave full screen" : "Show the graph full screen");
      setTimeout(function () { graph.zoomToFit(300, 30); }, 50);
    });
    el.appendChild(button);
  }

  function legend(el, nodes) {
    var groups = {};
    nodes.forEach(function (n) { if (n.group) groups[n.group] = true; });
    var names = Object.keys(groups).sort();
    if (!names.length) return;
    var list = document.createElement("ul");
    list.className = "vault-graph-legend";
    names.forEach(function (name) {
      var item = document.createElement("li");
      var dot = document.createElement("span");
      dot.className = "vault-graph-legend__dot";
      dot.style.background = colourOf(name);
      item.appendChild(dot);
      item.appendChild(document.createTextNode(name));
      list.appendChild(item);
    });
    el.parentNode.insertBefore(list, el.nextSibling);
  }

  /* -- hover previews ------------------------------------------------------------------------ */
  var cache = {};
  var popup = null, showTimer = null, hideTimer = null, current = null;

  function previewable(a) {
    if (!a.href || a.target || a.hasAttribute("download")) return false;
    if (!a.closest(".md-content")) return false;
    if (a.closest(".vault-preview, .headerlink, .md-source-file, .vault-graph")) return false;
    var url = new URL(a.href, location.href);
    if (url.origin !== location.origin || !/^https?:$/.test(url.protocol)) return false;
    if (url.pathname === location.pathname) return false;  // a heading on this page
    return /\/$|\.html$/.test(url.pathname);
  }

  function fetchPreview(url) {
    var key = url.split("#")[0];
    if (!cache[key]) {
      cache[key] = fetch(key).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.text();
      }).then(function (text) {
        var doc = new DOMParser().parseFromString(text, "text/html");
        var article = doc.querySelector("article.md-content__inner");
        if (!article) throw new Error("no content");
        var box = document.createElement("div");
        var taken = 0;
        Array.prototype.forEach.call(article.children, function (child) {
          if (taken >= 5 || child.matches("section, script, nav, .md-source-file, .md-content__button")) return;
          if (child.matches("h2, h3") && taken > 1) { taken = 5; return; }
          box.appendChild(document.importNode(child, true));
          taken += child.matches(".vault-properties, h1") ? 0 : 1;
        });
        // A preview is a glance: no scripts, and no embedded documents or media loading behind it.
        Array.prototype.forEach.call(
          box.querySelectorAll("a.headerlink, script, iframe, object, embed, video, audio"),
          function (n) { n.remove(); }
        );
        // Links inside the preview are relative to the previewed page: make them absolute.
        Array.prototype.forEach.call(box.querySelectorAll("[href], [src]"), function (n) {
          ["href", "src"].forEach(function (attr) {
            var v = n.getAttribute(attr);
            if (v && !/^#/.test(v)) n.setAttribute(attr, new URL(v, key).href);
          });
        });
        return box;
      });
    }
    return cache[key];
  }

  function hidePreview() {
    clearTimeout(showTimer);
    if (popup) { popup.remove(); popup = null; }
    current = null;
  }

  function place(el, a) {
    var rect = a.getBoundingClientRect();
    var top = rect.bottom + window.scrollY + 6;
    var left = Math.min(rect.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - 440);
    el.style.top = top + "px";
    el.style.left = Math.max(8, left) + "px";
  }

  function showPreview(a) {
    fetchPreview(a.href).then(function (box) {
      if (current !== a) return;
      hidePreview();
      current = a;
      popup = document.createElement("div");
      popup.className = "vault-preview md-typeset";
      popup.setAttribute("role", "tooltip");
      popup.appendChild(box.cloneNode(true));
      popup.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
      popup.addEventListener("mouseleave", function () { hideTimer = setTimeout(hidePreview, 250); });
      document.body.appendChild(popup);
      place(popup, a);
    }).catch(function () { /* no preview for this link: it stays an ordinary link */ });
  }

  function materialPreviewsActive() {
    // Material draws its own previews when the feature is on and the site has a canonical URL.
    try {
      var config = JSON.parse(document.getElementById("__config").textContent);
      return config.features.indexOf("navigation.instant.preview") >= 0 &&
        !!document.querySelector('link[rel="canonical"]');
    } catch (e) { return false; }
  }

  function bindPreviews() {
    if (document.body.dataset.vaultPreviews || materialPreviewsActive()) return;
    document.body.dataset.vaultPreviews = "1";
    document.addEventListener("mouseover", function (e) {
      var a = e.target.closest && e.target.closest("a");
      if (!a || a === current || !previewable(a)) return;
      clearTimeout(hideTimer);
      clearTimeout(showTimer);
      current = a;
      showTimer = setTimeout(function () { showPreview(a); }, 350);
    });
    document.addEventListener("mouseout", function (e) {
      var a = e.target.closest && e.target.closest("a");
      if (!a || a !== current) return;
      if (e.relatedTarget && popup && popup.contains(e.relatedTarget)) return;
      clearTimeout(showTimer);
      hideTimer = setTimeout(hidePreview, 250);
    });
    document.addEventListener("keydown", function (e) { if (e.key === "Escape") hidePreview(); });
  }

  /* A graph is drawn (and its 170 KB library fetched) when it comes near the screen: a note's local
     graph at the foot of a long page costs nothing to a reader who never scrolls there. */
  var graphWatcher = null;

  function watchGraphs() {
    if (graphWatcher) graphWatcher.disconnect();  // the last page's, after an instant navigation
    var graphs = document.querySelectorAll(".vault-graph");
    if (!("IntersectionObserver" in window)) {
      Array.prototype.forEach.call(graphs, drawGraph);
      return;
    }
    graphWatcher = new IntersectionObserver(function (entries, watcher) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        watcher.unobserve(entry.target);
        drawGraph(entry.target);
      });
    }, { rootMargin: "300px 0px" });
    Array.prototype.forEach.call(graphs, function (el) { graphWatcher.observe(el); });
  }

  /* -- the page's contents in the menu, on phones and tablets ---------------------------------- */
  /* Below 76.25em Material hides the right-hand column and shows a page's contents in the menu, under
     the page's own entry in the navigation. A note is not in the navigation (it never lists every
     note), so its contents, with its timeline, linked mentions and graph, were nowhere on a phone: a
     copy goes at the top of the menu, which the stylesheet shows only where the right column is hidden. */
  function contentsInMenu() {
    var menu = document.querySelector(".md-nav--primary > .md-nav__list");
    var toc = document.querySelector(".md-sidebar--secondary .md-nav--secondary");
    if (!menu || !toc || !toc.querySelector("a")) return;
    if (document.querySelector(".md-nav--primary .md-nav--secondary")) return;  // Material shows it there
    var item = document.createElement("li");
    item.className = "md-nav__item vault-menu-toc";
    var copy = toc.cloneNode(true);
    // A copy, not Material's component: nothing of Material's may find it as the page's contents.
    Array.prototype.forEach.call(copy.querySelectorAll("[data-md-component], [data-md-scrollfix]"), function (el) {
      el.removeAttribute("data-md-component");
      el.removeAttribute("data-md-scrollfix");
    });
    var label = copy.querySelector("label.md-nav__title");
    if (label) {
      var title = document.createElement("span");
      title.className = "md-nav__title vault-menu-toc__title";
      title.textContent = label.textContent.trim();
      label.replaceWith(title);
    }
    item.appendChild(copy);
    menu.insertBefore(item, menu.firstChild);
  }

  /* -- file explorer ------------------------------------------------------------------------- */
  /* The tree (pages/explorer.py) is fetched once, when the explorer is first opened (or at once on a
     page load if the reader left it open: sessionStorage), and a folder's entries are made only when
     it opens, so a vault of 10,000 notes costs a reader nothing until they look. */
  var explorerTree = null;
  var OPEN_KEY = "vault-explorer-open";

  function explorerData() {
    if (!explorerTree) {
      explorerTree = fetch(EXPLORER_DATA).then(function (r) {
        if (!r.ok) throw new Error("file list: HTTP " + r.status);
        return r.json();
      });
      explorerTree.catch(function () { explorerTree = null; });  // try again on the next opening
    }
    return explorerTree;
  }

  function samePage(url) {
    return new URL(url, location.href).pathname === location.pathname;
  }

  function noteUrl(folder, segment) {
    if (segment.charAt(0) === "/") return new URL(segment.slice(1) + "/", SITE_ROOT).href;
    return new URL(folder.u + (segment ? segment + "/" : ""), SITE_ROOT).href;
  }

  function holdsCurrent(folder) {
    return (folder.f || []).some(function (n) { return samePage(noteUrl(folder, n[1])); }) ||
      (folder.d || []).some(holdsCurrent);
  }

  function folderList(folder) {
    var list = document.createElement("ul");
    list.className = "vault-explorer__list";
    (folder.d || []).forEach(function (sub) {
      var item = document.createElement("li");
      item.className = "vault-explorer__folder";
      var details = document.createElement("details");
      var summary = document.createElement("summary");
      summary.textContent = sub.n;
      details.appendChild(summary);
      details.addEventListener("toggle", function () {
        if (details.open && !details.dataset.filled) {
          details.dataset.filled = "1";
          details.appendChild(folderList(sub));
        }
      });
      if (holdsCurrent(sub)) details.open = true;  // the current note's folder, and those above it
      item.appendChild(details);
      list.appendChild(item);
    });
    (folder.f || []).forEach(function (note) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = noteUrl(folder, note[1]);
      link.textContent = note[0];
      link.className = "vault-explorer__note";
      if (samePage(link.href)) link.setAttribute("aria-current", "page");
      item.appendChild(link);
      list.appendChild(item);
    });
    return list;
  }

  function fillExplorer(box) {
    if (box.dataset.filled) return;
    box.dataset.filled = "1";
    var tree = box.querySelector(".vault-explorer__tree");
    tree.textContent = "Loading…";
    explorerData().then(function (root) {
      tree.textContent = "";
      tree.appendChild(folderList(root));
      // A folder opened because it holds the current note fills itself when its `toggle` fires.
      var current = tree.querySelector('[aria-current="page"]');
      if (current) current.scrollIntoView({ block: "nearest" });
      box.classList.add("vault-explorer--ready");
    }).catch(function (error) {
      tree.textContent = "The list of notes could not be loaded (" + error.message + ").";
      delete box.dataset.filled;
    });
  }

  function mountExplorer() {
    var menu = document.querySelector(".md-sidebar--primary .md-nav--primary > .md-nav__list");
    if (!menu || menu.querySelector(".vault-explorer")) return;
    var item = document.createElement("li");
    item.className = "md-nav__item vault-explorer";
    var box = document.createElement("details");
    var summary = document.createElement("summary");
    summary.className = "md-nav__link vault-explorer__summary";
    summary.textContent = "All notes";
    var tree = document.createElement("div");
    tree.className = "vault-explorer__tree";
    box.appendChild(summary);
    box.appendChild(tree);
    box.addEventListener("toggle", function () {
      try { sessionStorage.setItem(OPEN_KEY, box.open ? "1" : ""); } catch (e) { /* private mode */ }
      if (box.open) fillExplorer(box);
    });
    item.appendChild(box);
    menu.appendChild(item);
    var wasOpen = false;
    try { wasOpen = sessionStorage.getItem(OPEN_KEY) === "1"; } catch (e) { /* private mode */ }
    if (wasOpen) box.open = true;  // fills it (toggle)
  }

  /* -- wiring -------------------------------------------------------------------------------- */
  function init() {
    hidePreview();
    Array.prototype.forEach.call(document.querySelectorAll("table.vault-sortable"), makeSortable);
    longListings();
    watchGraphs();
    renderMath();
    contentsInMenu();
    mountExplorer();
    bindPreviews();
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
