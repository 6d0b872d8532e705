// GovCheck page behaviour. Loaded from our own origin; the CSP forbids inline scripts.
//
// The questionnaire saves every answer as it is given: one request per answer to its
// answer_update URL (debounced while typing). Every edit is first written to localStorage and
// stays there until the server acknowledges it, so nothing typed is lost when the network
// fails, the tab closes or the session expires; failed saves retry with back-off, and pending
// edits are sent again when the page next opens (for instance after signing in again).
"use strict";

(function () {
  const STORE = "govcheck.pending.v1";
  const TYPING_DELAY_MS = 700;
  const FIRST_RETRY_MS = 1000;
  const MAX_RETRY_MS = 30000;
  const MAX_UNCONFIRMED = 5;
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
      this.signedOut = false;
      this.seq = Date.now();
      form.addEventListener("change", (event) => this.edited(event, true));
      form.addEventListener("input", (event) => this.edited(event, false));
      form.addEventListener("click", (event) => this.clicked(event));
      window.addEventListener("online", () => this.sendAll());
      window.addEventListener("pagehide", () => this.flushTyping());
      document.addEventListener("visibilitychange", () => {
        if (document.visibilityState === "hidden") this.flushTyping();
      });
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
        this.lastChoice = el;
      }
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
        // Values sent earlier whose reply never came: if one of them reached the server, the
        // server must not take it for someone else's change.
        sent: all[url] ? all[url].sent || [] : [],
      };
      writeStore(all);
      // "Saved" no longer holds for what is on screen; the status says so again once it does.
      const status = question.querySelector(".save-status");
      if (status && status.dataset.state === "saved") {
        status.dataset.state = "pending";
        status.textContent = "";
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
          this.status(question, "Not saved yet, sending again…", "pending");
        }
        // A conflict waits for a choice; sent again where it can be shown, it asks again.
        if (!entry.conflict || here) this.send(url);
      });
      this.updateSummary();
    }

    sendAll() {
      const all = readStore();
      Object.keys(all).forEach((url) => {
        if (all[url].user === this.user && !all[url].conflict) this.send(url);
      });
    }

    send(url) {
      if (this.inflight.has(url)) {
        this.again.add(url);
        return;
      }
      const all = readStore();
      const entry = all[url];
      if (!entry) return;
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
      this.signedOut = false;
      const question = document.getElementById(entry.id);
      if (!question || this.urlOf(question) !== url) return;
      const input = question.querySelector("[data-field=version]");
      if (input && version) input.value = version;
      this.clearError(question);
      const statusElement = question.querySelector(".save-status");
      statusElement.dataset.state = "saved";
      window.htmx.swap(statusElement, html, { swapStyle: "innerHTML", swapDelay: 0, settleDelay: 0 });
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
      const question = document.getElementById(entry.id);
      if (!question) return;
      this.statusFor(entry, `Not saved: ${message}`, "refused");
      const statusId = question.querySelector(".save-status").id;
      const inputs = question.querySelectorAll(`[data-field=${field}] input, [data-field=${field}]`);
      inputs.forEach(function (el) {
        if (el.tagName === "DIV") return;
        el.setAttribute("aria-invalid", "true");
        el.setAttribute("aria-describedby", statusId);
      });
      if (field === "reason" && this.lastChoice && question.contains(this.lastChoice)) {
        const reason = question.querySelector("[data-field=reason]");
        if (reason) reason.focus();
      }
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
      fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
        .then((response) => (response.ok ? response.text() : Promise.reject(response)))
        .then((html) => {
          window.htmx.swap(question, html, { swapStyle: "outerHTML", swapDelay: 0, settleDelay: 0 });
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

    updateSummary() {
      if (!this.summary) return;
      const all = readStore();
      const waiting = Object.keys(all).filter((url) => all[url].user === this.user).length;
      let state = "saved";
      if (this.signedOut && waiting) state = "signed-out";
      else if (this.inflight.size) state = "saving";
      else if (waiting) state = "retrying";
      const signature = `${state}:${waiting}`;
      if (this.summary.dataset.signature === signature) return; // keep focus and links in place
      this.summary.dataset.signature = signature;
      this.summary.dataset.state = state;
      this.summary.replaceChildren();
      const plural = waiting === 1 ? "" : "s";
      if (state === "signed-out") {
        const link = document.createElement("a");
        const next = window.location.pathname + window.location.search;
        link.href = `${this.loginUrl}?next=${encodeURIComponent(next)}`;
        link.textContent = "sign in again";
        this.summary.append(`You are signed out. ${waiting} answer${plural} kept on this device until you `, link, ".");
      } else if (state === "saving") {
        this.summary.append("Saving…");
      } else if (state === "retrying") {
        this.summary.append(`${waiting} answer${plural} not saved yet; retrying.`);
      } else {
        this.summary.append("All answers are saved.");
      }
    }
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
