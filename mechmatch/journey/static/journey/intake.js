// Intake helpers: postal code checked as it is typed (the server checks again), the
// placeholder follows the country, and a saved vehicle fills the vehicle fields.
(function () {
  "use strict";
  var form = document.getElementById("intake-form");
  if (!form) return;
  var country = form.querySelector("[name=country]");
  var postal = form.querySelector("[name=postal_code]");
  var messages = document.getElementById("postal-messages");
  var CA = /^[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z][ -]?[0-9][ABCEGHJ-NPRSTV-Z][0-9]$/;
  var US = /^[0-9]{5}(-?[0-9]{4})?$/;

  function errorBox() { return document.getElementById(postal.id + "-error"); }

  function check(final) {
    var value = postal.value.trim().toUpperCase();
    var isCa = country.value === "CA";
    var ok = value === "" || (isCa ? CA : US).test(value);
    var box = errorBox();
    // While typing, only complain once the code is long enough to judge.
    var judge = final || value.replace(/[ -]/g, "").length >= (isCa ? 6 : 5);
    if (!ok && judge) {
      box.textContent = messages.getAttribute(isCa ? "data-ca" : "data-us");
      postal.setAttribute("aria-invalid", "true");
      postal.closest(".field").classList.add("has-error");
    } else if (ok) {
      box.textContent = "";
      postal.removeAttribute("aria-invalid");
      postal.closest(".field").classList.remove("has-error");
    }
  }

  function placeholder() {
    postal.placeholder = postal.getAttribute(country.value === "US" ? "data-placeholder-us" : "data-placeholder-ca");
  }

  if (country && postal && messages) {
    country.addEventListener("change", function () { placeholder(); if (postal.value) check(true); });
    postal.addEventListener("input", function () { check(false); });
    postal.addEventListener("blur", function () {
      if (country.value === "CA" && /^[A-Za-z][0-9][A-Za-z][0-9][A-Za-z][0-9]$/.test(postal.value.trim())) {
        var v = postal.value.trim().toUpperCase();
        postal.value = v.slice(0, 3) + " " + v.slice(3);
      }
      check(true);
    });
    placeholder();
  }

  var saved = form.querySelector("[name=saved_vehicle]");
  if (saved) {
    var vehicleInputs = ["year", "make", "model", "vin"].map(function (n) { return form.querySelector("[name=" + n + "]"); });
    var toggle = function () {
      vehicleInputs.forEach(function (input) {
        if (input) input.closest(".field").hidden = saved.value !== "";
      });
    };
    saved.addEventListener("change", toggle);
    toggle();
  }
})();
