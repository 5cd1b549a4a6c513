// "Insert image" beside each Markdown field of the admin (textarea[data-markdown]):
// a list of the media library's images; choosing one writes its reference,
// ![](image:42), at the cursor. Without JavaScript the field still works:
// editors copy the reference from the image's page in the library.
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.getAttribute("data-chooser-url");
  var areas = document.querySelectorAll("textarea[data-markdown]");
  if (!url || !areas.length) return;

  var library = null;
  function load() {
    if (!library) {
      library = fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (answer) { return answer.ok ? answer.json() : { images: [] }; })
        .then(function (data) { return data.images; })
        .catch(function () { library = null; return []; });
    }
    return library;
  }

  function insert(area, reference) {
    var start = area.selectionStart, end = area.selectionEnd;
    var before = area.value.slice(0, start), after = area.value.slice(end);
    // A paragraph of its own, so the image can have its caption.
    var lead = !before || /\n\n$/.test(before) ? "" : /\n$/.test(before) ? "\n" : "\n\n";
    var tail = /^\n\n/.test(after) || !after ? "" : /^\n/.test(after) ? "\n" : "\n\n";
    var text = lead + reference + tail;
    area.value = before + text + after;
    var caret = before.length + text.length;
    area.focus();
    area.setSelectionRange(caret, caret);
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function show(panel, images, area, close) {
    panel.replaceChildren();
    if (!images.length) {
      var empty = document.createElement("p");
      empty.textContent = "The media library has no images yet: upload one there first.";
      panel.append(empty);
      return;
    }
    var list = document.createElement("ul");
    images.forEach(function (image) {
      var choose = document.createElement("button");
      choose.type = "button";
      choose.className = "image-chooser-choice";
      if (image.thumbnail) {
        var thumbnail = document.createElement("img");
        thumbnail.src = image.thumbnail;
        thumbnail.alt = "";
        thumbnail.width = 80;
        choose.append(thumbnail);
      }
      choose.append(document.createTextNode(image.title));
      choose.addEventListener("click", function () {
        close();
        insert(area, image.reference);
      });
      var item = document.createElement("li");
      item.append(choose);
      list.append(item);
    });
    panel.append(list);
  }

  areas.forEach(function (area) {
    var box = document.createElement("div");
    box.className = "image-chooser";
    var open = document.createElement("button");
    open.type = "button";
    open.className = "button";
    open.textContent = "Insert image";
    open.setAttribute("aria-expanded", "false");
    var panel = document.createElement("div");
    panel.className = "image-chooser-panel";
    panel.hidden = true;
    function close() {
      panel.hidden = true;
      open.setAttribute("aria-expanded", "false");
    }
    open.addEventListener("click", function () {
      if (!panel.hidden) return close();
      load().then(function (images) {
        show(panel, images, area, close);
        panel.hidden = false;
        open.setAttribute("aria-expanded", "true");
      });
    });
    box.append(open, panel);
    area.insertAdjacentElement("afterend", box);
  });
})();
