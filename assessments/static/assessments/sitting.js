// Autosave for a quiz sitting: every answer is POSTed as soon as it is given, retried while the
// connection is down, and flushed before submission. The server never sends the answer key here.
(function () {
  "use strict";
  const root = document.getElementById("kt-sitting");
  if (!root) return;
  const msg = (name) => root.dataset["msg" + name.charAt(0).toUpperCase() + name.slice(1)] || "";
  const alertBox = document.getElementById("kt-save-alert");
  const pending = new Map(); // form -> promise of the running save
  const dirty = new Set(); // forms whose latest state is not yet stored
  let submitting = false;

  function setStatus(form, text, icon) {
    const el = form.querySelector(".kt-save-status");
    if (el) el.innerHTML = (icon ? '<i class="bi bi-' + icon + '"></i> ' : "") + text;
  }

  function countAnswered() {
    let n = 0;
    document.querySelectorAll(".kt-answer-form").forEach((form) => {
      const hasChoice = form.querySelector("input:checked");
      const essay = form.querySelector("textarea");
      if (hasChoice || (essay && essay.value.trim())) n += 1;
    });
    const el = document.getElementById("kt-answered");
    if (el && document.querySelectorAll(".kt-answer-form").length > 1) el.textContent = n;
  }

  let lastSeq = 0;
  function nextSeq() {
    // The order the server keeps answers in: the page's clock in ms, strictly increasing.
    lastSeq = Math.max(Date.now(), lastSeq + 1);
    return String(lastSeq);
  }

  async function send(form, attempt) {
    setStatus(form, msg("saving"), "arrow-repeat");
    let response;
    const body = new FormData(form);
    body.set("seq", nextSeq());
    try {
      response = await fetch(form.action, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { Accept: "application/json", "X-Requested-With": "fetch" },
      });
    } catch (err) {
      // No connection: keep the answer and try again, waiting longer each time (max 30 s).
      setStatus(form, msg("retry"), "wifi-off");
      const delay = Math.min(30000, 1000 * Math.pow(2, attempt));
      await new Promise((resolve) => setTimeout(resolve, delay));
      return send(form, attempt + 1);
    }
    let data = {};
    try { data = await response.json(); } catch (err) { data = {}; }
    if (response.ok && data.saved) {
      setStatus(form, msg("saved") + " " + (data.saved_at || ""), "cloud-check");
      return true;
    }
    if (data.closed) { window.location.href = root.dataset.resultUrl; return false; }
    setStatus(form, data.error || response.statusText, "exclamation-triangle");
    alertBox.textContent = data.error || response.statusText;
    alertBox.classList.remove("d-none");
    return false;
  }

  function save(form) {
    dirty.add(form);
    const previous = pending.get(form) || Promise.resolve();
    const next = previous.then(() => {
      dirty.delete(form);
      return send(form, 0);
    });
    pending.set(form, next);
    next.finally(() => { if (pending.get(form) === next) pending.delete(form); });
    return next;
  }

  document.querySelectorAll(".kt-answer-form").forEach((form) => {
    let timer = null;
    form.addEventListener("change", (event) => {
      if (event.target.matches("input")) { save(form); countAnswered(); }
    });
    const essay = form.querySelector("textarea");
    if (essay) {
      essay.addEventListener("input", () => {
        clearTimeout(timer);
        timer = setTimeout(() => save(form), 1200);
        countAnswered();
      });
      essay.addEventListener("blur", () => { clearTimeout(timer); save(form); });
    }
    const button = form.querySelector(".kt-save-button");
    if (button) {
      form.addEventListener("submit", (event) => { event.preventDefault(); save(form); });
    }
  });

  async function flush() {
    document.querySelectorAll(".kt-answer-form textarea").forEach((t) => t.dispatchEvent(new Event("blur")));
    const results = await Promise.all(Array.from(pending.values()));
    return results.every((ok) => ok !== false) && dirty.size === 0;
  }

  const submitForm = document.getElementById("kt-submit-form");
  submitForm.addEventListener("submit", async (event) => {
    if (submitting) return;
    event.preventDefault();
    const button = submitForm.querySelector("button");
    {
      const total = document.querySelectorAll(".kt-answer-form").length;
      const answered = Number((document.getElementById("kt-answered") || {}).textContent || 0);
      let question = button.dataset.confirm;
      if (total > 1 && answered < total) question = button.dataset.unanswered + "\n" + question;
      if (!window.confirm(question)) return;
    }
    button.disabled = true;
    const ok = await flush();
    if (!ok) {
      alertBox.textContent = msg("unsaved");
      alertBox.classList.remove("d-none");
      button.disabled = false;
      return;
    }
    submitting = true;
    submitForm.submit();
  });

  const deadline = root.dataset.deadline ? new Date(root.dataset.deadline) : null;
  const timerEl = document.getElementById("kt-timer");
  if (deadline && timerEl) {
    const tick = async () => {
      const left = Math.max(0, Math.floor((deadline - new Date()) / 1000));
      const h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
      timerEl.textContent = (h ? h + ":" : "") + String(m).padStart(2, "0") + ":" + String(s).padStart(2, "0");
      if (left <= 60) timerEl.classList.add("text-danger");
      if (left === 0) {
        clearInterval(handle);
        alertBox.textContent = msg("timeup");
        alertBox.classList.remove("d-none");
        await Promise.race([flush(), new Promise((r) => setTimeout(r, 3000))]);
        submitting = true;
        submitForm.submit();
      }
    };
    const handle = setInterval(tick, 1000);
    tick();
  }
})();
