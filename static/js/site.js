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
      say(copied ? panel.dataset.copied + ": " + input.value : panel.dataset.copyFailed);
    }
    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(function () {
          say(panel.dataset.copied + ": " + input.value);
        }, selectedCopy);
      } else {
        selectedCopy();
      }
    });
  });

  // Move focus to an error summary so screen readers announce what went wrong.
  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
})();
