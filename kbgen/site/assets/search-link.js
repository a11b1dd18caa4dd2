// The header's search box is Material's: it holds titles and summaries, so a word said only in a
// transcript finds nothing there. Under its results, every query gets a link that sends it on to
// transcript search (sessions/search/?query=...), which lists each matching session's moments.
// Not ?q=: Material's own search reads q and would open the header box over the results.
// kbgen writes window.kbgenSearchLink before this code (render.py): the link's words in the
// site's language, and the search page's path from the site's root (null when the site has no
// transcript search: an offline copy).
(function () {
  var setup = window.kbgenSearchLink;
  var input = document.querySelector(".md-search__input");
  var results = document.querySelector(".md-search-result");
  var config = document.getElementById("__config");
  if (!setup || !setup.page || !input || !results || !config) return;
  var base = JSON.parse(config.textContent).base || ".";
  var link = document.createElement("a");
  link.className = "kb-search-transcripts";
  link.hidden = true;
  var meta = results.querySelector(".md-search-result__meta");
  results.insertBefore(link, meta ? meta.nextSibling : results.firstChild);
  function update() {
    var q = input.value.trim();
    link.hidden = !q;
    if (!q) return;
    link.href = new URL(base + "/" + setup.page + "?query=" + encodeURIComponent(q), location.href).href;
    link.textContent = setup.text.replace("%(query)s", q); // text, never HTML
  }
  input.addEventListener("input", update);
  input.addEventListener("focus", update);
  update();
})();
