// Mark every piece of text that belongs to the record named in the address (#claim-12 etc.).
(function () {
  function mark() {
    document.querySelectorAll(".targeted").forEach(function (el) { el.classList.remove("targeted"); });
    var id = decodeURIComponent(location.hash.slice(1));
    if (!/^(mark|claim|quote|time|mention)-[\w-]+$/.test(id)) return;
    var pieces = document.querySelectorAll('[data-refs~="' + id + '"]');
    pieces.forEach(function (el) { el.classList.add("targeted"); });
    if (pieces.length) pieces[0].scrollIntoView({block: "center"});
  }
  window.addEventListener("hashchange", mark);
  document.addEventListener("DOMContentLoaded", mark);
})();
