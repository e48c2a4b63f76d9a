/* Etalase: small enhancements only. Every page works without this file. */
(function () {
  "use strict";

  // Filter forms submit as soon as a choice changes (the button stays for no-JS and keyboards).
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.addEventListener("change", function (event) {
      if (event.target.matches("select, input[type=checkbox]")) form.requestSubmit();
    });
  });

  // Back office: actions that ask first, and the packing slip's print button.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // On a phone the filter panel starts closed when no filter is active.
  if (window.matchMedia("(max-width: 899px)").matches) {
    document.querySelectorAll("details.filters[data-collapsible]").forEach(function (d) {
      d.open = false;
    });
  }

  // Gallery: arrow keys move one photo, thumbnails follow the photo in view.
  document.querySelectorAll(".gallery").forEach(function (gallery) {
    var track = gallery.querySelector(".gallery-track");
    if (!track) return;
    var slides = Array.prototype.slice.call(track.children);
    var thumbs = Array.prototype.slice.call(gallery.querySelectorAll(".gallery-thumbs a"));
    function current() {
      return Math.round(track.scrollLeft / Math.max(1, track.clientWidth));
    }
    function show(index) {
      index = Math.max(0, Math.min(slides.length - 1, index));
      track.scrollTo({ left: index * track.clientWidth, behavior: "smooth" });
    }
    track.addEventListener("keydown", function (event) {
      if (event.key === "ArrowRight") { show(current() + 1); event.preventDefault(); }
      if (event.key === "ArrowLeft") { show(current() - 1); event.preventDefault(); }
    });
    thumbs.forEach(function (thumb, index) {
      thumb.addEventListener("click", function (event) {
        event.preventDefault();
        show(index);
      });
    });
    track.addEventListener("scroll", function () {
      var index = current();
      thumbs.forEach(function (thumb, i) {
        if (i === index) thumb.setAttribute("aria-current", "true");
        else thumb.removeAttribute("aria-current");
      });
    }, { passive: true });
  });
})();
