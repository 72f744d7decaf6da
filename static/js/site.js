/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";

  // Commune picker: type-ahead over /places/communes, accents optional (the server folds
  // them). Without JavaScript the typed name is resolved on the server instead.
  function setUpCommunePicker(root) {
    var input = root.querySelector("[role=combobox]");
    var hidden = root.querySelector("input[type=hidden]");
    var list = root.querySelector("[role=listbox]");
    if (!input || !hidden || !list) return;
    var timer = null, active = -1, items = [], lastQuery = "";

    function close() {
      list.hidden = true; input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant"); active = -1;
    }
    function choose(item) {
      input.value = item.label; hidden.value = item.code; close();
    }
    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (el, i) { el.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      }
    }
    function render(results) {
      items = results; list.textContent = "";
      results.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = input.id + "-option-" + i; li.setAttribute("role", "option");
        li.textContent = item.label;
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(item); });
        list.appendChild(li);
      });
      var open = results.length > 0;
      list.hidden = !open; input.setAttribute("aria-expanded", open ? "true" : "false");
    }
    function lookUp() {
      var query = input.value.trim();
      if (query.length < 2) { render([]); return; }
      if (query === lastQuery) return;
      lastQuery = query;
      fetch(input.dataset.source + "?q=" + encodeURIComponent(query), { headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) { if (input.value.trim() === query) render(data.results || []); })
        .catch(function () { render([]); });
    }
    input.addEventListener("input", function () {
      hidden.value = "";  // a changed name no longer names the chosen commune
      clearTimeout(timer); timer = setTimeout(lookUp, 200);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      if (e.key === "ArrowDown") { e.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(items[active]); }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  document.querySelectorAll("[data-commune-picker]").forEach(setUpCommunePicker);

  // Search box suggestions: the browser's own <datalist>, filled from /search/suggest as the
  // person types (a pause of 250 ms first, so a slow phone does not send a request per key).
  function setUpSuggestions(input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    var timer = null, lastQuery = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var query = input.value.trim();
        if (query.length < 2 || query === lastQuery) return;
        lastQuery = query;
        fetch(input.dataset.suggest + "?q=" + encodeURIComponent(query), { headers: { "Accept": "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) {
            if (input.value.trim() !== query) return;
            list.textContent = "";
            (data.results || []).forEach(function (title) {
              var option = document.createElement("option");
              option.value = title;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 250);
    });
  }

  document.querySelectorAll("input[data-suggest]").forEach(setUpSuggestions);

  // The listing form's reference prices (issue #20): the server shows them once the product is
  // known; when the seller types another product, ask for that product's (and show none if unknown).
  document.querySelectorAll("[data-reference-url]").forEach(function (box) {
    var input = document.getElementById(box.dataset.productField);
    if (!input || !box.dataset.referenceUrl) return;
    var last = input.value.trim();
    input.addEventListener("change", function () {
      var product = input.value.trim();
      if (product === last) return;
      last = product;
      if (!product) { box.textContent = ""; return; }
      fetch(box.dataset.referenceUrl + "?product=" + encodeURIComponent(product), { headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) {
          if (input.value.trim() !== product) return;
          box.textContent = "";
          if (!data.results || !data.results.length) return;
          var heading = document.createElement("p");
          heading.className = "label";
          heading.textContent = box.dataset.heading;
          var list = document.createElement("ul");
          list.className = "plain";
          data.results.forEach(function (line) {
            var item = document.createElement("li");
            item.textContent = line.text;
            list.appendChild(item);
          });
          box.appendChild(heading);
          box.appendChild(list);
        })
        .catch(function () {});
    });
  });

  // A tap on a phone or Zalo link is a lead that leaves the platform: tell the server in the
  // background (sendBeacon survives the page being left for the dialler or Zalo), then let the
  // link do its work. Without JavaScript the link still works; the tap is just not counted.
  var csrfMeta = document.querySelector("meta[name=csrf-token]");
  document.querySelectorAll("a[data-contact]").forEach(function (link) {
    link.addEventListener("click", function () {
      if (!csrfMeta || !navigator.sendBeacon) return;
      var data = new FormData();
      data.append("csrf_token", csrfMeta.content);
      data.append("channel", link.dataset.contact);
      data.append("org_id", link.dataset.org);
      if (link.dataset.listing) data.append("listing_id", link.dataset.listing);
      if (link.dataset.demand) data.append("demand_id", link.dataset.demand);
      if (link.dataset.fair) data.append("fair_id", link.dataset.fair);
      navigator.sendBeacon("/contact-events", data);
    });
  });

  // "Copy" beside a value to type into a banking app (account number, amount, transfer message):
  // the clipboard where the browser allows it, else the old copy command on the selected text,
  // else the text left selected in its read-only input for the phone's own copy. Without
  // JavaScript the buttons stay hidden and the inputs can be selected by hand.
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var input = document.getElementById(button.dataset.copy);
    var panel = button.closest("[data-copied]");
    var status = panel && panel.parentNode.querySelector("[data-copy-status]");
    if (!input || !panel || !status) return;
    button.hidden = false;
    function say(text) {
      status.textContent = "";
      // A fresh text node each time, so a second copy of the same value is announced again.
      window.setTimeout(function () { status.textContent = text; }, 50);
    }
    function selectedCopy() {
      input.focus();
      input.select();
      input.setSelectionRange(0, input.value.length);
      var copied = false;
      try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
      say(copied ? copiedWords() : panel.dataset.copyFailed);
    }
    // A long text (the bulletin's) is not read out again: "Copied" is enough.
    function copiedWords() {
      return input.tagName === "TEXTAREA" ? panel.dataset.copied : panel.dataset.copied + ": " + input.value;
    }
    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(function () {
          say(copiedWords());
        }, selectedCopy);
      } else {
        selectedCopy();
      }
    });
  });

  // "Share" beside a text to forward (the market bulletin's): the phone's own share sheet (Zalo
  // among its apps) where the browser has the Web Share API; hidden elsewhere, where the text
  // stays selectable and the "Copy" button does the work.
  document.querySelectorAll("button[data-share]").forEach(function (button) {
    var source = document.getElementById(button.dataset.share);
    if (!source || typeof navigator.share !== "function") return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.share({ title: button.dataset.shareTitle || document.title, text: source.value })
        .catch(function () { /* closed without sharing: nothing to say */ });
    });
  });

  // Move focus to an error summary so screen readers announce what went wrong.
  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
})();

