/* Samsyn: small conveniences on top of pages that work without JavaScript. */
(function () {
  "use strict";

  // A search box over grouped unit checkboxes: hides units that do not match and opens the
  // groups that hold a match. Without JavaScript the box stays hidden and every group is there.
  function unitFilter(input) {
    var scope = document.querySelector(input.getAttribute("data-filter-units"));
    if (!scope) { return; }
    input.closest("[hidden]") && input.closest("[hidden]").removeAttribute("hidden");
    input.addEventListener("input", function () {
      var needle = input.value.trim().toLowerCase();
      scope.querySelectorAll("details.unit-group").forEach(function (group) {
        var hits = 0;
        group.querySelectorAll(".unit-choice").forEach(function (choice) {
          var match = !needle || choice.textContent.toLowerCase().indexOf(needle) !== -1;
          choice.hidden = !match;
          if (match) { hits += 1; }
        });
        group.hidden = needle && hits === 0;
        if (needle && hits) { group.open = true; }
      });
    });
  }

  // Where a link or a submit landed (#step-..., #activity-...): open the <details> around it.
  function openTarget() {
    if (!location.hash) { return; }
    var target = document.getElementById(location.hash.slice(1));
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") { node.open = true; }
    }
    if (target) { target.scrollIntoView(); }
  }
  window.addEventListener("hashchange", openTarget);

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-filter-units]").forEach(unitFilter);
    openTarget();
  });
})();
