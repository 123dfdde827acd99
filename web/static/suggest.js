/* edflows: item suggestions as you type, for every <input data-suggest="items">.
   Without JavaScript the input is a plain text field and the form submits the typed item id.
   With it, the input becomes an ARIA 1.2 combobox: typing (debounced) asks the app's own
   /items/suggest for a short list; Up/Down move through it, Enter or a click picks an item,
   Escape closes it. Text is always set with textContent, never parsed as HTML. */
(function () {
  "use strict";
  var DELAY = 180, MIN_CHARS = 2, LIMIT = 10;

  function setup(input, n) {
    var wrap = input.closest(".combo") || input.parentElement;
    var listId = (input.id || "item-input-" + n) + "-options";
    if (!input.id) { input.id = "item-input-" + n; }
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggest";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Matching data items");
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
        code.textContent = it.id;
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
        status.textContent = "No matching item";
      }
    }
    function ask() {
      var q = input.value.trim();
      if (q.length < MIN_CHARS) { close(); return; }
      if (q === last && options.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); return; }
      if (controller) { controller.abort(); }
      controller = typeof AbortController === "function" ? new AbortController() : null;
      fetch("/items/suggest?q=" + encodeURIComponent(q) + "&limit=" + LIMIT, {
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

  document.querySelectorAll("input[data-suggest='items']").forEach(setup);
}());
