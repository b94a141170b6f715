/*
 * Assistant aides au logement : widget de discussion pour l'intranet des CCAS.
 * JavaScript sans dépendance ni CDN, servi par le canal staff (/webhooks/staff/widget.js).
 *
 * Intégration : <script src="https://bot.example/webhooks/staff/widget.js"
 *                       data-token-url="/intranet/jeton-assistant" defer></script>
 * Options (attributs data-*) : token-url (adresse de l'intranet qui renvoie {"token": "…"}),
 * endpoint, intro (adresses du canal, déduites de l'adresse du script), title, container
 * (sélecteur CSS : widget intégré dans la page au lieu du bouton flottant), retry-delays
 * (secondes entre les nouveaux essais, "1,2,4,8,15,30"), timeout (secondes).
 * Ou, avant le script : window.AssistantALConfig = { getToken: async () => "…" }.
 *
 * Sécurité : aucun texte (utilisateur ou base de connaissances) n'est inséré comme HTML ; le
 * markdown réduit (**gras**, *italique*, listes "- ", liens <https://…> et [texte](https://…),
 * adresses web et e-mail) est rendu en
 * créant des nœuds DOM (textContent). Le jeton reste en mémoire, jamais dans le stockage.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.AssistantAL) { return; }

  var data = script.dataset || {};
  var base = script.src.replace(/[^\/]*(\?.*)?$/, "");
  var external = window.AssistantALConfig || {};
  var config = {
    endpoint: data.endpoint || base + "webhook",
    intro: data.intro || base + "intro",
    stylesheet: base + "widget.css",
    tokenUrl: data.tokenUrl || "",
    title: data.title || "Assistant aides au logement",
    container: data.container || "",
    retryDelays: (data.retryDelays || "1,2,4,8,15,30").split(",").map(Number).filter(function (n) { return n >= 0; }),
    timeout: (Number(data.timeout) || 30) * 1000,
    storageKey: "assistant-al:" + (data.endpoint || base)
  };

  var TEXT = {
    launcher: config.title,
    close: "Fermer",
    closeLabel: "Fermer l'assistant",
    reset: "Nouvelle conversation",
    resetLabel: "Nouvelle conversation : efface l'historique affiché",
    log: "Conversation avec l'assistant",
    you: "Vous :",
    bot: "L'assistant :",
    inputLabel: "Votre question",
    send: "Envoyer",
    choices: "Réponses proposées",
    typing: "L'assistant rédige sa réponse…",
    empty: "Saisissez une question avant d'envoyer.",
    newWindow: " (nouvelle fenêtre)",
    retrying: function (s) { return "L'assistant est injoignable. Nouvel essai dans " + s + " s…"; },
    unreachable: "L'assistant ne répond pas pour le moment. Votre message n'a pas été envoyé : " +
      "réessayez dans quelques minutes. Pour une question urgente, contactez directement le service concerné.",
    notSent: "Message non envoyé.",
    resend: "Renvoyer le message",
    expired: "Votre session a expiré ou n'est pas reconnue : rechargez la page de l'intranet.",
    refused: "Le message a été refusé : ",
    unavailable: "Le service est momentanément indisponible. Merci de réessayer dans quelques minutes."
  };

  /* ---------- state kept for the browser tab (sessionStorage) ---------- */

  function randomId() {
    var bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function load() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(config.storageKey) || "null");
      if (saved && saved.v === 1 && /^[A-Za-z0-9_-]{1,64}$/.test(saved.conversation) && Array.isArray(saved.messages)) {
        return saved;
      }
    } catch (e) { /* storage disabled or corrupted: start afresh */ }
    return { v: 1, conversation: randomId(), messages: [], open: false };
  }

  var state = load();

  function save() {
    state.messages = state.messages.slice(-200);
    try { window.sessionStorage.setItem(config.storageKey, JSON.stringify(state)); } catch (e) { /* ignore */ }
  }

  /* ---------- DOM helpers: text only, never HTML ---------- */

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === "text") { node.textContent = attributes.text; } else { node.setAttribute(name, attributes[name]); }
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  var INLINE = /\*\*(.+?)\*\*|\*([^*\s](?:[^*\n]*[^*\s])?)\*(?![*\w])|\[([^\]\n]+)\]\(((?:https?:\/\/|mailto:)[^)\s]+)\)|<((?:https?:\/\/|mailto:)[^>\s]+)>|(https?:\/\/[^\s<>"]+)|([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/g;

  function link(label, href) {
    if (!/^(https?:|mailto:)/i.test(href)) { return document.createTextNode(label); }
    var a = el("a", { href: href, text: label });
    if (!/^mailto:/i.test(href)) {
      a.setAttribute("target", "_blank");
      a.setAttribute("rel", "noopener noreferrer");
      a.appendChild(el("span", { "class": "aal-sr", text: TEXT.newWindow }));
    }
    return a;
  }

  function inline(text, parent) {
    var position = 0;
    var match;
    var pattern = new RegExp(INLINE.source, "g");
    while ((match = pattern.exec(text)) !== null) {
      if (match[2] !== undefined && match.index > 0 && /[\w*]/.test(text.charAt(match.index - 1))) {
        pattern.lastIndex = match.index + 1;  /* "2*3*4": not an emphasis */
        continue;
      }
      if (match.index > position) { parent.appendChild(document.createTextNode(text.slice(position, match.index))); }
      var trailing = "";
      if (match[1] !== undefined) {
        var strong = el("strong");
        inline(match[1], strong);
        parent.appendChild(strong);
      } else if (match[2] !== undefined) {
        var em = el("em");
        inline(match[2], em);
        parent.appendChild(em);
      } else if (match[3] !== undefined) {
        parent.appendChild(link(match[3], match[4]));
      } else if (match[5] !== undefined) {
        parent.appendChild(link(match[5].replace(/^mailto:/i, ""), match[5]));
      } else if (match[6] !== undefined) {
        var url = match[6];
        var cut = /[.,;:!?)\]»]+$/.exec(url);
        if (cut) { trailing = cut[0]; url = url.slice(0, -trailing.length); }
        parent.appendChild(link(url, url));
      } else {
        parent.appendChild(link(match[7], "mailto:" + match[7]));
      }
      if (trailing) { parent.appendChild(document.createTextNode(trailing)); }
      position = match.index + match[0].length;
    }
    if (position < text.length) { parent.appendChild(document.createTextNode(text.slice(position))); }
  }

  function renderText(text, container) {
    String(text || "").replace(/\r\n?/g, "\n").trim().split(/\n[ \t]*\n+/).forEach(function (paragraph) {
      var list = null;
      var p = null;
      paragraph.split("\n").forEach(function (line) {
        var item = /^\s*[-*•]\s+/.exec(line);
        if (item) {
          if (!list) { list = el("ul"); container.appendChild(list); }
          p = null;
          var li = el("li");
          inline(line.slice(item[0].length), li);
          list.appendChild(li);
        } else {
          list = null;
          if (!p) { p = el("p"); container.appendChild(p); } else { p.appendChild(el("br")); }
          inline(line, p);
        }
      });
    });
  }

  /* ---------- the widget ---------- */

  var styled = Array.prototype.some.call(document.querySelectorAll('link[rel="stylesheet"]'), function (link) {
    return link.href === config.stylesheet;
  });
  if (!styled) {
    document.head.appendChild(el("link", { rel: "stylesheet", href: config.stylesheet }));
  }

  var host = config.container ? document.querySelector(config.container) : null;
  var inlineMode = !!host;
  var root = el("div", { "class": "aal" + (inlineMode ? " aal--inline" : ""), lang: "fr" });
  var launcher = el("button", { type: "button", "class": "aal-launcher", "aria-expanded": "false",
    "aria-controls": "aal-panel", text: TEXT.launcher });
  var closeButton = el("button", { type: "button", "class": "aal-close", "aria-label": TEXT.closeLabel, text: TEXT.close });
  var resetButton = el("button", { type: "button", "class": "aal-reset", title: TEXT.resetLabel, text: TEXT.reset });
  var list = el("ol", { "class": "aal-messages" });
  var log = el("div", { "class": "aal-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
    "aria-label": TEXT.log, tabindex: "0" }, [list]);
  var status = el("p", { "class": "aal-typing", role: "status" });
  var alertBox = el("div", { "class": "aal-alert", role: "alert" });
  var input = el("input", { type: "text", id: "aal-input", "class": "aal-input", maxlength: "2000",
    autocomplete: "off", "aria-describedby": "aal-input-error" });
  var inputError = el("p", { id: "aal-input-error", "class": "aal-input-error" });
  var sendButton = el("button", { type: "submit", "class": "aal-send", text: TEXT.send });
  var form = el("form", { "class": "aal-form", novalidate: "" }, [
    el("label", { "for": "aal-input", "class": "aal-label", text: TEXT.inputLabel }),
    el("div", { "class": "aal-row" }, [input, sendButton]),
    inputError
  ]);
  var headerButtons = inlineMode ? [resetButton] : [resetButton, closeButton];
  var panel = el("section", { id: "aal-panel", "class": "aal-panel", "aria-labelledby": "aal-title" }, [
    el("div", { "class": "aal-header" }, [el("h2", { id: "aal-title", "class": "aal-title", text: config.title })]
      .concat(headerButtons)),
    log, status, alertBox, form
  ]);
  if (!inlineMode) {
    panel.hidden = true;
    root.appendChild(launcher);
  }
  root.appendChild(panel);
  (host || document.body).appendChild(root);

  var unavailableText = TEXT.unavailable;
  var introLoaded = false;
  var queue = Promise.resolve();
  var token = null;

  function nearBottom() {
    return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  }

  function show(message, index) {
    var who = message.who === "user" ? "user" : "bot";
    var item = el("li", { "class": "aal-msg aal-msg--" + who + (message.notice ? " aal-msg--notice" : "") });
    item.appendChild(el("span", { "class": "aal-sr", text: who === "user" ? TEXT.you + " " : TEXT.bot + " " }));
    var bubble = el("div", { "class": "aal-bubble" });
    if (who === "user") {
      bubble.appendChild(el("p", { text: message.text }));
    } else {
      renderText(message.text, bubble);
    }
    item.appendChild(bubble);
    if (message.failed) {
      item.appendChild(el("p", { "class": "aal-failed", text: TEXT.notSent }));
    }
    var buttons = (message.buttons || []).filter(function (b) { return b && b.title && b.payload; });
    if (buttons.length) {
      var group = el("div", { "class": "aal-choices", role: "group", "aria-label": TEXT.choices });
      buttons.forEach(function (button) {
        var choice = el("button", { type: "button", "class": "aal-choice", text: button.title });
        choice.addEventListener("click", function () { submit(button.payload, button.title); });
        group.appendChild(choice);
      });
      item.appendChild(group);
    }
    var copy = message.copy;
    if (copy && typeof copy.text === "string" && typeof copy.label === "string") {
      var copyButton = el("button", { type: "button", "class": "aal-choice aal-copy", text: copy.label });
      copyButton.addEventListener("click", function () {
        copyText(copy.text).then(function () {
          copyButton.textContent = copy.done || copy.label;
          setStatus(copy.done || "");
          window.setTimeout(function () { copyButton.textContent = copy.label; setStatus(""); }, 4000);
        }, function () { setStatus(""); });
      });
      item.appendChild(el("div", { "class": "aal-choices" }, [copyButton]));
    }
    item.setAttribute("data-index", String(index));
    var stick = who === "user" || nearBottom();
    list.appendChild(item);
    if (stick) { log.scrollTop = log.scrollHeight; }
    return item;
  }

  /* The referral draft's « Copier » button: the clipboard API, or a hidden selection where it is refused. */
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return copyBySelection(text); });
    }
    return copyBySelection(text);
  }

  function copyBySelection(text) {
    return new Promise(function (resolve, reject) {
      var area = el("textarea", { "class": "aal-sr", readonly: "", "aria-hidden": "true" });
      area.value = text;
      root.appendChild(area);
      area.select();
      var done = false;
      try { done = document.execCommand("copy"); } catch (e) { done = false; }
      root.removeChild(area);
      if (done) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }

  /* Bot messages to show: a custom `saisine` draft gives the message before it a copy button. */
  function botMessages(messages) {
    var shown = [];
    messages.forEach(function (m) {
      if (!m) { return; }
      var draft = m.custom && m.custom.saisine;
      if (draft && typeof draft.texte === "string" && shown.length) {
        shown[shown.length - 1].copy = { text: (draft.objet ? "Objet : " + draft.objet + "\n\n" : "") + draft.texte,
          label: String(draft.copier || ""), done: String(draft.copie || "") };
        return;
      }
      if (m.text || (m.buttons && m.buttons.length)) {
        shown.push({ who: "bot", text: m.text || "", buttons: m.buttons || [] });
      }
    });
    return shown;
  }

  function add(message) {
    state.messages.push(message);
    save();
    return show(message, state.messages.length - 1);
  }

  function setStatus(text) { status.textContent = text || ""; }

  function setAlert(text, withResend) {
    alertBox.textContent = "";
    if (!text) { return; }
    alertBox.appendChild(el("p", { text: text }));
    if (withResend) {
      var again = el("button", { type: "button", "class": "aal-resend", text: TEXT.resend });
      again.addEventListener("click", function () { resend(withResend); });
      alertBox.appendChild(again);
    }
  }

  function sleep(seconds) {
    return new Promise(function (resolve) { window.setTimeout(resolve, seconds * 1000); });
  }

  function getToken() {
    if (token) { return Promise.resolve(token); }
    if (typeof external.getToken === "function") {
      return Promise.resolve(external.getToken()).then(function (t) { token = t; return t; });
    }
    if (!config.tokenUrl) { return Promise.resolve(null); }
    return fetch(config.tokenUrl, { method: "POST", credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (!response.ok) { var error = new Error("token " + response.status); error.status = response.status; throw error; }
      return response.json();
    }).then(function (body) { token = body && body.token; return token; });
  }

  // A client id per message, the same on every re-send of that message (automatic after a timeout,
  // or « Renvoyer le message »): the server does not process a message it already has (bot/channels/staff.py).
  function messageId() {
    var bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) { window.crypto.getRandomValues(bytes); }
    else { for (var i = 0; i < bytes.length; i += 1) { bytes[i] = Math.floor(Math.random() * 256); } }
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  function post(text, id) {
    return getToken().then(function (t) {
      var controller = window.AbortController ? new AbortController() : null;
      var timer = controller ? window.setTimeout(function () { controller.abort(); }, config.timeout) : null;
      var headers = { "Content-Type": "application/json" };
      if (t) { headers.Authorization = "Bearer " + t; }
      return fetch(config.endpoint, {
        method: "POST", headers: headers, cache: "no-store", credentials: "omit",
        body: JSON.stringify(id ? { sender: state.conversation, message: text, message_id: id }
                                : { sender: state.conversation, message: text }),
        signal: controller ? controller.signal : undefined
      }).finally(function () { if (timer) { window.clearTimeout(timer); } });
    });
  }

  function deliver(text, entry) {
    var attempt = 0;
    var refreshed = false;
    setStatus(TEXT.typing);
    setAlert("");
    function fail(message, retryable) {
      setStatus("");
      entry.failed = true;
      save();
      var item = list.querySelector('[data-index="' + state.messages.indexOf(entry) + '"]');
      if (item && !item.querySelector(".aal-failed")) {
        item.appendChild(el("p", { "class": "aal-failed", text: TEXT.notSent }));
      }
      setAlert(message, retryable ? { text: text, entry: entry } : null);
    }
    function tryOnce() {
      if (!entry.id) { entry.id = messageId(); save(); }
      return post(text, entry.id).then(function (response) {
        if (response.status === 401 && !refreshed && (config.tokenUrl || external.getToken)) {
          refreshed = true;
          token = null;
          return tryOnce();
        }
        if (response.status === 401 || response.status === 403) { return fail(TEXT.expired, false); }
        if (response.status >= 500) { throw new Error("HTTP " + response.status); }
        if (!response.ok) {
          return response.json().catch(function () { return {}; }).then(function (body) {
            fail(TEXT.refused + ((body && body.error) || response.status), false);
          });
        }
        return response.json().then(function (messages) {
          setStatus("");
          setAlert("");
          messages = Array.isArray(messages) ? messages : [];
          var shown = botMessages(messages);
          if (!shown.length) { add({ who: "bot", text: unavailableText }); }
          shown.forEach(add);
        });
      }).catch(function (error) {
        if (error && error.status === 401) { return fail(TEXT.expired, false); }
        if (attempt >= config.retryDelays.length) { return fail(TEXT.unreachable, true); }
        var delay = config.retryDelays[attempt];
        attempt += 1;
        setStatus(TEXT.retrying(delay));
        return sleep(delay).then(function () { setStatus(TEXT.typing); return tryOnce(); });
      });
    }
    return tryOnce();
  }

  function submit(text, shown) {
    var entry = { who: "user", text: shown || text };
    add(entry);
    queue = queue.then(function () { return deliver(text, entry); });
    return queue;
  }

  function resend(pending) {
    setAlert("");
    pending.entry.failed = false;
    save();
    var item = list.querySelector('[data-index="' + state.messages.indexOf(pending.entry) + '"] .aal-failed');
    if (item) { item.parentNode.removeChild(item); }
    queue = queue.then(function () { return deliver(pending.text, pending.entry); });
  }

  function loadIntro() {
    if (introLoaded) { return; }
    introLoaded = true;
    fetch(config.intro, { cache: "no-store", credentials: "omit" }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (intro) {
      if (intro.unavailable) { unavailableText = intro.unavailable; }
      if (!state.messages.length) {
        if (intro.welcome) { add({ who: "bot", text: intro.welcome }); }
        if (intro.privacy) { add({ who: "bot", text: intro.privacy, notice: true }); }
      }
    }).catch(function () { introLoaded = false; });
  }

  function open(focusInput) {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    state.open = true;
    save();
    loadIntro();
    if (focusInput) { input.focus(); }
  }

  function close() {
    if (inlineMode) { return; }
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    state.open = false;
    save();
    launcher.focus();
  }

  function reset() {
    state = { v: 1, conversation: randomId(), messages: [], open: state.open };
    save();
    list.textContent = "";
    setAlert("");
    setStatus("");
    introLoaded = false;
    loadIntro();
    input.focus();
  }

  launcher.addEventListener("click", function () {
    if (panel.hidden) { open(true); } else { close(); }
  });
  closeButton.addEventListener("click", close);
  resetButton.addEventListener("click", reset);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !inlineMode) { event.preventDefault(); close(); }
  });
  input.addEventListener("input", function () {
    if (input.value.trim()) { inputError.textContent = ""; input.removeAttribute("aria-invalid"); }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) {
      inputError.textContent = TEXT.empty;
      input.setAttribute("aria-invalid", "true");
      return;
    }
    input.value = "";
    submit(text);
  });

  state.messages.forEach(show);
  if (inlineMode || state.open) { open(false); }

  window.AssistantAL = { open: function () { open(true); }, close: close, reset: reset, version: "1" };
}());
