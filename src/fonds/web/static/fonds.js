// fonds reading room: tabs for renditions, copy buttons for citations, and the search filters
// folded behind a button on narrow screens.
// Every page works without this file; it only adds to what is there.
(function () {
  "use strict";

  function makeTabs(container) {
    var panels = Array.prototype.slice.call(container.querySelectorAll(":scope > .rendition"));
    if (panels.length < 2) return;
    var list = document.createElement("div");
    list.className = "tablist";
    list.setAttribute("role", "tablist");
    list.setAttribute("aria-label", "Renditions of the document");
    var tabs = panels.map(function (panel, i) {
      var tab = document.createElement("button");
      tab.type = "button";
      tab.id = panel.id + "-tab";
      tab.textContent = panel.getAttribute("data-label") || ("Rendition " + (i + 1));
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panel.id);
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
      panel.setAttribute("tabindex", "0");
      list.appendChild(tab);
      return tab;
    });
    function select(index, focus) {
      tabs.forEach(function (tab, i) {
        var on = i === index;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.tabIndex = on ? 0 : -1;
        panels[i].hidden = !on;
      });
      if (focus) tabs[index].focus();
    }
    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function () { select(i, false); });
      tab.addEventListener("keydown", function (event) {
        var next = null;
        if (event.key === "ArrowRight") next = (i + 1) % tabs.length;
        else if (event.key === "ArrowLeft") next = (i - 1 + tabs.length) % tabs.length;
        else if (event.key === "Home") next = 0;
        else if (event.key === "End") next = tabs.length - 1;
        if (next !== null) { event.preventDefault(); select(next, true); }
      });
    });
    container.insertBefore(list, container.firstChild);
    container.classList.add("has-tabs");
    var wanted = panels.findIndex(function (p) { return "#" + p.id === window.location.hash; });
    select(wanted >= 0 ? wanted : 0, false);
  }

  // Copies plain text, and the formatted HTML beside it where the browser takes both
  // (a word processor then keeps a citation's italics).
  function copyText(text, html) {
    if (navigator.clipboard && window.isSecureContext) {
      if (html && window.ClipboardItem && navigator.clipboard.write) {
        var item = new window.ClipboardItem({
          "text/plain": new Blob([text], { type: "text/plain" }),
          "text/html": new Blob([html], { type: "text/html" })
        });
        return navigator.clipboard.write([item]).catch(function () {
          return navigator.clipboard.writeText(text);
        });
      }
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }

  function selectContents(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function makeCopyButtons() {
    document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source) return;
      var status = button.parentNode.querySelector(".copied");
      button.hidden = false;
      button.addEventListener("click", function () {
        var formatted = source.hasAttribute("data-text");
        var text = formatted ? source.getAttribute("data-text") : source.textContent;
        copyText(text, formatted ? source.innerHTML : null).then(function () {
          if (status) status.textContent = "Copied.";
        }, function () {
          var details = source.closest("details");
          if (details) details.open = true;
          selectContents(source);
          if (status) status.textContent = "Press Ctrl+C (or ⌘C) to copy the selected text.";
        });
      });
    });
  }

  // On a phone the results come first: the filters (a <details>, open without this script)
  // fold behind their summary button. On a wide screen they stay open beside the results.
  function foldFilters() {
    var panel = document.querySelector("[data-refine]");
    if (!panel || !window.matchMedia) return;
    var narrow = window.matchMedia("(max-width: 50rem)");
    function apply() { panel.open = !narrow.matches; }
    apply();
    if (narrow.addEventListener) narrow.addEventListener("change", apply);
  }

  // A search of many records shows its results first; its filters' counts (facet_counts.py) come
  // from the same search with facets=always, whose page's filters and year histogram replace the
  // placeholder. Without this script the placeholder's link opens that page.
  function loadFacets() {
    var pending = document.querySelector(".facets-pending[data-facets-href]");
    if (!pending || !window.fetch || !window.DOMParser) return;
    var aside = pending.closest("aside.facets");
    pending.setAttribute("aria-busy", "true");
    fetch(pending.getAttribute("data-facets-href"), { headers: { "Accept": "text/html" } }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.text();
    }).then(function (html) {
      var page = new DOMParser().parseFromString(html, "text/html");
      var counted = page.querySelector("aside.facets");
      if (!counted || counted.querySelector(".facets-pending")) throw new Error("no counts");
      aside.replaceWith(document.importNode(counted, true));
      var histogram = page.querySelector("figure.histogram");
      var results = document.querySelector("section.results");
      if (histogram && results && !results.querySelector("figure.histogram")) {
        var after = results.querySelector(".active-filters") || results.querySelector("h2");
        after.insertAdjacentElement("afterend", document.importNode(histogram, true));
      }
    }).catch(function () {
      pending.removeAttribute("aria-busy");  // the link stays: it opens the counts as a page
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-tabs]").forEach(makeTabs);
    makeCopyButtons();
    foldFilters();
    loadFacets();
  });
})();
