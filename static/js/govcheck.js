// GovCheck page behaviour. Loaded from our own origin; the CSP forbids inline scripts.
//
// The questionnaire saves every answer as it is given: one request per answer to its
// answer_update URL (debounced while typing). Every edit is first written to localStorage and
// stays there until the server acknowledges it, so nothing typed is lost when the network
// fails, the tab closes or the session expires; failed saves retry with back-off, and pending
// edits are sent again when the page next opens (for instance after signing in again).
// "Not applicable" waits for its reason before it is sent; answers that cannot be saved
// without the person (refused, waiting for a reason, in conflict) are listed at the top, and
// leaving the page while there are any warns first.
"use strict";

(function () {
  const STORE = "govcheck.pending.v1";
  const TYPING_DELAY_MS = 700;
  const FIRST_RETRY_MS = 1000;
  const MAX_RETRY_MS = 30000;
  const MAX_UNCONFIRMED = 5;
  const KEEPALIVE_BYTES = 60000;
  const TEXT_TYPES = new Set(["text", "textarea", "url", "email", "search"]);

  function readStore() {
    try {
      return JSON.parse(window.localStorage.getItem(STORE) || "{}") || {};
    } catch (error) {
      return {};
    }
  }

  function writeStore(all) {
    try {
      window.localStorage.setItem(STORE, JSON.stringify(all));
    } catch (error) {
      // Storage full or disabled: the request itself still carries the answer.
    }
  }

  function csrfToken() {
    // The cookie, not the page: signing in again (maybe in another tab) rotates the token.
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function isText(element) {
    return element.tagName === "TEXTAREA" || TEXT_TYPES.has(element.type);
  }

  function fieldPairs(question) {
    const pairs = [];
    question.querySelectorAll("input[name], textarea[name], select[name]").forEach(function (el) {
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      pairs.push([el.name, el.value]);
    });
    return pairs;
  }

  function applyPairs(question, pairs) {
    const values = new Map();
    pairs.forEach(function (pair) {
      if (!values.has(pair[0])) values.set(pair[0], []);
      values.get(pair[0]).push(pair[1]);
    });
    question.querySelectorAll("input[name], textarea[name]").forEach(function (el) {
      if (el.dataset.field === "version") return;
      const given = values.get(el.name) || [];
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = given.includes(el.value);
      } else {
        el.value = given.length ? given[0] : "";
      }
    });
  }

  function needsReason(question) {
    const na = question.querySelector("input[data-meaning=na]:checked");
    const reason = question.querySelector("[data-field=reason]");
    return Boolean(na && reason && !reason.value.trim());
  }

  function questionNumber(question) {
    const number = question.querySelector(".q-number");
    const text = number ? number.textContent.replace(".", "").trim() : "";
    return text ? `Question ${text}` : "A question";
  }

  function setVersion(pairs, version) {
    pairs.forEach(function (pair) {
      if (pair[0].endsWith("-version")) pair[1] = String(version);
    });
  }

  class Autosave {
    constructor(form) {
      this.form = form;
      this.user = form.dataset.user;
      this.loginUrl = form.dataset.loginUrl;
      this.answerUrl = form.dataset.answerUrl;
      this.summary = document.querySelector("[data-save-summary]");
      this.typing = new Map(); // url -> timer while the person types
      this.inflight = new Set(); // urls with a request on the way
      this.again = new Set(); // urls edited while their request was on the way
      this.retries = new Map(); // url -> {attempt, timer}
      this.refusals = new Map(); // url -> {id, message}: refused and not edited since
      this.warning = document.getElementById("leave-warning");
      this.leaving = false; // set when the person chose to leave (or saves the whole form)
      this.signedOut = false;
      this.seq = Date.now();
      form.addEventListener("change", (event) => this.edited(event, true));
      form.addEventListener("input", (event) => this.edited(event, false));
      form.addEventListener("focusout", (event) => this.leftField(event));
      form.addEventListener("click", (event) => this.clicked(event));
      form.addEventListener("submit", () => this.leave()); // the server reports what it refused
      document.addEventListener("click", (event) => this.linkClicked(event));
      window.addEventListener("beforeunload", (event) => this.beforeUnload(event));
      window.addEventListener("online", () => this.sendAll());
      window.addEventListener("pagehide", () => this.flushTyping());
      document.addEventListener("visibilitychange", () => {
        if (document.visibilityState === "hidden") this.flushTyping();
      });
      this.refusedOnLoad();
      this.restore();
    }

    // Edits ------------------------------------------------------------------------------

    edited(event, committed) {
      const el = event.target;
      const question = el.closest("[data-question]");
      if (!question || el.dataset.field === "version") return;
      const url = this.urlOf(question);
      if (isText(el)) {
        this.remember(question); // kept on this device at once, sent when typing pauses
        clearTimeout(this.typing.get(url));
        if (committed) {
          this.typing.delete(url);
          this.send(url);
        } else {
          const timer = setTimeout(() => {
            this.typing.delete(url);
            this.send(url);
          }, TYPING_DELAY_MS);
          this.typing.set(url, timer);
        }
      } else if (committed) {
        clearTimeout(this.typing.get(url));
        this.typing.delete(url);
        this.remember(question);
        this.send(url);
      }
    }

    leftField(event) {
      // The person had the chance to give a reason and left the field empty: now say so.
      const el = event.target;
      const question = el.closest("[data-question]");
      if (!question || el.dataset.field !== "reason" || !needsReason(question)) return;
      if (question.contains(event.relatedTarget)) {
        const next = event.relatedTarget;
        if (next.dataset.field === "reason" || next.closest("[data-field=choices]")) return;
      }
      this.status(question, "Not saved: say briefly why this question does not apply.", "refused");
      this.markInvalid(question, "reason");
      this.updateSummary();
    }

    urlOf(question) {
      return `${this.answerUrl}${question.dataset.question}/`;
    }

    flushTyping() {
      this.typing.forEach((timer, url) => {
        clearTimeout(timer);
        this.send(url);
      });
      this.typing.clear();
    }

    remember(question) {
      const all = readStore();
      const url = this.urlOf(question);
      this.seq += 1;
      all[url] = {
        url: url,
        id: question.id,
        user: this.user,
        page: window.location.pathname,
        pairs: fieldPairs(question),
        seq: this.seq,
        conflict: false,
        // "Not applicable" with no reason yet: kept, but not sent until the reason is given.
        waiting: needsReason(question),
        // Values sent earlier whose reply never came: if one of them reached the server, the
        // server must not take it for someone else's change.
        sent: all[url] ? all[url].sent || [] : [],
      };
      writeStore(all);
      this.refusals.delete(url); // edited since: whatever is said about it comes from the new send
      this.clearError(question);
      // "Saved" no longer holds for what is on screen; the status says so again once it does.
      if (all[url].waiting) {
        this.status(question, "Not saved yet: give the reason for “Not applicable” below.", "waiting");
      } else {
        const status = question.querySelector(".save-status");
        if (status && status.dataset.state !== "pending") {
          status.dataset.state = "pending";
          status.textContent = "";
        }
      }
    }

    // Sending ----------------------------------------------------------------------------

    restore() {
      const all = readStore();
      Object.keys(all).forEach((url) => {
        const entry = all[url];
        if (entry.user !== this.user) return;
        const question = document.getElementById(entry.id);
        const here = question && this.urlOf(question) === url;
        if (here) {
          applyPairs(question, entry.pairs);
          if (entry.waiting) {
            this.status(question, "Not saved yet: give the reason for “Not applicable” below.", "waiting");
          } else {
            this.status(question, "Not saved yet, sending again…", "pending");
          }
        }
        // A conflict waits for a choice; sent again where it can be shown, it asks again.
        if (!entry.conflict || here) this.send(url);
      });
      this.updateSummary();
    }

    sendAll() {
      const all = readStore();
      Object.keys(all).forEach((url) => {
        if (all[url].user === this.user && !all[url].conflict && !all[url].waiting) this.send(url);
      });
    }

    send(url) {
      if (this.inflight.has(url)) {
        this.again.add(url);
        return;
      }
      const all = readStore();
      const entry = all[url];
      if (!entry || entry.waiting) {
        this.updateSummary();
        return;
      }
      const unconfirmed = (entry.sent || []).slice(-MAX_UNCONFIRMED);
      entry.sent = unconfirmed.concat([entry.pairs]).slice(-MAX_UNCONFIRMED);
      writeStore(all);
      const body = new URLSearchParams(entry.pairs);
      if (unconfirmed.length) body.append("unconfirmed", JSON.stringify(unconfirmed));
      const retry = this.retries.get(url);
      if (retry) clearTimeout(retry.timer);
      this.inflight.add(url);
      this.updateSummary();
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        redirect: "manual",
        // Small enough, the request outlives the page: leaving right after an edit loses nothing.
        keepalive: body.toString().length < KEEPALIVE_BYTES,
        headers: {
          "X-CSRFToken": csrfToken(),
          "HX-Request": "true",
          "HX-Current-URL": window.location.href,
          "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8",
        },
        body: body,
      })
        .then((response) => this.received(url, entry, response))
        .catch(() => this.failed(url, entry))
        .finally(() => {
          this.inflight.delete(url);
          if (this.again.delete(url)) this.send(url);
          this.updateSummary();
        });
    }

    received(url, entry, response) {
      const status = response.status;
      if (response.type === "opaqueredirect" || status === 401 || status === 403) {
        return this.notSignedIn(url, entry, status === 403);
      }
      if (status === 404 || status === 410) {
        return this.refused(url, entry, "choices", "this question is no longer part of the assessment.");
      }
      if (response.ok) {
        const version = response.headers.get("GovCheck-Answer-Version");
        return response.text().then((html) => this.saved(url, entry, version, html));
      }
      if (status === 409) {
        return response.text().then((html) => this.conflicted(url, entry, html));
      }
      if (status === 400) {
        const field = response.headers.get("GovCheck-Error-Field") || "choices";
        return response.text().then((message) => this.refused(url, entry, field, message));
      }
      return this.failed(url, entry, Number(response.headers.get("Retry-After")) || 0);
    }

    saved(url, entry, version, html) {
      const all = readStore();
      const current = all[url];
      if (current && current.seq === entry.seq) {
        delete all[url];
      } else if (current && version) {
        setVersion(current.pairs, version); // a newer edit builds on the version just saved
        current.sent = [];
      }
      writeStore(all);
      this.retries.delete(url);
      this.refusals.delete(url);
      this.signedOut = false;
      const question = document.getElementById(entry.id);
      if (!question || this.urlOf(question) !== url) return;
      const input = question.querySelector("[data-field=version]");
      if (input && version) input.value = version;
      this.clearError(question);
      const statusElement = question.querySelector(".save-status");
      statusElement.dataset.state = "saved";
      window.htmx.swap(statusElement, html, { swapStyle: "innerHTML", swapDelay: 0, settleDelay: 0 });
      renumber(this.form);
    }

    failed(url, entry, retryAfterSeconds) {
      const previous = this.retries.get(url);
      const attempt = previous ? previous.attempt + 1 : 1;
      const backOff = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (attempt - 1));
      const delay = Math.max(backOff, (retryAfterSeconds || 0) * 1000);
      const jittered = Math.round(delay * (0.8 + Math.random() * 0.4));
      const timer = setTimeout(() => this.send(url), jittered);
      this.retries.set(url, { attempt: attempt, timer: timer });
      const seconds = Math.max(1, Math.round(jittered / 1000));
      this.statusFor(entry, `Not saved, retrying in ${seconds} s. Your answer is kept on this device.`, "retrying");
    }

    notSignedIn(url, entry, forbidden) {
      this.signedOut = true;
      const why = forbidden
        ? "Not saved: this account may not change this answer now (signed out, role changed or assessment submitted)."
        : "Not saved: you are signed out.";
      this.statusFor(entry, `${why} Your answer is kept on this device; sign in again to save it.`, "signed-out");
      const previous = this.retries.get(url);
      const attempt = previous ? previous.attempt + 1 : 1;
      const timer = setTimeout(() => this.send(url), Math.min(MAX_RETRY_MS, 5000 * attempt));
      this.retries.set(url, { attempt: attempt, timer: timer });
    }

    refused(url, entry, field, message) {
      const all = readStore();
      if (all[url] && all[url].seq === entry.seq) delete all[url];
      writeStore(all);
      this.retries.delete(url);
      this.refusals.set(url, { id: entry.id, page: entry.page, message: message });
      const question = document.getElementById(entry.id);
      if (question && this.urlOf(question) === url) this.markInvalid(question, field);
      this.statusFor(entry, `Not saved: ${message}`, "refused");
    }

    markInvalid(question, field) {
      const statusId = question.querySelector(".save-status").id;
      const known = ["choices", "text", "note", "reason", "evidence"].includes(field);
      const name = known ? field : "choices";
      const inputs = question.querySelectorAll(`[data-field=${name}] input, [data-field=${name}]`);
      inputs.forEach(function (el) {
        if (el.tagName === "DIV") return;
        el.setAttribute("aria-invalid", "true");
        el.setAttribute("aria-describedby", statusId);
      });
    }

    refusedOnLoad() {
      // A section saved as a whole came back with refusals: they are not saved either.
      this.form.querySelectorAll("[data-question]").forEach((question) => {
        const error = question.querySelector(".field-error, .conflict");
        if (!error) return;
        const text = error.classList.contains("conflict") ? "someone else changed it" : error.textContent;
        this.refusals.set(this.urlOf(question), { id: question.id, page: window.location.pathname, message: text });
      });
    }

    conflicted(url, entry, html) {
      const all = readStore();
      if (all[url]) {
        all[url].conflict = true;
        writeStore(all);
      }
      const question = document.getElementById(entry.id);
      if (!question) return;
      const slot = question.querySelector(".conflict-slot");
      window.htmx.swap(slot, html, { swapStyle: "innerHTML", swapDelay: 0, settleDelay: 0 });
      this.status(question, "Not saved: someone else changed this answer. Choose which answer stays.", "conflict");
    }

    // Conflicts ----------------------------------------------------------------------------

    clicked(event) {
      const clear = event.target.closest("[data-clear]");
      if (clear) {
        const question = clear.closest("[data-question]");
        question.querySelectorAll("[data-field=choices] input").forEach((input) => {
          input.checked = false;
        });
        this.remember(question);
        this.send(this.urlOf(question));
        return;
      }
      const button = event.target.closest("[data-conflict]");
      if (!button) return;
      const question = button.closest("[data-question]");
      if (!question) return;
      event.preventDefault();
      const url = this.urlOf(question);
      if (button.dataset.conflict === "keep") {
        question.querySelector("[data-field=version]").value = button.dataset.version;
        question.querySelector(".conflict-slot").replaceChildren();
        const all = readStore();
        if (all[url]) all[url].sent = [];
        writeStore(all);
        this.remember(question);
        this.send(url);
      } else {
        this.takeTheirs(question, url);
      }
    }

    takeTheirs(question, url) {
      const all = readStore();
      delete all[url];
      writeStore(all);
      this.refusals.delete(url);
      fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
        .then((response) => (response.ok ? response.text() : Promise.reject(response)))
        .then((html) => {
          window.htmx.swap(question, html, { swapStyle: "outerHTML", swapDelay: 0, settleDelay: 0 });
          renumber(this.form);
          const fresh = document.getElementById(question.id);
          if (fresh) this.status(fresh, "Their answer is shown and kept.", "saved");
        })
        .catch(() => window.location.reload());
    }

    // Status -------------------------------------------------------------------------------

    statusFor(entry, text, state) {
      const question = document.getElementById(entry.id);
      if (question && this.urlOf(question) === entry.url) this.status(question, text, state);
      this.updateSummary();
    }

    status(question, text, state) {
      const element = question.querySelector(".save-status");
      if (!element) return;
      element.dataset.state = state;
      element.textContent = text;
    }

    clearError(question) {
      question.querySelectorAll("[aria-invalid]").forEach(function (el) {
        el.removeAttribute("aria-invalid");
        el.removeAttribute("aria-describedby");
      });
      question.querySelectorAll(".field-error").forEach(function (el) {
        el.remove();
      });
    }

    // What is not saved ------------------------------------------------------------------

    problems() {
      // Answers that will not be saved without the person: refused, waiting for a reason, or
      // in conflict. [{url, id, page, why}]
      const found = new Map();
      this.refusals.forEach((refusal, url) => {
        found.set(url, { url: url, id: refusal.id, page: refusal.page, why: refusal.message });
      });
      const all = readStore();
      Object.keys(all).forEach((url) => {
        const entry = all[url];
        if (entry.user !== this.user) return;
        if (entry.waiting) found.set(url, { url: url, id: entry.id, page: entry.page, why: "needs a reason for “Not applicable”" });
        else if (entry.conflict) found.set(url, { url: url, id: entry.id, page: entry.page, why: "someone else changed it; choose an answer" });
      });
      // A reason left empty after the chance to type it is shown as refused on the page.
      this.form.querySelectorAll(".save-status[data-state=refused]").forEach((status) => {
        const question = status.closest("[data-question]");
        const url = this.urlOf(question);
        if (!found.has(url)) found.set(url, { url: url, id: question.id, page: window.location.pathname, why: status.textContent.replace(/^Not saved: /, "") });
      });
      return Array.from(found.values());
    }

    here(item) {
      return item.page === window.location.pathname && document.getElementById(item.id) !== null;
    }

    unsavedHere() {
      // Problems on this page, and answers of this page not acknowledged yet.
      const all = readStore();
      const pending = Object.keys(all).filter(
        (url) => all[url].user === this.user && all[url].page === window.location.pathname,
      );
      return this.problems().filter((item) => this.here(item)).length + pending.length + this.typing.size;
    }

    problemLink(item) {
      const link = document.createElement("a");
      const here = this.here(item);
      link.href = here ? `#${item.id}` : `${item.page}#${item.id}`;
      link.textContent = here ? questionNumber(document.getElementById(item.id)) : "An answer on another page";
      if (here) {
        link.addEventListener("click", (event) => {
          event.preventDefault();
          this.focusQuestion(document.getElementById(item.id));
        });
      }
      return link;
    }

    focusQuestion(question) {
      const target =
        (needsReason(question) && question.querySelector("[data-field=reason]")) ||
        question.querySelector("[aria-invalid=true], .conflict [data-conflict]") ||
        question.querySelector("input:not([type=hidden]), textarea");
      if (target) target.focus();
      question.scrollIntoView({ block: "center" });
    }

    problemList(problems) {
      const list = document.createElement("ul");
      list.className = "mb-0";
      problems.forEach((item) => {
        const li = document.createElement("li");
        li.append(this.problemLink(item), `: ${item.why}`);
        list.append(li);
      });
      return list;
    }

    updateSummary() {
      if (!this.summary) return;
      const all = readStore();
      const pending = Object.keys(all).filter((url) => all[url].user === this.user && !all[url].waiting && !all[url].conflict);
      const problems = this.problems();
      let state = "saved";
      if (this.signedOut && pending.length) state = "signed-out";
      else if (problems.length) state = "attention";
      else if (this.inflight.size || this.typing.size) state = "saving";
      else if (pending.length) state = "retrying";
      const signature = `${state}:${pending.length}:${problems.map((p) => p.url + p.why).join("|")}`;
      if (this.summary.dataset.signature === signature) return; // keep focus and links in place
      this.summary.dataset.signature = signature;
      this.summary.dataset.state = state;
      this.summary.replaceChildren();
      const count = (n) => `${n} answer${n === 1 ? "" : "s"}`;
      if (state === "signed-out") {
        const link = document.createElement("a");
        const next = window.location.pathname + window.location.search;
        link.href = `${this.loginUrl}?next=${encodeURIComponent(next)}`;
        link.dataset.leaveOk = "";
        link.textContent = "sign in again";
        this.summary.append(`You are signed out. ${count(pending.length)} kept on this device until you `, link, ".");
      } else if (state === "attention") {
        this.summary.append(`${count(problems.length)} not saved:`, this.problemList(problems));
      } else if (state === "saving") {
        this.summary.append("Saving…");
      } else if (state === "retrying") {
        this.summary.append(`${count(pending.length)} not saved yet; retrying.`);
      } else {
        this.summary.append("All answers are saved.");
      }
    }

    // Leaving -------------------------------------------------------------------------------

    linkClicked(event) {
      const link = event.target.closest("a[href]");
      if (!link || this.leaving || event.defaultPrevented) return;
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      if (link.target === "_blank" || link.hasAttribute("download") || "leaveOk" in link.dataset) return;
      if (link.closest("[data-conflict], #leave-warning")) return;
      const target = new URL(link.href, window.location.href);
      if (target.pathname === window.location.pathname && target.search === window.location.search) return;
      const problems = this.problems().filter((item) => this.here(item));
      if (!problems.length) {
        this.leave(); // answers still on their way are kept and sent by the next page
        return;
      }
      event.preventDefault();
      this.warn(problems, target.href);
    }

    warn(problems, href) {
      if (!this.warning) return;
      const heading = document.createElement("p");
      heading.className = "fw-semibold mb-1";
      heading.textContent = `${problems.length === 1 ? "This answer is" : `These ${problems.length} answers are`} not saved and will be lost if you leave:`;
      const stay = document.createElement("button");
      stay.type = "button";
      stay.className = "btn btn-sm btn-primary";
      stay.textContent = "Stay and fix";
      stay.addEventListener("click", () => {
        this.warning.hidden = true;
        this.focusQuestion(document.getElementById(problems[0].id));
      });
      const leave = document.createElement("a");
      leave.className = "btn btn-sm btn-outline-dark";
      leave.href = href;
      leave.textContent = "Leave without saving";
      leave.addEventListener("click", () => {
        this.discard(problems);
        this.leave();
      });
      const actions = document.createElement("div");
      actions.className = "d-flex gap-2 mt-2";
      actions.append(stay, leave);
      this.warning.replaceChildren(heading, this.problemList(problems), actions);
      this.warning.hidden = false;
      this.warning.focus();
    }

    discard(problems) {
      // The person chose to leave these answers unsaved: forget them on this device too.
      const all = readStore();
      problems.forEach((item) => {
        delete all[item.url];
        this.refusals.delete(item.url);
      });
      writeStore(all);
    }

    leave() {
      // The browser asks before leaving unless the person already chose to go; a navigation
      // that does not happen after all (stopped, or a download) asks again next time.
      this.leaving = true;
      setTimeout(() => {
        this.leaving = false;
      }, 1000);
    }

    beforeUnload(event) {
      if (this.leaving || !this.unsavedHere()) return;
      event.preventDefault();
      event.returnValue = ""; // older browsers ask only when a value is set
    }
  }

  function renumber(form) {
    // Questions that do not apply take no number; numbers shift when an answer changes that.
    let number = 0;
    form.querySelectorAll("[data-question]").forEach((question) => {
      const span = question.querySelector(".q-number");
      if (question.hidden || !span) return;
      number += 1;
      span.textContent = `${number}.`;
    });
  }

  function start() {
    document.documentElement.classList.add("has-js");
    document.querySelectorAll("form[data-autosave]").forEach(function (form) {
      form.autosave = new Autosave(form);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
