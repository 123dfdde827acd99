// The school workspace, enhanced: every form works without this file. With it, the item list
// can be filtered by typing, the product's supplier chain shows as it is picked, and ticking a
// special category item marks the Article 9 condition required (a biometric one shows the
// Protection of Freedoms Act 2012 reminder).
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var chainsNode = document.getElementById("product-chains");
  var chains = chainsNode ? JSON.parse(chainsNode.textContent || "{}") : {};
  var product = document.getElementById("f-product");
  var hint = document.querySelector("[data-chain-for='f-product']");
  if (product && hint) {
    product.addEventListener("input", function () {
      var chain = chains[product.value.trim()];
      if (chain) { hint.textContent = chain; }
    });
  }
  var filter = document.getElementById("item-filter");
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[name='items']"));
  if (filter) {
    filter.addEventListener("input", function () {
      var q = filter.value.trim().toLowerCase();
      boxes.forEach(function (box) {
        var li = box.closest("li");
        var text = li ? li.textContent.toLowerCase() : "";
        if (li) { li.hidden = q !== "" && text.indexOf(q) < 0; }
        var details = box.closest("details");
        if (details && q !== "" && text.indexOf(q) >= 0) { details.open = true; }
      });
    });
  }
  var art9 = document.getElementById("f-art9_condition");
  var reminder = document.getElementById("biometric-reminder");
  function update() {
    var special = boxes.some(function (b) { return b.checked && b.dataset.special === "true"; });
    var biometric = boxes.some(function (b) { return b.checked && b.value.indexOf("pupil.biometric") === 0; });
    if (art9) { art9.required = special; }
    if (reminder) { reminder.hidden = !biometric; }
  }
  boxes.forEach(function (b) { b.addEventListener("change", update); });
  update();
})();
