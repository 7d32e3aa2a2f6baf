// The name filter of the site's tables: works offline and from file://, ignores case and Vietnamese
// diacritics ("tan khai" finds "Tân Khai"). Rows carry their folded name in data-search.
(function () {
  "use strict";
  function fold(text) {
    return text.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").toLowerCase().split(/\s+/).filter(Boolean).join(" ");
  }
  document.querySelectorAll("input[data-filter]").forEach(function (input) {
    var id = input.getAttribute("data-filter");
    var rows = document.querySelectorAll("#" + id + " tbody tr[data-search]");
    var count = document.getElementById(id + "-count");
    var none = document.getElementById(id + "-none");
    function apply() {
      var query = fold(input.value);
      var shown = 0;
      rows.forEach(function (row) {
        var match = row.getAttribute("data-search").indexOf(query) !== -1;
        row.hidden = !match;
        if (match) { shown += 1; }
      });
      count.textContent = query ? shown + "/" + rows.length + " đơn vị" : "";
      if (none) { none.hidden = shown > 0; }
    }
    input.addEventListener("input", apply);
    input.closest(".filter").hidden = false;  // without script the box would do nothing, so it stays hidden
    apply();
  });
  // A printed list shows every finding's message, not only the counts.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.findings").forEach(function (details) { details.open = true; });
  });
  window.tuphap = { fold: fold };  // for the browser tests, which compare it with the Python fold
}());
