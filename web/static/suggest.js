/* edflows: suggestions as you type, for every <input data-suggest="items"> (data items, from
   /items/suggest) and <input data-suggest="actors"> (organisations and schools, from
   /orgs/suggest: name, kind and id; a school with its URN and town).
   Without JavaScript the input is a plain text field and the form submits what was typed (a
   name or an id: the pages resolve both). With it, the input becomes an ARIA 1.2 combobox:
   typing (debounced) asks the app for a short list, best match first; Up/Down move through
   it, Enter or a click picks one, Escape closes it. Text is always set with textContent,
   never parsed as HTML. */
(function () {
  "use strict";
  var DELAY = 180, MIN_CHARS = 2, LIMIT = 10;

  var SOURCES = {
    items: { url: "/items/suggest", label: "Matching data items" },
    actors: { url: "/orgs/suggest", label: "Matching organisations and schools" }
  };
  function detail(it, kind) {
    if (kind === "items") { return it.id; }
    if (it.kind === "School") {
      return ["school", it.urn ? "URN " + it.urn : null, it.town].filter(Boolean).join(" · ");
    }
    var what = (it.org_type || it.kind || "").replace(/_/g, " ").replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
    return [what, it.id].filter(Boolean).join(" · ");
  }

  function setup(input, n) {
    var kind = input.dataset.suggest in SOURCES ? input.dataset.suggest : "items";
    var source = SOURCES[kind];
    var wrap = input.closest(".combo") || input.parentElement;
    var listId = (input.id || "item-input-" + n) + "-options";
    if (!input.id) { input.id = "item-input-" + n; }
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggest";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", source.label);
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "sr";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    wrap.append(list, status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");

    var timer = null, controller = null, active = -1, options = [], last = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function mark(i) {
      options.forEach(function (li, j) { li.setAttribute("aria-selected", j === i ? "true" : "false"); });
      active = i;
      if (i >= 0) {
        input.setAttribute("aria-activedescendant", options[i].id);
        options[i].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function pick(i) {
      input.value = options[i].dataset.value;
      close();
      status.textContent = options[i].dataset.name + " chosen";
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function render(items) {
      options = items.map(function (it, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.value = it.id;
        li.dataset.name = it.name;
        var name = document.createElement("span");
        name.textContent = it.name;
        var code = document.createElement("code");
        code.textContent = detail(it, kind);
        li.append(name, " ", code);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); });
        li.addEventListener("click", function () { pick(i); });
        return li;
      });
      list.replaceChildren.apply(list, options);
      active = -1;
      if (options.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        status.textContent = options.length + " suggestion" + (options.length === 1 ? "" : "s") +
          ": use the up and down arrows, then Enter";
      } else {
        close();
        status.textContent = kind === "items" ? "No matching item" : "No matching organisation";
      }
    }
    function ask() {
      var q = input.value.trim();
      if (q.length < MIN_CHARS) { close(); return; }
      if (q === last && options.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); return; }
      if (controller) { controller.abort(); }
      controller = typeof AbortController === "function" ? new AbortController() : null;
      fetch(source.url + "?q=" + encodeURIComponent(q) + "&limit=" + LIMIT, {
        headers: { Accept: "application/json" }, signal: controller ? controller.signal : undefined
      })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) {
          if (input.value.trim() !== q) { return; }  // typed on meanwhile
          last = q;
          render(items);
        })
        .catch(function () { /* aborted, or offline: the plain field still works */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (list.hidden) { if (options.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); } else { ask(); } }
        if (!options.length) { return; }
        e.preventDefault();
        var step = e.key === "ArrowDown" ? 1 : -1;
        mark((active + step + options.length) % options.length);
      } else if (e.key === "Enter" && !list.hidden && active >= 0) {
        e.preventDefault();
        pick(active);
      } else if (e.key === "Escape" && !list.hidden) {
        e.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  document.querySelectorAll("input[data-suggest]").forEach(setup);
}());
