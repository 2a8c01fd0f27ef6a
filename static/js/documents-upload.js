/* Document upload: several files, drag and drop, a progress bar. No build step, no inline
   script (the CSP allows scripts from our static files only). Without JavaScript the form
   posts normally and the server answers with the same messages. */
(function () {
  "use strict";

  function init() {
    var form = document.getElementById("document-upload");
    if (!form || !window.FormData || !window.XMLHttpRequest) return;
    var input = form.querySelector("input[type=file]");
    var zone = document.getElementById("dropzone");
    var list = document.getElementById("file-list");
    var refusals = document.getElementById("upload-refusals");
    var progress = document.getElementById("upload-progress");
    var bar = document.getElementById("upload-progress-bar");
    var status = document.getElementById("upload-status");
    var submit = document.getElementById("upload-submit");
    var maxFile = parseInt(form.dataset.maxFile, 10);
    var maxTotal = parseInt(form.dataset.maxTotal, 10);
    var maxFiles = parseInt(form.dataset.maxFiles, 10);
    var chosen = [];

    function size(n) {
      if (n >= 1048576) return (n / 1048576).toFixed(1) + " MB";
      if (n >= 1024) return Math.round(n / 1024) + " KB";
      return n + " B";
    }

    function showErrors(messages) {
      refusals.textContent = "";
      if (!messages.length) return;
      var ul = document.createElement("ul");
      ul.className = "alert alert-danger list-unstyled mb-3";
      messages.forEach(function (m) {
        var li = document.createElement("li");
        li.textContent = m;
        ul.appendChild(li);
      });
      refusals.appendChild(ul);
      refusals.scrollIntoView({ block: "nearest" });
    }

    function render() {
      list.textContent = "";
      chosen.forEach(function (file) {
        var li = document.createElement("li");
        li.textContent = file.name + " · " + size(file.size);
        list.appendChild(li);
      });
    }

    function setFiles(files) {
      chosen = Array.prototype.slice.call(files);
      render();
    }

    function precheck() {
      var errors = [];
      var total = 0;
      if (!chosen.length) errors.push(form.dataset.msgNone);
      if (chosen.length > maxFiles) errors.push(form.dataset.msgCount);
      chosen.forEach(function (file) {
        total += file.size;
        if (file.size === 0) errors.push("«" + file.name + "»: " + form.dataset.msgEmpty);
        else if (file.size > maxFile) errors.push("«" + file.name + "»: " + form.dataset.msgTooBig);
      });
      if (total > maxTotal) errors.push(form.dataset.msgTotal);
      return errors;
    }

    input.addEventListener("change", function () { setFiles(input.files); });
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (event) {
        event.preventDefault();
        zone.classList.add("dropzone-active");
      });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function (event) {
        event.preventDefault();
        zone.classList.remove("dropzone-active");
      });
    });
    zone.addEventListener("drop", function (event) {
      if (event.dataTransfer && event.dataTransfer.files.length) setFiles(event.dataTransfer.files);
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var errors = precheck();
      showErrors(errors);
      if (errors.length) return;
      var data = new FormData(form);
      data.delete(input.name);
      chosen.forEach(function (file) { data.append(input.name, file, file.name); });
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || window.location.href);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      progress.classList.remove("d-none");
      submit.disabled = true;
      status.textContent = form.dataset.msgSending;
      xhr.upload.addEventListener("progress", function (event) {
        if (!event.lengthComputable) return;
        var pct = Math.round((event.loaded / event.total) * 100);
        bar.style.width = pct + "%";
        bar.textContent = pct + "%";
        progress.setAttribute("aria-valuenow", String(pct));
        if (pct >= 100) status.textContent = form.dataset.msgChecking;
      });
      xhr.addEventListener("load", function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        if (xhr.status === 200 && body && body.ok) {
          window.location.assign(body.redirect);
          return;
        }
        submit.disabled = false;
        progress.classList.add("d-none");
        status.textContent = "";
        var messages = [];
        if (body) messages = (body.errors || []).concat(body.refusals || []);
        if (!messages.length) messages = [form.dataset.msgNetwork];
        showErrors(messages);
      });
      xhr.addEventListener("error", function () {
        submit.disabled = false;
        progress.classList.add("d-none");
        status.textContent = "";
        showErrors([form.dataset.msgNetwork]);
      });
      xhr.send(data);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
