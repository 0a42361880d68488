/* The station form's place: county, then township, then (for a village room, 社工室) village.
   Without this script the form still works with its plain selects; with it, choosing a county
   refills the townships, choosing a township refills the villages, only the lists the chosen kind
   needs are shown, and a type-ahead finds a township by part of its name. The lists come from the
   server's search endpoint (data-search-url), which answers with the user's own regions only. */
(function () {
  "use strict";
  var county = document.querySelector("select[data-picker='county']");
  if (!county) { return; }
  var form = county.form;
  var township = form.querySelector("select[data-picker='township']");
  var village = form.querySelector("select[data-picker='village']");
  var kind = form.querySelector("[data-picker='kind']");
  var search = form.querySelector("input[data-picker='search']");
  var suggestions = search ? document.getElementById(search.getAttribute("list")) : null;
  var url = county.getAttribute("data-search-url");
  var found = {};  // type-ahead text -> the township it names
  var timer = null;

  function choices(params) {
    return fetch(url + "?" + new URLSearchParams(params).toString(), {
      credentials: "same-origin", headers: {"Accept": "application/json"}
    }).then(function (response) {
      return response.ok ? response.json() : {results: []};
    }).then(function (data) { return data.results; });
  }

  function fill(select, results, keep) {
    var blank = select.options.length ? select.options[0].cloneNode(true) : new Option("", "");
    select.replaceChildren(blank);
    results.forEach(function (result) { select.add(new Option(result.label, result.code)); });
    select.value = keep || "";
    if (select.value !== (keep || "")) { select.value = ""; }
  }

  function show(name, visible) {
    form.querySelectorAll("[data-row='" + name + "']").forEach(function (element) {
      element.hidden = !visible;
    });
  }

  function kindValue() { return kind ? kind.value : "station"; }

  function showRows() {
    var k = kindValue();
    show("township", k !== "centre");
    show("village", k === "room");
    show("search", k !== "centre");
  }

  function loadTownships(keep) {
    fill(village, [], "");
    if (!county.value) { fill(township, [], ""); return Promise.resolve(); }
    return choices({level: "township", parent: county.value}).then(function (results) {
      fill(township, results, keep);
    });
  }

  function loadVillages(keep) {
    if (!township.value || kindValue() !== "room") { fill(village, [], ""); return Promise.resolve(); }
    village.disabled = true;
    return choices({level: "village", parent: township.value}).then(function (results) {
      fill(village, results, keep);
      village.disabled = false;
    });
  }

  function pick(result) {
    if (township.value === result.code) { return; }  // already there (the box's change after input)
    var loaded = county.value === result.county ? Promise.resolve() : (county.value = result.county, loadTownships());
    loaded.then(function () {
      township.value = result.code;
      return loadVillages("");
    });
  }

  function suggest() {
    var text = search.value.trim();
    if (found[text]) { pick(found[text]); return; }
    if (!text) { return; }
    choices({level: "township", q: text}).then(function (results) {
      found = {};
      suggestions.replaceChildren();
      results.forEach(function (result) {
        var shown = result.name + "（" + result.county_name + "）";
        found[shown] = result;
        var option = document.createElement("option");
        option.value = shown;
        if (result.taken) { option.label = result.label; }
        suggestions.appendChild(option);
      });
    });
  }

  county.addEventListener("change", function () { loadTownships(""); });
  township.addEventListener("change", function () { loadVillages(""); });
  if (kind) {
    kind.addEventListener("change", function () {
      showRows();
      if (kindValue() === "room" && village.options.length <= 1) { loadVillages(""); }
    });
  }
  if (search) {
    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(suggest, 200);
    });
    search.addEventListener("change", suggest);
  }
  showRows();
})();
