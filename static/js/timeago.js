// Times written by the server as absolute (`{% timestamp %}`: <time datetime data-ago>) shown
// as "3 hours ago", the wording of the server's `ago` filter (Django's timesince), and kept
// current each minute. The absolute time stays in the element's title. Without this script
// the page shows the absolute time. No inline script: Content-Security-Policy allows only
// files from static/.
(function () {
  "use strict";
  var UNITS = [
    [365 * 24 * 60, "year", "years"],
    [30 * 24 * 60, "month", "months"],
    [7 * 24 * 60, "week", "weeks"],
    [24 * 60, "day", "days"],
    [60, "hour", "hours"],
    [1, "minute", "minutes"],
  ];
  var NBSP = "\u00a0";

  function since(minutes) {
    // Like timesince: the largest unit, then the next one if it is not zero.
    for (var i = 0; i < UNITS.length; i++) {
      var count = Math.floor(minutes / UNITS[i][0]);
      if (count > 0) {
        var text = count + NBSP + (count === 1 ? UNITS[i][1] : UNITS[i][2]);
        if (i + 1 < UNITS.length) {
          var rest = Math.floor((minutes - count * UNITS[i][0]) / UNITS[i + 1][0]);
          if (rest > 0) {
            text += ", " + rest + NBSP + (rest === 1 ? UNITS[i + 1][1] : UNITS[i + 1][2]);
          }
        }
        return text;
      }
    }
    return "0" + NBSP + "minutes";
  }

  function ago(moment, now) {
    var seconds = (now - moment) / 1000;
    if (seconds < 60) return "just now";
    return since(Math.floor(seconds / 60)) + " ago";
  }

  function refresh(root) {
    var now = Date.now();
    var times = (root || document).querySelectorAll("time[data-ago]");
    for (var i = 0; i < times.length; i++) {
      var moment = Date.parse(times[i].getAttribute("datetime"));
      if (isNaN(moment)) continue;
      var text = ago(moment, now);
      if (times[i].textContent !== text) times[i].textContent = text;
    }
  }

  function start() {
    refresh(document);
    // Content swapped in by htmx (a saved section, a review, the outline).
    document.body.addEventListener("htmx:load", function (event) { refresh(event.target); });
    window.setInterval(function () { refresh(document); }, 60 * 1000);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
