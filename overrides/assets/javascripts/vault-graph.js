/*
 * mkdocs-vault: graphs (a note's local graph, the global graph page), drawn with the vendored force-graph
 * library. vault.js loads this file and the library only when a graph comes near the screen, and then
 * calls `window.vaultDrawGraph(el)` for each graph element (a promise, rejected if it cannot be drawn).
 *
 * Names show for the pointed-at note and its neighbours, the current note, and every note once zoomed in
 * far enough, never one over another; pointing at a note lights its neighbourhood and dims the rest.
 */
(function () {
  "use strict";

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
    var local = el.classList.contains("vault-graph--local");
    var base = el.getAttribute("data-base") || "";
    return graphData(el).then(function (raw) {
      var ForceGraph = window.ForceGraph;
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

  window.vaultDrawGraph = drawGraph;
})();
