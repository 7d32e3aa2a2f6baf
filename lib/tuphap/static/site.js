// The site's name filter and search box: they work offline and from file://, ignore case and Vietnamese
// diacritics ("tan khai" finds "Tân Khai"). A table's rows carry their folded name in data-search; the
// search box finds units in window.tuphapSearch, which the page's search.js sets (publish/search_index.py).
(function () {
  "use strict";
  var SHOWN = 50;  // results listed at most; more ask for a longer query
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

  function element(tag, text, attributes) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    return node;
  }
  function link(text, href, className) {
    return element("a", text, className ? {href: href, "class": className} : {href: href});
  }
  var data = window.tuphapSearch;
  var box = document.getElementById("search");
  // Where each entry holds what (publish/search_index.py): a unit of the site, or a report of the year.
  var at = data && data.scope === "site" ? {slug: 0, name: 1, code: 2, place: 3, years: 4}
    : {name: 0, code: 1, place: 2, slug: 3, status: 4, report: 5, kind: 6};
  // One result: the unit's name linking its page (index) or its row on its province's page (year), where
  // it is, its code, then each year's report (index) or the report's kind, status and file (year).
  function result(unit) {
    var item = element("li");
    var place = data.places[unit[at.place]];
    var where = element("small", [place[1], unit[at.code] ? "mã " + unit[at.code] : ""].filter(Boolean).join(" · "));
    if (data.scope === "site") {
      item.append(link(unit[at.name], "units/" + unit[at.slug] + ".html"), " ", where);
      unit[at.years].forEach(function (year, index) {
        item.append(index ? ", " : " — ");
        if (year[2]) { item.append(link(year[0] + " (lỗi)", year[1], "failed")); }
        else if (year[1]) { item.append(link(String(year[0]), year[1])); }
        else { item.append(String(year[0])); }
      });
    } else {
      item.append(link(unit[at.name], place[0] + "#" + unit[at.slug]), " ", where, " ");
      var kind = data.kinds[unit[at.kind]], status = unit[at.status];
      if (kind) { item.append("— ", element("span", kind + ":", {"class": "kind"}), " "); }
      item.append(element("span", data.statuses[status] || status, {"class": "status status-" + status}));
      if (unit[at.report]) { item.append(" ", link("Xem", unit[at.report])); }
    }
    return item;
  }
  if (data && box) {
    var results = document.getElementById("search-results");
    var count = document.getElementById("search-count");
    // What a query is matched against, folded once: the words of the name and where, the code and the slug
    // (or row anchor). Each word typed must begin one of them: "an phu" finds An Phú, not Hớn Quản.
    var words = function (text) { return fold(text).split(/[^a-z0-9]+/).filter(Boolean); };
    var keys = data.units.map(function (unit) {
      var all = words([unit[at.name], data.places[unit[at.place]][1], unit[at.code], unit[at.slug]].join(" "));
      return {name: fold(unit[at.name]), all: " " + all.join(" ")};
    });
    var search = function () {
      var query = fold(box.value);
      var typed = words(query);
      var found = [];
      keys.forEach(function (key, index) {
        if (typed.every(function (word) { return key.all.indexOf(" " + word) !== -1; })) {
          // an exact code first, then names that hold the query as typed, then the rest; each by name
          found.push([data.units[index][at.code] === query ? 0 : key.name.indexOf(query) !== -1 ? 1 : 2, index]);
        }
      });
      found.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
      results.replaceChildren();
      var noun = data.scope === "site" ? "đơn vị" : "báo cáo";  // the index lists units, a year its reports
      if (!query && found.length > SHOWN) {
        count.textContent = found.length + " " + noun + ": gõ tên hoặc mã đơn vị để tìm.";
        return;
      }
      found.slice(0, SHOWN).forEach(function (hit) { results.append(result(data.units[hit[1]])); });
      count.textContent = !found.length ? "Không có " + noun + " nào khớp." : found.length > SHOWN
        ? "Hiện " + SHOWN + "/" + found.length + " " + noun + " khớp; gõ thêm để thu hẹp." : found.length + " " + noun;
    };
    box.addEventListener("input", search);
    box.closest(".search").hidden = false;  // without script the box would do nothing, so it stays hidden
    search();
  }
  // A printed list shows every finding's message, not only the counts.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.findings").forEach(function (details) { details.open = true; });
  });
  window.tuphap = { fold: fold };  // for the browser tests, which compare it with the Python fold
}());
