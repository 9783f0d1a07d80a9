/*
 * mkdocs-vault: the browser side of the generated pages.
 *
 * - sortable tables (directory and task pages): click a column header to sort by it;
 * - long listings shown in part (pages/long_listing.py): the whole listing fetched on request;
 * - graphs (a note's local graph, the global graph page): the drawing code (vault-graph.js) and the
 *   vendored force-graph library, loaded from this site only when a graph comes near the screen;
 * - hover previews of internal links: the linked page's title, properties and first paragraphs.
 *   Material's own instant previews need `site_url` and a sitemap whose host and port match the page;
 *   this works from any host, port and sub-path;
 * - the vendored mermaid and KaTeX, loaded only on a page with a diagram or a formula (a 3.5 MB and a
 *   0.3 MB download that most pages never need);
 * - a file explorer at the foot of the left-hand navigation: every published note by folder, from one
 *   JSON file per site fetched when the reader opens it; the current note's folder opens, the note is
 *   marked;
 * - long query results that read nothing of their page (a whole vault's open tasks) are a placeholder
 *   on every page showing them, the same whatever the rows: their first rows and count are fetched
 *   from the result's own file and put in its place (without JavaScript its link stays).
 *
 * Runs on every page load, including Material's instant navigation (its `document$` observable).
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var here = script ? script.src : location.href;
  var GRAPH_LIB = new URL("vendor/force-graph/force-graph.min.js", here).href;
  var GRAPH_CODE = new URL("vault-graph.js", here).href;
  var VENDOR = new URL("../vendor/", here).href;  // assets/vendor/: mermaid and KaTeX
  var SITE_ROOT = new URL("../../", here).href;
  var EXPLORER_DATA = new URL("../vault/explorer.json", here).href;

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
  /* The drawing code (vault-graph.js) and the library come together, when a graph is near the screen. */
  function drawGraph(el) {
    if (el.dataset.vaultDrawn) return;
    el.dataset.vaultDrawn = "1";
    Promise.all([loadScript(GRAPH_LIB), loadScript(GRAPH_CODE)]).then(function () {
      if (!window.ForceGraph || !window.vaultDrawGraph) throw new Error("could not load the graph library");
      return window.vaultDrawGraph(el);
    }).catch(function (error) {
      el.classList.add("vault-graph--failed");
      el.textContent = "The graph could not be drawn (" + error.message + ").";
    });
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

  /* -- long shared query results ----------------------------------------------------------- */
  function fillSharedResults() {
    Array.prototype.forEach.call(document.querySelectorAll(".vault-shared-result[data-vault-result]"), function (box) {
      if (box.dataset.filled) return;
      box.dataset.filled = "1";
      var url = new URL(box.getAttribute("data-vault-result"), location.href).href;
      // "no-cache": asked again every time (a 304 when unchanged), as the file changes with every edit.
      fetch(url, { cache: "no-cache" }).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.text();
      }).then(function (text) {
        var template = document.createElement("template");
        template.innerHTML = text;
        var part = template.content;
        Array.prototype.forEach.call(part.querySelectorAll("script"), function (n) { n.remove(); });
        // Its links are relative to the results file, which is shown on pages anywhere in the site.
        Array.prototype.forEach.call(part.querySelectorAll("[href], [src]"), function (n) {
          ["href", "src"].forEach(function (attr) {
            var v = n.getAttribute(attr);
            if (v && !/^#/.test(v)) n.setAttribute(attr, new URL(v, url).href);
          });
        });
        box.textContent = "";
        box.appendChild(part);
        box.classList.add("vault-shared-result--filled");
      }).catch(function (error) {
        delete box.dataset.filled;  // the link to the whole result stays
        console.warn("mkdocs-vault: query result not loaded: " + error.message);
      });
    });
  }

  /* -- wiring -------------------------------------------------------------------------------- */
  function init() {
    hidePreview();
    Array.prototype.forEach.call(document.querySelectorAll("table.vault-sortable"), makeSortable);
    longListings();
    fillSharedResults();
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
