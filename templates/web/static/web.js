// The little JavaScript the pages use: drag and drop onto the upload form, and confirm before delete.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var drop = document.getElementById("drop");
  var input = document.getElementById("file");
  var label = document.getElementById("drop-text");
  function show() {
    if (input && input.files && input.files.length) { label.textContent = input.files[0].name; }
  }
  if (drop && input) {
    ["dragenter", "dragover"].forEach(function (type) {
      drop.addEventListener(type, function (event) { event.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      drop.addEventListener(type, function () { drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) { input.files = event.dataTransfer.files; show(); }
    });
    input.addEventListener("change", show);
  }
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
});

// Type-ahead for the review page's maker and part fields: ask the API for the makers (set maker) or
// parts (set part) whose name or number holds what was typed, and offer them in the field's list.
document.addEventListener("DOMContentLoaded", function () {
  var timer = null;
  document.querySelectorAll("input[data-lookup]").forEach(function (input) {
    input.addEventListener("input", function () {
      var form = input.form;
      var decision = form && form.querySelector("select[name=decision]");
      var parts = decision && decision.value === "set_part";
      var query = input.value.trim();
      if (query.length < 2) { return; }
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        fetch((parts ? "/api/parts?q=" : "/api/makers?q=") + encodeURIComponent(query), {credentials: "same-origin"})
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (found) {
            var listId = parts ? "parts-list" : "makers";
            var list = document.getElementById(listId);
            if (!list) { list = document.createElement("datalist"); list.id = listId; document.body.appendChild(list); }
            list.textContent = "";
            found.forEach(function (item) {
              var option = document.createElement("option");
              option.value = parts ? item.part_number : item.id;
              option.textContent = parts ? item.part_number + " — " + item.maker_name + " (" + item.country + ")"
                                         : item.name + " (" + item.country + ", " + item.tier + ")";
              list.appendChild(option);
            });
            input.setAttribute("list", listId);
          });
      }, 200);
    });
  });
});
