// Clicking a highlighted passage scrolls its other copy into view.
document.addEventListener("click", function (ev) {
  var m = ev.target.closest("mark[data-target]");
  if (!m) return;
  var anchor = document.getElementById(m.dataset.target);
  if (!anchor) return;
  anchor.scrollIntoView({ behavior: "smooth", block: "center" });
  var next = anchor.nextElementSibling;
  while (next && next.tagName === "A") next = next.nextElementSibling;
  if (next && next.tagName === "MARK") {
    next.classList.add("flash");
    setTimeout(function () { next.classList.remove("flash"); }, 1200);
  }
});
