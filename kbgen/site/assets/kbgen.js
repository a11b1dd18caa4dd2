// kbgen: clicking a timestamp (transcript, chapter, topic evidence) seeks the session's player,
// and a link ending in #t=12:34 (or #t=754) opens the page at that moment.
(function () {
  function player() {
    return document.querySelector(".kb-player audio, .kb-player video");
  }

  function seconds(text) {
    var parts = String(text).split(":").map(Number);
    if (parts.some(isNaN)) return null;
    return parts.reduce(function (total, part) { return total * 60 + part; }, 0);
  }

  function lineAt(time) {
    var best = null;
    document.querySelectorAll(".kb-transcript a[data-start]").forEach(function (a) {
      if (parseFloat(a.dataset.start) <= time + 0.01) best = a;
    });
    return best;
  }

  function openAtHash() {
    var match = /^#t=([0-9:.]+)$/.exec(location.hash);
    if (!match) return;
    var time = seconds(match[1]);
    var media = player();
    if (time === null) return;
    var line = lineAt(time);
    if (line) line.parentElement.scrollIntoView({ block: "center" });
    if (media) media.currentTime = time;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-start]");
    if (!link) return;
    var media = player();
    if (!media) return;
    event.preventDefault();
    media.currentTime = parseFloat(link.dataset.start) || 0;
    media.play();
    history.replaceState(null, "", link.getAttribute("href"));
  });
  window.addEventListener("hashchange", openAtHash);
  // Material's search overlay is a dialog without a name; screen readers announce it by one: its
  // search box's, which Material gives in the site's language.
  function nameSearchDialog() {
    var dialog = document.querySelector(".md-search[role=dialog]");
    if (!dialog || dialog.getAttribute("aria-label")) return;
    var input = dialog.querySelector(".md-search__input");
    dialog.setAttribute("aria-label", (input && input.getAttribute("aria-label")) || "Search");
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", nameSearchDialog);
  else nameSearchDialog();
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", openAtHash);
  else openAtHash();
})();
