/* The till: a basket on the phone, sales queued in localStorage and sent when there is a network.
 *
 * Every sale gets a UUID made here and stays in the queue until the server has answered it
 * (recorded, or rejected with a reason). The server records a UUID once, so sending again after a
 * lost answer is safe. Rejected sales stay on screen until the staff member dismisses them.
 */
(function () {
  "use strict";

  var root = document.getElementById("till");
  if (!root) return;

  var standId = root.getAttribute("data-stand");
  var syncUrl = root.getAttribute("data-sync-url");
  var catalogueUrl = root.getAttribute("data-catalogue-url");
  var saleUrl = root.getAttribute("data-sale-url");
  var locale = root.getAttribute("data-locale") || "id-ID";
  var messages = root.querySelector("[data-messages]").dataset;
  var QUEUE_KEY = "etalase-till-queue-" + standId;
  var CATALOGUE_KEY = "etalase-till-catalogue-" + standId;
  var ALPHABET = /^[0-9A-HJKMNP-TV-Z]+$/;

  var catalogue = [];
  var basket = [];
  var sending = false;

  function $(selector) { return root.querySelector(selector); }

  function rupiah(amount) {
    return "Rp" + Math.round(amount).toString().replace(/\B(?=(\d{3})+(?!\d))/g, locale === "id-ID" ? "." : ",");
  }

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // ---- the phone's storage -------------------------------------------------------------
  function loadQueue() {
    try { return JSON.parse(window.localStorage.getItem(QUEUE_KEY) || "[]"); } catch (e) { return []; }
  }
  function saveQueue(queue) { window.localStorage.setItem(QUEUE_KEY, JSON.stringify(queue)); }

  // ---- the catalogue (kept on the phone for offline use) -------------------------------
  function loadCatalogue() {
    try { catalogue = JSON.parse(window.localStorage.getItem(CATALOGUE_KEY) || "[]"); } catch (e) { catalogue = []; }
    return fetch(catalogueUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || type.indexOf("json") < 0) throw new Error("no catalogue");
        return response.json();
      })
      .then(function (data) {
        catalogue = data.items;
        window.localStorage.setItem(CATALOGUE_KEY, JSON.stringify(catalogue));
      })
      .catch(function () { /* offline: the copy on the phone serves */ });
  }

  function normaliseCode(text) {
    var cleaned = text.trim();
    var marker = cleaned.indexOf("/v/");
    if (marker >= 0) cleaned = cleaned.slice(marker + 3).split(/[?#/]/)[0];
    cleaned = cleaned.toUpperCase().replace(/[-\s]/g, "");
    return cleaned.replace(/O/g, "0").replace(/[IL]/g, "1");
  }

  function findItem(text) {
    var typed = text.trim().toUpperCase();
    if (!typed) return null;
    var bySku = catalogue.filter(function (item) { return item.sku.toUpperCase() === typed; });
    if (bySku.length) return bySku[0];
    var code = normaliseCode(text);
    if (!code || !ALPHABET.test(code)) return null;
    var byCode = catalogue.filter(function (item) { return item.code && item.code === code; });
    return byCode.length ? byCode[0] : null;
  }

  // ---- the basket --------------------------------------------------------------------
  function total() {
    return basket.reduce(function (sum, line) { return sum + line.item.price * line.quantity; }, 0);
  }

  function addItem(item) {
    var line = basket.filter(function (l) { return l.item.variant_id === item.variant_id; })[0];
    var wanted = (line ? line.quantity : 0) + 1;
    if (wanted > item.stock) { showAddError(messages.noStock + " (" + item.sku + ")"); return false; }
    if (line) line.quantity = wanted; else basket.push({ item: item, quantity: 1 });
    showAddError("");
    renderBasket();
    return true;
  }

  function showAddError(text) {
    var error = $("[data-add-error]");
    error.textContent = text;
    error.hidden = !text;
  }

  function renderBasket() {
    var list = $("[data-lines]");
    list.replaceChildren();
    basket.forEach(function (line, index) {
      var li = document.createElement("li");
      li.className = "till-line";
      var name = document.createElement("span");
      name.textContent = line.item.name + (line.item.option ? " · " + line.item.option : "") + " (" + line.item.sku + ")";
      var amount = document.createElement("strong");
      amount.textContent = rupiah(line.item.price * line.quantity);
      var qty = document.createElement("span");
      qty.className = "qty";
      var minus = document.createElement("button");
      minus.type = "button"; minus.textContent = "−"; minus.setAttribute("aria-label", messages.remove);
      minus.addEventListener("click", function () {
        line.quantity -= 1;
        if (line.quantity <= 0) basket.splice(index, 1);
        renderBasket();
      });
      var count = document.createElement("span");
      count.textContent = "× " + line.quantity;
      var plus = document.createElement("button");
      plus.type = "button"; plus.textContent = "+"; plus.setAttribute("aria-label", "+1 " + line.item.sku);
      plus.addEventListener("click", function () { addItem(line.item); });
      qty.append(minus, count, plus);
      li.append(name, amount, qty);
      list.appendChild(li);
    });
    $("[data-empty]").hidden = basket.length > 0;
    $("[data-total]").textContent = rupiah(total());
    renderChange();
  }

  function renderChange() {
    var cash = parseInt(($("#till-cash").value || "").replace(/\D/g, ""), 10);
    $("[data-change]").textContent = rupiah(cash > total() ? cash - total() : 0);
  }

  // ---- taking payment ----------------------------------------------------------------
  function payment() { return root.querySelector("input[name=payment]:checked").value; }

  function paymentLabel(method) {
    var input = root.querySelector('input[name=payment][value="' + method + '"]');
    return input ? input.parentNode.textContent.trim() : method;
  }

  function showPayError(text) {
    var error = $("[data-pay-error]");
    error.textContent = text;
    error.hidden = !text;
  }

  function takePayment(event) {
    event.preventDefault();
    if (!basket.length) { showPayError(messages.emptyBasket); return; }
    var method = payment();
    var reference = $("#till-reference").value.trim();
    if (method !== "cash" && !reference) { showPayError(messages.needReference); return; }
    var cashText = ($("#till-cash").value || "").replace(/\D/g, "");
    var cash = method === "cash" && cashText ? parseInt(cashText, 10) : null;
    if (cash !== null && cash < total()) { showPayError(messages.cashShort); return; }
    showPayError("");
    var sale = {
      id: uuid(),
      payment: method,
      reference: method === "cash" ? "" : reference,
      cash_received: cash,
      sold_at: new Date().toISOString(),
      lines: basket.map(function (line) {
        return { variant_id: line.item.variant_id, quantity: line.quantity, unit_price: line.item.price,
                 sku: line.item.sku, name: line.item.name };
      })
    };
    basket.forEach(function (line) { line.item.stock -= line.quantity; });
    window.localStorage.setItem(CATALOGUE_KEY, JSON.stringify(catalogue));
    var queue = loadQueue();
    queue.push({ sale: sale, state: "pending", total: total() });
    saveQueue(queue);
    basket = [];
    $("#till-reference").value = "";
    $("#till-cash").value = "";
    renderBasket();
    showLast(null, sale.id);
    renderQueue();
    send();
  }

  function showLast(entry, id) {
    var box = $("[data-last]");
    box.replaceChildren();
    box.hidden = false;
    box.setAttribute("data-sale-id", id);
    var text = document.createElement("p");
    if (!entry || entry.state === "pending") {
      text.textContent = messages.saved;
      box.appendChild(text);
      return;
    }
    text.textContent = entry.result.number + " · " + rupiah(entry.result.total) + " · " +
      (entry.state === "recorded" ? messages.recorded : messages.rejected + ": " + (entry.result.rejection || entry.error));
    box.appendChild(text);
    if (entry.state === "recorded") {
      var link = document.createElement("a");
      link.className = "button";
      link.href = saleUrl.replace(/\/0$/, "/" + entry.result.sale_id);
      link.textContent = messages.receipt;
      box.appendChild(link);
    }
  }

  // ---- the queue ---------------------------------------------------------------------
  function renderQueue() {
    var queue = loadQueue();
    var list = $("[data-queue]");
    list.replaceChildren();
    var waiting = 0;
    queue.forEach(function (entry, index) {
      if (entry.state === "pending") waiting += 1;
      var li = document.createElement("li");
      li.className = entry.state;
      li.setAttribute("data-queue-item", entry.sale.id);
      var label = rupiah(entry.total) + " · " + paymentLabel(entry.sale.payment) + " · ";
      if (entry.state === "pending") label += messages.pending;
      else if (entry.state === "recorded") label = entry.result.number + " · " + label + messages.recorded;
      else label = (entry.result ? entry.result.number + " · " : "") + label + messages.rejected + ": " +
        (entry.result ? entry.result.rejection : entry.error);
      var text = document.createElement("span");
      text.textContent = label;
      li.appendChild(text);
      if (entry.state === "recorded") {
        var link = document.createElement("a");
        link.href = saleUrl.replace(/\/0$/, "/" + entry.result.sale_id);
        link.textContent = " " + messages.receipt;
        li.appendChild(link);
      }
      if (entry.state === "rejected" || entry.state === "refused") {
        var dismiss = document.createElement("button");
        dismiss.type = "button";
        dismiss.className = "button secondary small-button";
        dismiss.textContent = messages.dismiss;
        dismiss.addEventListener("click", function () {
          var current = loadQueue();
          current.splice(index, 1);
          saveQueue(current);
          renderQueue();
        });
        li.appendChild(dismiss);
      }
      list.appendChild(li);
    });
    root.querySelector("[data-queue-count]").textContent = String(waiting);
    root.setAttribute("data-waiting", String(waiting));
  }

  function settle(id, change) {
    var queue = loadQueue();
    queue.forEach(function (entry) { if (entry.sale.id === id) Object.assign(entry, change); });
    // Keep the last 20 recorded sales for the screen; never drop a pending or rejected one.
    var recorded = queue.filter(function (e) { return e.state === "recorded"; });
    var drop = recorded.slice(0, Math.max(0, recorded.length - 20)).map(function (e) { return e.sale.id; });
    saveQueue(queue.filter(function (e) { return drop.indexOf(e.sale.id) < 0; }));
  }

  function sendOne(entry) {
    return fetch(syncUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(entry.sale)
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("json") < 0) {
        // Signed out (the login page answered): keep the sale, say so.
        showStatus(messages.signedOut);
        throw new Error("not json");
      }
      return response.json().then(function (body) {
        if (response.ok) {
          settle(entry.sale.id, { state: body.status === "rejected" ? "rejected" : "recorded", result: body });
        } else if (response.status === 422 || response.status === 415) {
          settle(entry.sale.id, { state: "refused", error: body.error });
        } else {
          throw new Error("server " + response.status);
        }
        var last = $("[data-last]");
        if (last.getAttribute("data-sale-id") === entry.sale.id) {
          showLast(loadQueue().filter(function (e) { return e.sale.id === entry.sale.id; })[0], entry.sale.id);
        }
      });
    });
  }

  function send() {
    if (sending) return;
    var pending = loadQueue().filter(function (e) { return e.state === "pending"; });
    if (!pending.length) { renderQueue(); return; }
    sending = true;
    pending.reduce(function (chain, entry) {
      return chain.then(function () { return sendOne(entry); });
    }, Promise.resolve()).then(function () {
      showStatus("");
    }).catch(function () { /* kept in the queue; tried again later */ }).then(function () {
      sending = false;
      renderQueue();
    });
  }

  function showStatus(extra) {
    var network = root.querySelector("[data-network]");
    var online = navigator.onLine;
    network.textContent = (online ? messages.online : messages.offline) + (extra ? " · " + extra : "");
    network.classList.toggle("offline", !online);
  }

  // ---- the camera --------------------------------------------------------------------
  var stream = null;
  var scanning = false;

  function loadJsQR() {
    if (window.jsQR) return Promise.resolve(window.jsQR);
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = root.getAttribute("data-jsqr-url");
      script.onload = function () { resolve(window.jsQR); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function startScan() {
    var video = $("[data-video]");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { showAddError(messages.noCamera); return; }
    var detect;
    if ("BarcodeDetector" in window) {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      detect = function () {
        return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
      };
    } else {
      var canvas = document.createElement("canvas");
      var context = canvas.getContext("2d", { willReadFrequently: true });
      detect = function () {
        return loadJsQR().then(function (jsQR) {
          canvas.width = video.videoWidth; canvas.height = video.videoHeight;
          if (!canvas.width) return null;
          context.drawImage(video, 0, 0);
          var found = jsQR(context.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height);
          return found ? found.data : null;
        });
      };
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        $("[data-scanner]").hidden = false;
        scanning = true;
        return video.play();
      })
      .then(function () {
        var last = "";
        function tick() {
          if (!scanning) return;
          detect().then(function (text) {
            if (text && text !== last) {
              last = text;
              var item = findItem(text);
              if (item) addItem(item); else showAddError(messages.notFound);
              window.setTimeout(function () { last = ""; }, 1500);
            }
          }).catch(function () {}).then(function () { window.setTimeout(tick, 250); });
        }
        tick();
      })
      .catch(function () { showAddError(messages.noCamera); stopScan(); });
  }

  function stopScan() {
    scanning = false;
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    $("[data-scanner]").hidden = true;
  }

  // ---- the service worker (offline page and assets) -----------------------------------
  function registerWorker() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register(root.getAttribute("data-worker-url"), { scope: root.getAttribute("data-scope") })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        var urls = [window.location.pathname, catalogueUrl].concat(root.getAttribute("data-assets").split(" "));
        if (registration.active) registration.active.postMessage({ keep: urls });
      })
      .catch(function () { /* the till still works while this page stays open */ });
  }

  // ---- wiring ------------------------------------------------------------------------
  var addForm = $("[data-add]");
  if (addForm && root.getAttribute("data-open") === "true") {
    addForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var input = $("#till-code");
      var item = findItem(input.value);
      if (!item) { showAddError(messages.notFound); return; }
      if (addItem(item)) input.value = "";
      input.focus();
    });
    $("[data-scan]").addEventListener("click", startScan);
    $("[data-scan-stop]").addEventListener("click", stopScan);
    $("[data-pay]").addEventListener("submit", takePayment);
    $("#till-cash").addEventListener("input", renderChange);
    root.querySelectorAll("input[name=payment]").forEach(function (radio) {
      radio.addEventListener("change", function () {
        var cash = payment() === "cash";
        $("[data-reference-field]").hidden = cash;
        $("[data-cash-field]").hidden = !cash;
      });
    });
  }
  var closeLink = $("[data-close-link]");
  if (closeLink) {
    closeLink.addEventListener("click", function (event) {
      if (loadQueue().some(function (e) { return e.state === "pending"; })) {
        event.preventDefault();
        send();
        showStatus(messages.queueFirst);
      }
    });
  }
  $("[data-send]").addEventListener("click", send);
  window.addEventListener("online", function () { showStatus(""); send(); });
  window.addEventListener("offline", function () { showStatus(""); });
  window.setInterval(send, 15000);

  showStatus("");
  renderQueue();
  loadCatalogue().then(function () { root.setAttribute("data-ready", "true"); send(); });
  registerWorker();
})();
