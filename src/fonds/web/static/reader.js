// fonds reader: scan beside transcript beside translation (templates/_reader.html).
// Without this file the panes are stacked sections and every page image is shown; with it the
// panes sit side by side, page together, and aligned paragraphs light up together.
(function () {
  "use strict";

  var PHONE = "(max-width: 700px)";

  function all(root, selector) {
    return Array.prototype.slice.call(root.querySelectorAll(selector));
  }

  function init(reader) {
    var panes = all(reader, ".pane");
    var toolbar = reader.querySelector("[data-reader-toolbar]");
    var status = reader.querySelector("[data-page-status]");
    var total = parseInt(reader.getAttribute("data-pages"), 10) || 1;
    var textPanes = panes.filter(function (p) { return p.getAttribute("data-pane") !== "scan"; });
    var current = 1;
    var viewer = null;
    var syncing = false;

    reader.classList.add("reader-on");
    toolbar.hidden = false;
    all(reader, ".para").forEach(function (p) { p.tabIndex = 0; });

    // -- the scan: deep zoom with OpenSeadragon when it is there, page images otherwise ----------
    var osd = reader.querySelector("[data-osd]");
    if (osd && window.OpenSeadragon) {
      var sources = osd.getAttribute("data-tile-sources").split(" ");
      osd.hidden = false;
      osd.setAttribute("role", "img");
      osd.setAttribute("aria-label", "Scan of the original, zoomable: use + and - to zoom, arrow keys to pan");
      reader.querySelector(".scan-pages").hidden = true;
      viewer = window.OpenSeadragon({
        element: osd,
        tileSources: sources,
        sequenceMode: sources.length > 1,
        showNavigationControl: false,
        showSequenceControl: false,
        crossOriginPolicy: false,
        gestureSettingsMouse: { clickToZoom: false }
      });
      viewer.addHandler("page", function (event) {
        if (!syncing) goTo(event.page + 1, "scan");
      });
    }

    // -- paging: one pane pages the others ---------------------------------------------------------
    function scrollPaneTo(pane, element) {
      var body = pane.querySelector(".pane-body");
      if (!body || !element) return;
      body.scrollTop = element.offsetTop - body.offsetTop;
    }

    function goTo(page, from) {
      page = Math.max(1, Math.min(total, page));
      current = page;
      status.textContent = "Page " + page + " of " + total;
      syncing = true;
      if (viewer && from !== "scan" && viewer.currentPage() !== page - 1) viewer.goToPage(page - 1);
      if (!viewer) {
        var image = reader.querySelector('.scan-pages [data-page="' + page + '"]');
        var scan = reader.querySelector('.pane[data-pane="scan"]');
        if (image && scan) scrollPaneTo(scan, image);
      }
      textPanes.forEach(function (pane) {
        if (pane.id === from) return;
        scrollPaneTo(pane, pane.querySelector('[data-page="' + page + '"]') || pane.querySelector('[data-page-start="' + page + '"]'));
      });
      window.setTimeout(function () { syncing = false; }, 120);
    }

    all(reader, "[data-page-step]").forEach(function (button) {
      button.addEventListener("click", function () {
        goTo(current + parseInt(button.getAttribute("data-page-step"), 10), null);
      });
    });

    // Scrolling a text pane to another paragraph brings its counterparts and its page along.
    textPanes.forEach(function (pane) {
      var body = pane.querySelector(".pane-body");
      var timer = null;
      body.addEventListener("scroll", function () {
        if (syncing) return;
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          var top = all(body, ".para").filter(function (p) { return p.offsetTop - body.offsetTop + p.offsetHeight > body.scrollTop; })[0];
          if (!top) return;
          var page = parseInt(top.getAttribute("data-page"), 10);
          syncing = true;
          textPanes.forEach(function (other) {
            if (other === pane) return;
            scrollPaneTo(other, other.querySelector('[data-group="' + top.getAttribute("data-group") + '"]'));
          });
          window.setTimeout(function () { syncing = false; }, 120);
          if (page !== current) goTo(page, pane.id);
        }, 150);
      });
    });

    // -- aligned paragraphs light up together ---------------------------------------------------------
    var lit = null;
    function light(para, reveal) {
      var group = para.getAttribute("data-group");
      if (group === lit) return;
      all(reader, ".para.aligned").forEach(function (p) { p.classList.remove("aligned"); });
      lit = group;
      all(reader, '.para[data-group="' + group + '"]').forEach(function (p) {
        p.classList.add("aligned");
        if (reveal && p !== para) {
          var pane = p.closest(".pane");
          var body = pane.querySelector(".pane-body");
          var top = p.offsetTop - body.offsetTop;
          if (top < body.scrollTop || top + p.offsetHeight > body.scrollTop + body.clientHeight) {
            syncing = true;
            scrollPaneTo(pane, p);
            window.setTimeout(function () { syncing = false; }, 120);
          }
        }
      });
      var page = parseInt(para.getAttribute("data-page"), 10);
      if (reveal && page !== current) goTo(page, para.closest(".pane").id);
    }
    reader.addEventListener("mouseover", function (event) {
      var para = event.target.closest && event.target.closest(".para");
      if (para) light(para, false);
    });
    reader.addEventListener("focusin", function (event) {
      var para = event.target.closest && event.target.closest(".para");
      if (para) light(para, true);
    });

    // -- which panes to show: checkboxes on a wide screen, one pane at a time on a phone -------------
    var toggles = all(reader, "[data-toggle-pane]");
    var tabs = all(reader, "[data-switch-pane]");
    var phone = window.matchMedia(PHONE);
    var selected = panes[0].id;

    function layout() {
      panes.forEach(function (pane) {
        var toggle = reader.querySelector('[data-toggle-pane="' + pane.id + '"]');
        pane.hidden = phone.matches ? pane.id !== selected : !toggle.checked;
      });
      tabs.forEach(function (tab) {
        var on = tab.getAttribute("data-switch-pane") === selected;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.tabIndex = on ? 0 : -1;
      });
      panes.forEach(function (pane) { pane.setAttribute("role", phone.matches ? "tabpanel" : "region"); });
      if (viewer) window.setTimeout(function () { viewer.forceRedraw(); }, 0);
    }
    toggles.forEach(function (toggle) {
      toggle.addEventListener("change", function () {
        if (!toggles.some(function (t) { return t.checked; })) toggle.checked = true; // never hide them all
        layout();
      });
    });
    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function () { selected = tab.getAttribute("data-switch-pane"); layout(); });
      tab.addEventListener("keydown", function (event) {
        var step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
        if (!step) return;
        var next = tabs[(i + step + tabs.length) % tabs.length];
        selected = next.getAttribute("data-switch-pane");
        layout();
        next.focus();
        event.preventDefault();
      });
    });
    if (phone.addEventListener) phone.addEventListener("change", layout);
    layout();

    // -- search hits, from the search that led here (?q=), in every pane that has them -------------------
    var query = new URLSearchParams(window.location.search).get("q") || "";
    highlight(reader, query);
    if (viewer && osd.getAttribute("data-words")) scanHits(reader, viewer, terms(query), osd.getAttribute("data-words"));
  }

  // Search hits on the page images: the words' boxes (renditions/words.py, in image pixels) drawn as
  // OpenSeadragon overlays on the page shown, drawn again whenever another page opens.
  function scanHits(reader, viewer, words, url) {
    if (!words.length) return;
    window.fetch(url, { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (!data || !data.pages) return;
      var hits = data.pages.map(function (page) {
        return (page.words || []).filter(function (w) {
          var text = String(w[4]).toLocaleLowerCase();
          return words.some(function (t) { return text.indexOf(t) !== -1; });
        });
      });
      var total = hits.reduce(function (sum, page) { return sum + page.length; }, 0);
      var pane = reader.querySelector('.pane[data-pane="scan"]');
      var badge = pane && pane.querySelector("[data-hit-count]");
      if (total && badge) {
        var pages = hits.map(function (page, i) { return page.length ? i + 1 : 0; }).filter(Boolean);
        badge.textContent = "(" + total + (total === 1 ? " match" : " matches") + " on page" + (pages.length > 1 ? "s " : " ") + pages.join(", ") + ")";
        pane.classList.add("has-hits");
      }
      function place() {
        viewer.clearOverlays();
        var page = hits[viewer.currentPage()] || [];
        page.forEach(function (w) {
          var box = document.createElement("div");
          box.className = "scan-hit";
          box.title = String(w[4]);
          viewer.addOverlay({ element: box, location: viewer.viewport.imageToViewportRectangle(w[0], w[1], w[2], w[3]) });
        });
      }
      viewer.addHandler("open", place);
      if (viewer.world.getItemCount()) place();
    }).catch(function () { /* the words are a help; the text panes still show the hits */ });
  }

  function terms(query) {
    return query
      .replace(/\b[a-z_]+:("[^"]*"|\S+)/gi, function (m, value) { return /^(rendition|lang|date|collection|type|repository):/i.test(m) ? "" : value; })
      .replace(/["()*]/g, " ")
      .split(/\s+/)
      .filter(function (w) { return w.length >= 2 && !/^(AND|OR|NOT)$/.test(w); })
      .map(function (w) { return w.toLocaleLowerCase(); });
  }

  function highlight(reader, query) {
    var words = terms(query);
    if (!words.length) return;
    all(reader, '.pane:not([data-pane="scan"])').forEach(function (pane) {
      var count = 0;
      all(pane, ".para").forEach(function (para) {
        var walker = document.createTreeWalker(para, NodeFilter.SHOW_TEXT);
        var nodes = [];
        while (walker.nextNode()) nodes.push(walker.currentNode);
        nodes.forEach(function (node) {
          var text = node.nodeValue;
          var lower = text.toLocaleLowerCase();
          var cuts = [];
          words.forEach(function (word) {
            var at = lower.indexOf(word);
            while (at !== -1) { cuts.push([at, at + word.length]); at = lower.indexOf(word, at + word.length); }
          });
          if (!cuts.length) return;
          cuts.sort(function (a, b) { return a[0] - b[0]; });
          var fragment = document.createDocumentFragment();
          var last = 0;
          cuts.forEach(function (cut) {
            if (cut[0] < last) return;
            fragment.appendChild(document.createTextNode(text.slice(last, cut[0])));
            var mark = document.createElement("mark");
            mark.className = "hit";
            mark.textContent = text.slice(cut[0], cut[1]);
            fragment.appendChild(mark);
            last = cut[1];
            count += 1;
          });
          fragment.appendChild(document.createTextNode(text.slice(last)));
          node.parentNode.replaceChild(fragment, node);
        });
      });
      var badge = pane.querySelector("[data-hit-count]");
      if (count && badge) badge.textContent = "(" + count + (count === 1 ? " match)" : " matches)");
      if (count) pane.classList.add("has-hits");
    });
  }

  function start() {
    all(document, "[data-reader]").forEach(init);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
