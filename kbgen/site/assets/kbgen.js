// kbgen: landing on a moment of a session.
// A link ending in #t=SECONDS (or #t=12:34; old links' #t-754 too) opens the page there: the player
// is scrolled into view and set to that moment, ready to play (browsers block autoplay with sound),
// and the transcript line holding it is marked (class kb-current, aria-current="true") and shown.
// Clicking a timestamp (transcript, chapter, topic evidence) or a transcript line seeks and plays,
// and writes #t=SECONDS into the address (replaceState: no jump), so the address can be shared.
(function () {
  var CURRENT = "kb-current";

  function player() {
    return document.querySelector(".kb-player audio, .kb-player video");
  }

  function seconds(text) {
    var parts = String(text).split(":").map(Number);
    if (!parts.length || parts.length > 3 || parts.some(isNaN)) return null;
    return parts.reduce(function (total, part) { return total * 60 + part; }, 0);
  }

  // The moment an address names: #t=SECONDS, #t=MM:SS or #t=H:MM:SS; #t-SECONDS (the line anchors
  // of older pages) names the line with that id, or that second.
  function timeOf(hash) {
    var match = /^#t=([0-9:.]+)s?$/.exec(hash);
    if (match) return seconds(match[1]);
    match = /^#t-([0-9]+)$/.exec(hash);
    if (!match) return null;
    var anchor = document.getElementById("t-" + match[1]);
    var link = anchor && anchor.querySelector("a[data-start]");
    var start = link ? parseFloat(link.dataset.start) : NaN;
    return isNaN(start) ? Number(match[1]) : start;
  }

  function hashFor(time) {
    return "#t=" + String(Math.round(time * 100) / 100);
  }

  // The transcript line (its <p>) being spoken at ``time``: the last to start at or before it.
  function lineAt(time) {
    var best = null;
    var links = document.querySelectorAll(".kb-transcript a[data-start]");
    for (var i = 0; i < links.length; i++) {
      if (parseFloat(links[i].dataset.start) <= time + 0.01) best = links[i];
      else break;
    }
    if (!best && links.length) best = links[0];
    return best && best.closest("p");
  }

  function mark(line) {
    var old = document.querySelectorAll(".kb-transcript ." + CURRENT);
    for (var i = 0; i < old.length; i++) {
      if (old[i] === line) continue;
      old[i].classList.remove(CURRENT);
      old[i].removeAttribute("aria-current");
    }
    if (line && !line.classList.contains(CURRENT)) {
      line.classList.add(CURRENT);
      line.setAttribute("aria-current", "true");
      askAbout(line);
    }
  }

  // "Ask about this" (kbgen/site/ask.py): the page holds the link's address with KBGEN-ASK-LINK
  // where the moment's address goes. The session's link gets the page's address; the line being
  // marked gets a link of its own with its moment's (#t=SECONDS), moved from line to line.
  var ASK = "KBGEN-ASK-LINK";

  function pageAddress() {
    return location.href.split("#")[0];
  }

  function askAbout(line) {
    var box = line.closest(".kb-transcript");
    var template = box && box.getAttribute("data-ask");
    var start = line.querySelector("a[data-start]");
    if (!template || !start) return;
    var link = document.querySelector(".kb-ask-moment");
    if (!link) {
      link = document.createElement("a");
      link.className = "kb-ask-moment";
      link.rel = "nofollow";
      link.textContent = box.getAttribute("data-ask-label") || "Ask";
    }
    link.href = template.split(ASK).join(encodeURIComponent(pageAddress() + hashFor(parseFloat(start.dataset.start) || 0)));
    line.appendChild(link);
  }

  function askSession() {
    var link = document.querySelector("a.kb-ask-session[data-ask]");
    if (link) link.href = link.getAttribute("data-ask").split(ASK).join(encodeURIComponent(pageAddress()));
  }

  function motion() {
    var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    return reduce ? "auto" : "smooth";
  }

  // Bring the moment on screen: with a player that stays in view (audio: sticky, see kbgen.css)
  // the line is centred below it; otherwise the player is brought to the top, the line after it.
  function show(line, media, behavior) {
    var box = media && media.closest(".kb-player");
    var sticky = box && getComputedStyle(box).position === "sticky";
    if (line && (!box || sticky)) line.scrollIntoView({ block: "center", behavior: behavior });
    else if (box) box.scrollIntoView({ block: "start", behavior: behavior });
  }

  var pending = null;  // a moment to set once the player knows its duration

  function seek(media, time) {
    pending = time;
    try {
      media.currentTime = time;
    } catch (e) {
      // Some browsers refuse before the metadata is loaded: done on loadedmetadata.
    }
  }

  function land(time, scroll, behavior) {
    var media = player();
    var line = lineAt(time);
    mark(line);
    if (media) seek(media, time);
    if (scroll) show(line, media, behavior || motion());
  }

  function openAtHash(event) {
    var time = timeOf(location.hash);
    if (time === null) return;
    land(time, true, event ? motion() : "auto");
  }

  function onClick(event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey ||
        event.altKey || !event.target.closest) return;
    var link = event.target.closest("a[data-start]");
    if (!link) {
      // A click on a transcript line's words (not a link, not the end of selecting text) is its timestamp's.
      var p = event.target.closest(".kb-transcript p");
      if (!p || event.target.closest("a") || String(window.getSelection && window.getSelection()).length) return;
      link = p.querySelector("a[data-start]");
      if (!link) return;
    }
    var time = parseFloat(link.dataset.start) || 0;
    var media = player();
    event.preventDefault();
    history.replaceState(history.state, "", hashFor(time));
    // A chapter or a quote elsewhere on the page brings the player and its line on screen.
    land(time, !link.closest(".kb-transcript"));
    if (media) {
      var playing = media.play();
      if (playing && playing.catch) playing.catch(function () {});
    }
  }

  function follow() {
    var media = player();
    if (!media) return;
    media.addEventListener("loadedmetadata", function () {
      if (pending !== null && Math.abs(media.currentTime - pending) > 0.25 && pending <= media.duration) {
        media.currentTime = pending;
      }
    });
    // While it plays (or when it is moved), the line being spoken is marked; the page is not scrolled.
    function update() {
      pending = null;
      mark(lineAt(media.currentTime));
    }
    media.addEventListener("timeupdate", function () { if (!media.paused) update(); });
    media.addEventListener("seeked", function () {
      // kbgen's own seek has landed (perhaps cut short at the end): its line is marked already.
      if (pending !== null) pending = null;
      else update();
    });
  }

  // Material's search overlay is a dialog without a name; screen readers announce it by one: its
  // search box's, which Material gives in the site's language.
  function nameSearchDialog() {
    var dialog = document.querySelector(".md-search[role=dialog]");
    if (!dialog || dialog.getAttribute("aria-label")) return;
    var input = dialog.querySelector(".md-search__input");
    dialog.setAttribute("aria-label", (input && input.getAttribute("aria-label")) || "Search");
  }

  function start() {
    nameSearchDialog();
    askSession();
    follow();
    openAtHash();
  }

  document.addEventListener("click", onClick);
  window.addEventListener("hashchange", openAtHash);
  // The browser's own jump to an old #t-N line lands with the page's load; land after it.
  window.addEventListener("load", function () { if (timeOf(location.hash) !== null) openAtHash(); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