/* Listing photos on a slow network (issue #16): each photo, once picked, is made smaller in the
   browser (longest side 1600 px, WebP or JPEG at 0.8, turned upright from its EXIF) and sent on
   its own to /listings/photos with a progress bar, while the person types the rest; the form then
   carries only its key (a hidden photo_token field). The form's buttons wait while photos are being
   sent, and again while the form itself is. Without JavaScript the photos go with the form, and
   the server makes them smaller just the same. */
(function () {
  "use strict";
  var MAX_SIDE = 1600, QUALITY = 0.8;

  function fill(text, n, total) { return text.replace("{n}", n).replace("{total}", total); }

  // The picked photo decoded and upright: createImageBitmap turning it from its EXIF, else (an
  // older browser that does not know that option) an <img>, which browsers also turn.
  function decoded(file) {
    var bitmap = window.createImageBitmap ? createImageBitmap(file, { imageOrientation: "from-image" })
      : Promise.reject(new Error("no createImageBitmap"));
    return bitmap.catch(function () {
      return new Promise(function (resolve, reject) {
        var url = URL.createObjectURL(file), img = new Image();
        img.onload = function () { URL.revokeObjectURL(url); resolve(img); };
        img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("unreadable")); };
        img.src = url;
      });
    });
  }

  // A smaller copy of the photo, or null when this browser cannot read it (HEIC on most) or it is
  // already small enough: then the file goes as it is, and the server does the work.
  function smaller(file) {
    if (!document.createElement("canvas").toBlob) return Promise.resolve(null);
    return decoded(file).then(function (source) {
      var width = source.naturalWidth || source.width, height = source.naturalHeight || source.height;
      var done = function () { if (source.close) source.close(); };
      var scale = Math.min(1, MAX_SIDE / Math.max(width, height));
      if (scale === 1 && file.size <= 1024 * 1024 && /^image\/(jpeg|webp)$/.test(file.type)) {
        done(); return null;
      }
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(width * scale));
      canvas.height = Math.max(1, Math.round(height * scale));
      var context = canvas.getContext("2d");
      context.imageSmoothingQuality = "high";
      context.drawImage(source, 0, 0, canvas.width, canvas.height);
      done();
      return new Promise(function (resolve) {
        canvas.toBlob(function (webp) {
          if (webp && webp.type === "image/webp") { resolve(webp); return; }
          canvas.toBlob(function (jpeg) { resolve(jpeg); }, "image/jpeg", QUALITY);  // no WebP encoder
        }, "image/webp", QUALITY);
      });
    }).catch(function () { return null; });
  }

  function setUpPhotoUploader(box) {
    var form = box.closest("form");
    var input = box.querySelector("input[type=file]");
    var list = box.querySelector("[data-staged-list]");
    var progressBox = box.querySelector("[data-upload-progress]");
    var progress = progressBox && progressBox.querySelector("progress");
    var progressLabel = box.querySelector("[data-progress-label]");
    var status = box.querySelector("[data-upload-status]");
    var token = form && form.querySelector("input[name=csrf_token]");
    if (!form || !input || !list || !progress || !status || !token || !window.FormData || !window.XMLHttpRequest) return;
    var d = box.dataset, busy = 0;

    function buttons() { return form.querySelectorAll("button[type=submit]:not([data-unstage])"); }
    function setBusy(change) {
      busy += change;
      buttons().forEach(function (button) { button.disabled = busy > 0; });
      form.setAttribute("aria-busy", busy > 0 ? "true" : "false");
    }
    function say(text, isError) {
      status.textContent = text;
      status.setAttribute("role", isError ? "alert" : "status");
      status.classList.toggle("error", !!isError);
    }
    function staged() { return list.querySelectorAll("[data-staged]").length; }

    function unstage(item) { item.remove(); list.hidden = staged() === 0; }
    list.querySelectorAll("[data-staged]").forEach(function (item) {
      var button = item.querySelector("[data-unstage]");
      if (!button) return;
      button.type = "button";  // taken off here, no round trip (the cleanup job forgets it)
      button.addEventListener("click", function () { unstage(item); });
    });

    function addStaged(body, number) {
      var item = document.createElement("li");
      item.setAttribute("data-staged", "");
      var hidden = document.createElement("input");
      hidden.type = "hidden"; hidden.name = "photo_token"; hidden.value = body.token;
      var img = document.createElement("img");
      img.src = body.thumbnail; img.alt = ""; img.width = 160;
      img.height = Math.round(160 * body.height / body.width);
      var remove = document.createElement("button");
      remove.type = "button"; remove.className = "button secondary"; remove.textContent = d.removeLabel;
      remove.setAttribute("data-unstage", "");
      remove.addEventListener("click", function () { unstage(item); });
      item.appendChild(hidden); item.appendChild(img); item.appendChild(remove);
      list.appendChild(item); list.hidden = false;
    }

    function send(blob, name, onProgress) {
      return new Promise(function (resolve, reject) {
        var data = new FormData();
        data.append("csrf_token", token.value);
        data.append("photo", blob, name);
        var xhr = new XMLHttpRequest();
        xhr.open("POST", d.uploadUrl);
        xhr.setRequestHeader("Accept", "application/json");
        xhr.upload.addEventListener("progress", function (e) { if (e.lengthComputable) onProgress(e.loaded / e.total); });
        xhr.addEventListener("load", function () {
          var body = null;
          try { body = JSON.parse(xhr.responseText); } catch (error) { body = null; }
          if (xhr.status === 201 && body && body.token) resolve(body);
          else reject((body && body.error) || d.failed);
        });
        xhr.addEventListener("error", function () { reject(d.failed); });
        xhr.addEventListener("abort", function () { reject(d.failed); });
        xhr.send(data);
      });
    }

    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files || []);
      if (!files.length) return;
      var room = Math.max(0, parseInt(d.room, 10) - staged());
      var problems = [];
      if (files.length > room) { files = files.slice(0, room); problems.push(d.tooMany); }
      input.value = "";  // sent here, never again with the form
      if (!files.length) { say(problems.join(" "), true); return; }
      var total = files.length, done = 0;
      setBusy(1);
      progressBox.hidden = false; progress.value = 0;
      var chain = Promise.resolve();
      files.forEach(function (file, index) {
        chain = chain.then(function () {
          var number = index + 1;
          progressLabel.textContent = fill(d.preparing, number, total);
          return smaller(file).then(function (small) {
            var blob = small || file;
            if (blob.size > parseInt(d.maxBytes, 10)) throw d.tooLarge;
            var name = small ? file.name.replace(/\.[^.]*$/, "") + (small.type === "image/webp" ? ".webp" : ".jpg") : file.name;
            progressLabel.textContent = fill(d.sending, number, total);
            say(fill(d.sending, number, total));
            return send(blob, name, function (part) { progress.value = Math.round(100 * (done + part) / total); });
          }).then(function (body) {
            addStaged(body, number);
          }).catch(function (message) {
            problems.push("“" + file.name + "”: " + (typeof message === "string" ? message : d.failed));
          }).then(function () {
            done += 1; progress.value = Math.round(100 * done / total);
          });
        });
      });
      chain.then(function () {
        progressBox.hidden = true;
        setBusy(-1);
        if (problems.length) say(problems.join(" "), true); else say(d.sent);
      });
    });

    // The form itself: once sent, its buttons wait (a second tap would send it twice). Disabled a
    // moment later, so that the tapped button's name (publish, draft) still goes with the form.
    form.addEventListener("submit", function (event) {
      if (busy > 0) { event.preventDefault(); return; }
      say(d.sendingForm);
      window.setTimeout(function () { setBusy(1); }, 0);
    });
    window.addEventListener("pageshow", function (event) {
      if (event.persisted && busy > 0) { busy = 1; setBusy(-1); say(""); }
    });
  }

  document.querySelectorAll("[data-photo-uploader]").forEach(setUpPhotoUploader);

  // The header menu opens without script (<details>); with it, Escape closes the menu and gives
  // the focus back to its button, and a tap outside closes it, as people expect of a menu.
  document.querySelectorAll("[data-menu]").forEach(function (menu) {
    var summary = menu.querySelector("summary");
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) { menu.open = false; summary.focus(); }
    });
    document.addEventListener("click", function (event) {
      if (menu.open && !menu.contains(event.target)) menu.open = false;
    });
  });

  // A quantity's unit suffix follows the unit chosen on the same form (the server writes the unit
  // the page was sent with, and the hints say where it comes from, for when this does not run).
  document.querySelectorAll("[data-unit-of]").forEach(function (suffix) {
    var select = document.getElementById(suffix.getAttribute("data-unit-of"));
    if (!select) return;
    function follow() {
      var option = select.options[select.selectedIndex];
      if (option) suffix.textContent = option.text;
    }
    select.addEventListener("change", follow);
    follow();
  });

  // A large import's status page: its figures every 2 s from the JSON status, and the page itself
  // (the preview or the result) once the worker is done. Without script, the page reloads itself.
  // An answer that is not the JSON status (signed out: the sign-in page; a job gone: 404) reloads
  // the page, so the server shows what it is. After 30 network failures in a row (a minute
  // offline) it stops asking, and the Refresh link is there to try again.
  document.querySelectorAll("[data-import-status]").forEach(function (box) {
    var url = box.getAttribute("data-import-status");
    var failures = 0;
    function set(selector, text) {
      var node = box.querySelector(selector);
      if (node && node.textContent !== text) node.textContent = text;
    }
    function look() {
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          var type = response.headers.get("Content-Type") || "";
          if (!response.ok || response.redirected || type.indexOf("application/json") !== 0) {
            window.location.reload();
            return null;
          }
          return response.json();
        })
        .then(function (status) {
          if (!status) return;
          failures = 0;
          if (status.finished) return window.location.reload();
          box.setAttribute("data-phase", status.phase);
          set("[data-job-heading]", status.heading);
          set("[data-job-counts]", status.counts);
          set("[data-job-help]", status.help);
          var counts = box.querySelector("[data-job-counts]");
          if (counts) counts.hidden = !status.read;
          var bar = box.querySelector("[data-job-progress]");
          if (bar && status.read) { bar.max = status.read; bar.value = status.checked; bar.textContent = status.counts; }
          setTimeout(look, 2000);
        })
        .catch(function () {
          failures += 1;
          if (failures >= 30) {
            var refresh = box.querySelector("[data-job-refresh]");
            if (refresh) refresh.hidden = false;
            return;
          }
          setTimeout(look, 2000);
        });
    }
    setTimeout(look, 2000);
  });
})();
