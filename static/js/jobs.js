/* Background jobs (templates/includes/job_progress.html): ask the job's status address every
   second and show rows done of total on the bar, without reloading the page. When the job ends,
   reload the page if it asks for it (data-job-reload) so that the result shows.

   Never polls forever: a job that has ended is not asked again; while the server does not answer
   (a server restarting) the waits grow, with a note to the user, up to a bounded number of tries;
   an answer that is not the job's status (the job is gone, the session expired) stops polling. */
(function () {
  "use strict";
  var INTERVAL = 1000;      // between two questions while the job runs
  var MAX_DELAY = 30000;    // the longest wait after failures
  var MAX_FAILURES = 12;    // about five minutes of waiting in all, then give up

  function track(box) {
    var url = box.getAttribute("data-job-status-url");
    var bar = box.querySelector("progress");
    var status = box.querySelector("[data-job-status]");
    var rows = box.querySelector("[data-job-rows]");
    var done = box.querySelector("[data-job-done]");
    var total = box.querySelector("[data-job-total]");
    var note = box.querySelector("[data-job-note]");
    var failures = 0;

    function say(text) { if (note) { note.textContent = text || ""; } }

    function show(state) {
      if (status && state.status_label) { status.textContent = state.status_label; }
      if (state.total > 0) {
        bar.max = state.total;
        bar.value = state.status === "done" ? state.total : Math.min(state.done, state.total);
        bar.textContent = state.percent + "%";
        if (done) { done.textContent = state.done; }
        if (total) { total.textContent = state.total; }
        if (rows) { rows.hidden = false; }
      } else if (state.status === "done") {
        bar.max = 100;
        bar.value = 100;
      } else {
        bar.removeAttribute("value");  // nothing counted yet: a bar that shows work without a share
      }
    }

    function finish(state) {
      show(state);
      if (box.hasAttribute("data-job-reload")) { window.location.reload(); }
    }

    function retry(giveUpText) {
      failures += 1;
      if (failures > MAX_FAILURES) { say(giveUpText); return; }
      say(box.getAttribute("data-retry-text"));
      window.setTimeout(poll, Math.min(INTERVAL * Math.pow(2, failures), MAX_DELAY));
    }

    function poll() {
      var giveUp = box.getAttribute("data-gave-up-text");
      window.fetch(url, {credentials: "same-origin", cache: "no-store", headers: {Accept: "application/json"}})
        .then(function (response) {
          var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
          if (response.ok && json && !response.redirected) {
            return response.json().then(function (state) {
              failures = 0;
              say("");
              if (state.finished) { finish(state); } else { show(state); window.setTimeout(poll, INTERVAL); }
            });
          }
          if (response.status >= 500 || response.status === 429) { retry(giveUp); } else { say(giveUp); }
          return null;
        })
        .catch(function () { retry(giveUp); });
    }

    poll();
  }

  var boxes = document.querySelectorAll(".job-progress[data-job-status-url]:not([data-job-finished])");
  Array.prototype.forEach.call(boxes, track);
})();
