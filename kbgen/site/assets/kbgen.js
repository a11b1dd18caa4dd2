// kbgen: clicking a timestamp (transcript, chapter, topic evidence) seeks the session's player.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a[data-start]");
  if (!link) return;
  var player = document.querySelector(".kb-player audio, .kb-player video");
  if (!player) return;
  event.preventDefault();
  player.currentTime = parseFloat(link.dataset.start) || 0;
  player.play();
  history.replaceState(null, "", link.getAttribute("href"));
});
