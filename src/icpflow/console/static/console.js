// icpflow console: progressive enhancement only — every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent).then(function () { button.textContent = "已复制"; });
    });
  });
  enhanceUploads(document.querySelector(".upload-area"));
});

// Step 5 (附件): a local preview of the chosen image, and a warning at once when the file is too big, of a
// type the platform does not take, or not landscape where the bureau wants landscape. The server decides.
function enhanceUploads(area) {
  if (!area || !window.URL || !URL.createObjectURL) return;
  var maxBytes = parseInt(area.getAttribute("data-max-bytes"), 10) || 0;
  var maxMb = area.getAttribute("data-max-mb") || "";
  var landscape = area.getAttribute("data-landscape") || "";
  area.querySelectorAll("form.js-upload").forEach(function (form) {
    var input = form.querySelector("input[type=file]");
    var box = form.querySelector(".local-preview");
    var warning = form.querySelector(".local-warning");
    if (!input || !box || !warning) return;
    var img = box.querySelector("img");
    var facts = box.querySelector(".local-facts");
    var url = null;
    function warn(text) { warning.textContent = text; warning.hidden = !text; }
    input.addEventListener("change", function () {
      if (url) { URL.revokeObjectURL(url); url = null; }
      box.hidden = true;
      img.hidden = true;
      img.removeAttribute("src");
      warn("");
      var file = input.files && input.files[0];
      if (!file) return;
      var size = file.size < 1048576 ? Math.max(1, Math.round(file.size / 1024)) + " KB" : (file.size / 1048576).toFixed(1) + " MB";
      var problems = "";
      if (maxBytes && file.size > maxBytes) problems += "文件大小 " + size + "，超过上限 " + maxMb + " MB，请压缩后再上传。";
      if (file.type && !/^(image\/(jpeg|png)|application\/pdf)$/.test(file.type)) problems += "文件类型应为 JPG、PNG 或 PDF。";
      warn(problems);
      if (file.type !== "image/jpeg" && file.type !== "image/png") {
        facts.textContent = (file.type === "application/pdf" ? "PDF，" : "") + size;
        box.hidden = false;
        return;
      }
      img.onload = function () {
        // the browser draws the photo as it displays (EXIF rotation applied): these are the bureau's sizes
        var w = img.naturalWidth, h = img.naturalHeight;
        facts.textContent = w + "×" + h + "，" + (w > h ? "横向" : w < h ? "竖向" : "方形") + "，" + size;
        img.hidden = false;
        if (landscape && w <= h) warn(problems + landscape);
      };
      img.onerror = function () { warn(problems + "无法读取这张图片，文件可能已损坏。"); };
      box.hidden = false;
      url = URL.createObjectURL(file);
      img.src = url;
    });
  });
  // the checklist's "上传此材料" links choose the slot and kind in place instead of reloading the page
  area.querySelectorAll("a[data-slot][data-kind]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var form = document.getElementById("upload");
      if (!form) return;
      event.preventDefault();
      form.elements.slot.value = link.getAttribute("data-slot");
      form.elements.kind.value = link.getAttribute("data-kind");
      form.elements.file.focus();
    });
  });
}

// new filing: with htmx the region selects update by themselves, so the no-JavaScript refresh button goes;
// the subject part that does not apply to the chosen filing type (首次备案 / 新增小程序) is hidden.
document.addEventListener("DOMContentLoaded", function () {
  if (window.htmx) {
    document.querySelectorAll(".nojs-only").forEach(function (el) { el.hidden = true; });
  }
  var radios = document.querySelectorAll('input[type=radio][name="start"]');
  if (!radios.length) return;
  function sync() {
    var chosen = document.querySelector('input[type=radio][name="start"]:checked');
    document.querySelectorAll("fieldset[data-start]").forEach(function (set) {
      set.hidden = !!chosen && set.getAttribute("data-start") !== chosen.value;
    });
  }
  radios.forEach(function (radio) { radio.addEventListener("change", sync); });
  sync();
});

// new filing: the mini-game part shows only when the type is 小游戏
document.addEventListener("DOMContentLoaded", function () {
  var type = document.querySelector('select[name="program_type"]');
  var game = document.querySelector('fieldset[data-program-type]');
  if (!type || !game) return;
  function sync() { game.hidden = type.value !== game.getAttribute("data-program-type"); }
  type.addEventListener("change", sync);
  sync();
});
