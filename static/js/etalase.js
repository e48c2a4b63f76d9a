/* Etalase: small enhancements only. Every page works without this file. */
(function () {
  "use strict";

  // Filter forms submit as soon as a choice changes (the button stays for no-JS and keyboards).
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.addEventListener("change", function (event) {
      if (event.target.matches("select, input[type=checkbox]")) form.requestSubmit();
    });
  });

  // Typed filters suggest their values from a small endpoint (`data-suggest`) into the
  // input's datalist; without this the typed name still works.
  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var url = input.getAttribute("data-suggest") + "?q=" + encodeURIComponent(input.value);
        fetch(url, { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (choices) {
            list.replaceChildren.apply(list, choices.map(function (choice) {
              var option = document.createElement("option");
              option.value = choice.slug;
              option.textContent = choice.name;
              return option;
            }));
          })
          .catch(function () {});
      }, 200);
    });
  });

  // Back office: actions that ask first, and the packing slip's print button.
  // A print button (receipts): the page's print style leaves only the receipt.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // The filter panel is sent closed unless a filter is active, so a phone never sees it fold
  // after paint (that shifted the whole catalogue); a desktop opens it beside the results,
  // which moves nothing else.
  if (window.matchMedia("(min-width: 900px)").matches) {
    document.querySelectorAll("details.filters[data-collapsible]").forEach(function (d) {
      d.open = true;
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

  // A form answered with errors: move focus to the summary that lists them.
  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();

  // Checkout: the total follows the delivery choice at once; a changed address asks the
  // server for new courier prices. Without script, "Perbarui ringkasan" does the same.
  document.querySelectorAll("form[data-checkout]").forEach(function (form) {
    function rupiah(amount) {
      return "Rp" + String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    }
    function recompute() {
      var subtotal = 0, shipping = 0;
      form.querySelectorAll(".checkout-part").forEach(function (part) {
        var sub = part.querySelector("[data-subtotal-idr]");
        var chosen = part.querySelector("input[type=radio]:checked");
        var cost = chosen ? parseInt(chosen.getAttribute("data-shipping-idr"), 10) : 0;
        subtotal += parseInt(sub.getAttribute("data-subtotal-idr"), 10);
        shipping += cost;
        part.querySelector(".part-shipping").textContent = rupiah(cost);
      });
      form.querySelector(".checkout-summary .shipping").textContent = rupiah(shipping);
      form.querySelector(".checkout-summary .total").textContent = rupiah(subtotal + shipping);
      form.querySelector("input[name=quoted_total_idr]").value = String(subtotal + shipping);
    }
    // Only the answer to the latest request is drawn, and it keeps the delivery the buyer
    // chose meanwhile: a slow answer must never switch a choice back behind their back.
    var latest = 0;
    function requote() {
      var data = new FormData(form);
      var asked = ++latest;
      data.set("action", "review");
      // form.action would be the buttons named "action", not the attribute.
      fetch(form.getAttribute("action"), { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (!html || asked !== latest) return;
          var fresh = new DOMParser().parseFromString(html, "text/html");
          var parts = form.querySelectorAll(".checkout-part");
          fresh.querySelectorAll(".checkout-part").forEach(function (part, index) {
            if (!parts[index]) return;
            var chosen = parts[index].querySelector("input[type=radio]:checked");
            var replacement = document.importNode(part, true);
            if (chosen) {
              var same = replacement.querySelector(
                'input[type=radio][name="' + chosen.name + '"][value="' + chosen.value + '"]');
              if (same && !same.disabled) same.checked = true;
            }
            parts[index].replaceWith(replacement);
          });
          recompute();
        });
    }
    form.addEventListener("change", function (event) {
      if (event.target.matches("input[type=radio]")) recompute();
      if (event.target.matches("[name=city], [name=province]")) requote();
    });
  });
})();
