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
 * adresses web, www.…, e-mail et numéros de téléphone) est rendu en
 * créant des nœuds DOM (textContent). Le jeton reste en mémoire, jamais dans le stockage.
 *
 * Lecture : une nouvelle réponse s'affiche depuis sa première ligne (repère « Nouveaux messages » si
 * l'utilisateur lit plus haut) ; les réponses proposées d'un tour passé sont désactivées ; une seule
 * note 👍 / 👎 par réponse, modifiable ; sources repliées sous « Sources » ; en plein écran (téléphone,
 * zoom 200 %) le panneau est une boîte de dialogue modale qui garde le focus.
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
    unavailable: "Le service est momentanément indisponible. Merci de réessayer dans quelques minutes.",
    newMessages: "Nouveaux messages",
    unread: function (n) { return n > 1 ? n + " nouveaux messages" : "1 nouveau message"; },
    arrived: "Nouvelle réponse de l'assistant.",
    sources: "Sources",
    rated: function (title, subject) { return title + " (réponse « " + subject + " »)"; },
    ratingDone: "Votre avis est enregistré. Vous pouvez le changer.",
    copyAnswer: "Copier la réponse",
    copied: "Réponse copiée.",
    sentAt: function (time) { return "à " + time; },
    inputHint: "Entrée pour envoyer, Maj+Entrée pour aller à la ligne."
  };
  var FEEDBACK_PAYLOAD = /^\/feedback\{/;  /* the 👍 / 👎 buttons (bot/dialogue/feedback.py) */

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

  var INLINE = new RegExp([
    /\*\*(.+?)\*\*/.source,
    /\*([^*\s](?:[^*\n]*[^*\s])?)\*(?![*\w])/.source,
    /\[([^\]\n]+)\]\(((?:https?:\/\/|mailto:)[^)\s]+)\)/.source,
    /<((?:https?:\/\/|mailto:)[^>\s]+)>/.source,
    /(https?:\/\/[^\s<>"]+)/.source,
    /([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/.source,
    /(?<![\w.\/@-])(www\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:\/[^\s<>"]*)?)/.source,
    /* phone numbers: 0X XX XX XX XX, 0970 800 800, +33 …, and the short national helplines */
    /(?<![\d+])((?:\+33 ?|0)\d(?:[ .]?\d{2}){4}|0\d{3} \d{3} \d{3}|(?:115|119|3919|3114|3977)(?!\s?[\d€%]))(?![\d])/.source
  ].join("|"), "g");

  function link(label, href) {
    if (!/^(https?:|mailto:|tel:)/i.test(href)) { return document.createTextNode(label); }
    var a = el("a", { href: href, text: label });
    if (/^https?:/i.test(href)) {
      a.setAttribute("target", "_blank");
      a.setAttribute("rel", "noopener noreferrer");
      a.appendChild(el("span", { "class": "aal-sr", text: TEXT.newWindow }));
    }
    return a;
  }

  function trimUrl(url) {
    var cut = /[.,;:!?)\]»]+$/.exec(url);
    return cut ? [url.slice(0, -cut[0].length), cut[0]] : [url, ""];
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
      var parts;
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
        parts = trimUrl(match[6]);
        trailing = parts[1];
        parent.appendChild(link(parts[0], parts[0]));
      } else if (match[7] !== undefined) {
        parent.appendChild(link(match[7], "mailto:" + match[7]));
      } else if (match[8] !== undefined) {
        parts = trimUrl(match[8]);
        trailing = parts[1];
        parent.appendChild(link(parts[0], "https://" + parts[0]));
      } else {
        parent.appendChild(link(match[9], "tel:" + match[9].replace(/[ .]/g, "")));
      }
      if (trailing) { parent.appendChild(document.createTextNode(trailing)); }
      position = match.index + match[0].length;
    }
    if (position < text.length) { parent.appendChild(document.createTextNode(text.slice(position))); }
  }

  /* « Source : A <https://…> ; B (vérifié le …) » as a folded list of titled links. */
  function sourcesBlock(paragraph) {
    var label = intro.source || "Source";
    var head = new RegExp("^" + label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "s? : ");
    if (!head.test(paragraph) || /\n/.test(paragraph)) { return null; }
    var body = paragraph.replace(head, "");
    var reviewed = /\s\(([^()]*)\)$/.exec(body);
    if (reviewed) { body = body.slice(0, reviewed.index); }
    var details = el("details", { "class": "aal-sources" });
    details.appendChild(el("summary", { text: TEXT.sources + (reviewed ? " (" + reviewed[1] + ")" : "") }));
    var items = el("ul");
    body.split(" ; ").forEach(function (source) {
      var withUrl = /^(.*?)\s*<(https?:\/\/[^>\s]+)>$/.exec(source);
      var li = el("li");
      if (withUrl && withUrl[1]) {
        var a = link(withUrl[1], withUrl[2]);
        a.setAttribute("title", withUrl[2]);
        li.appendChild(a);
      } else {
        inline(source, li);
      }
      items.appendChild(li);
    });
    details.appendChild(items);
    return details;
  }

  function renderText(text, container) {
    String(text || "").replace(/\r\n?/g, "\n").trim().split(/\n[ \t]*\n+/).forEach(function (paragraph) {
      var sources = sourcesBlock(paragraph);
      if (sources) { container.appendChild(sources); return; }
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
  var badge = el("span", { "class": "aal-badge", hidden: "" });
  var launcher = el("button", { type: "button", "class": "aal-launcher", "aria-expanded": "false",
    "aria-controls": "aal-panel" }, [el("span", { text: TEXT.launcher }), badge]);
  /* Outside the panel: a live region still heard while the panel is closed. */
  var announcer = el("p", { "class": "aal-sr", "aria-live": "polite" });
  var closeButton = el("button", { type: "button", "class": "aal-close", "aria-label": TEXT.closeLabel, text: TEXT.close });
  var resetButton = el("button", { type: "button", "class": "aal-reset", title: TEXT.resetLabel, text: TEXT.reset });
  var list = el("ol", { "class": "aal-messages" });
  var log = el("div", { "class": "aal-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
    "aria-label": TEXT.log, tabindex: "0" }, [list]);
  var newMarker = el("button", { type: "button", "class": "aal-new", hidden: "", text: TEXT.newMessages + " ↓" });
  var status = el("p", { "class": "aal-typing", role: "status" });
  var alertBox = el("div", { "class": "aal-alert", role: "alert" });
  var input = el("textarea", { id: "aal-input", "class": "aal-input", maxlength: "2000", rows: "1",
    autocomplete: "off", "aria-describedby": "aal-input-hint aal-input-error" });
  var inputHint = el("p", { id: "aal-input-hint", "class": "aal-sr", text: TEXT.inputHint });
  var inputError = el("p", { id: "aal-input-error", "class": "aal-input-error" });
  var sendButton = el("button", { type: "submit", "class": "aal-send", text: TEXT.send });
  var form = el("form", { "class": "aal-form", novalidate: "" }, [
    el("label", { "for": "aal-input", "class": "aal-label", text: TEXT.inputLabel }),
    el("div", { "class": "aal-row" }, [input, sendButton]),
    inputHint, inputError
  ]);
  var headerButtons = inlineMode ? [resetButton] : [resetButton, closeButton];
  var panel = el("section", { id: "aal-panel", "class": "aal-panel", "aria-labelledby": "aal-title" }, [
    el("div", { "class": "aal-header" }, [el("h2", { id: "aal-title", "class": "aal-title", text: config.title })]
      .concat(headerButtons)),
    el("div", { "class": "aal-log-area" }, [log, newMarker]), status, alertBox, form
  ]);
  if (!inlineMode) {
    panel.hidden = true;
    root.appendChild(launcher);
    root.appendChild(announcer);
  }
  root.appendChild(panel);
  (host || document.body).appendChild(root);

  var unavailableText = TEXT.unavailable;
  var introLoaded = false;
  var queue = Promise.resolve();
  var token = null;
  var firstUnseen = null;  /* the first new message the user has not scrolled to yet */
  /* The same query as the stylesheet's full-screen panel. */
  var fullScreen = window.matchMedia ? window.matchMedia("(max-width: 30em), (max-height: 32em)") : null;

  function nearBottom() {
    return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  }

  function scrollToItem(item) {
    log.scrollTop = Math.max(item.offsetTop - 8, 0);
  }

  function itemOf(index) {
    return list.querySelector('[data-index="' + index + '"]');
  }

  function clock(iso) {
    var date = new Date(iso);
    if (isNaN(date.getTime())) { return null; }
    return ("0" + date.getHours()).slice(-2) + ":" + ("0" + date.getMinutes()).slice(-2);
  }

  /* A message's quick replies are stale once the user has said something after it (a rating of
     that same answer excepted: it can be changed). */
  function stale(index) {
    for (var i = index + 1; i < state.messages.length; i += 1) {
      var later = state.messages[i];
      if (later.who === "user" && later.rates !== index) { return true; }
    }
    return false;
  }

  function refreshChoices() {
    Array.prototype.forEach.call(list.querySelectorAll(".aal-msg[data-index]"), function (item) {
      var index = Number(item.getAttribute("data-index"));
      var message = state.messages[index];
      var off = stale(index);
      Array.prototype.forEach.call(item.querySelectorAll(".aal-choices:not(.aal-tools) .aal-choice"), function (button) {
        button.disabled = off;
        if (button.hasAttribute("aria-pressed")) {
          button.setAttribute("aria-pressed", String(!!message && message.rated === button.getAttribute("data-note")));
        }
      });
    });
  }

  /* The answer a 👍 / 👎 message rates: the bot message just before it. */
  function ratedSubject(index) {
    for (var i = index - 1; i >= 0; i -= 1) {
      var m = state.messages[i];
      if (m.who === "bot" && !m.notice && m.text) {
        var first = m.text.replace(/\*+/g, "").split("\n")[0].trim();
        return first.length > 50 ? first.slice(0, 50).replace(/\s+\S*$/, "") + "…" : first;
      }
      if (m.who === "user" && m.rates === undefined) { break; }
    }
    return "";
  }

  function choiceButton(button, index) {
    var rating = FEEDBACK_PAYLOAD.test(button.payload) && /"note":"[+-]"/.test(button.payload) &&
      !/"raison"/.test(button.payload);
    var choice = el("button", { type: "button", "class": "aal-choice", text: button.title });
    if (rating) {
      var note = /"note":"([+-])"/.exec(button.payload)[1];
      choice.setAttribute("data-note", note);
      choice.setAttribute("aria-pressed", String(state.messages[index].rated === note));
      choice.addEventListener("click", function () { rate(index, note, button); });
    } else {
      choice.addEventListener("click", function () { submit(button.payload, button.title); input.focus(); });
    }
    return choice;
  }

  function show(message, index) {
    var who = message.who === "user" ? "user" : "bot";
    var item = el("li", { "class": "aal-msg aal-msg--" + who + (message.notice ? " aal-msg--notice" : ""),
      tabindex: "-1" });
    item.appendChild(el("span", { "class": "aal-sr", text: who === "user" ? TEXT.you + " " : TEXT.bot + " " }));
    var bubble = el("div", { "class": "aal-bubble" });
    if (who === "user") {
      bubble.appendChild(el("p", { text: message.text }));
    } else {
      renderText(message.text, bubble);
    }
    item.appendChild(bubble);
    var time = message.at && clock(message.at);
    if (time) {
      item.appendChild(el("p", { "class": "aal-meta" }, [el("time", { datetime: message.at, text: TEXT.sentAt(time) })]));
    }
    if (message.failed) {
      item.appendChild(el("p", { "class": "aal-failed", text: TEXT.notSent }));
    }
    var buttons = (message.buttons || []).filter(function (b) { return b && b.title && b.payload; });
    if (buttons.length) {
      var group = el("div", { "class": "aal-choices", role: "group", "aria-label": TEXT.choices });
      buttons.forEach(function (button) { group.appendChild(choiceButton(button, index)); });
      item.appendChild(group);
    }
    var tools = [];
    var copy = message.copy;
    if (copy && typeof copy.text === "string" && typeof copy.label === "string") {
      tools.push(copyButton(copy.text, copy.label, copy.done || copy.label, "aal-choice aal-copy"));
    } else if (who === "bot" && !message.notice && String(message.text || "").length >= 200) {
      tools.push(copyButton(plainText(bubble), TEXT.copyAnswer, TEXT.copied, "aal-tool"));
    }
    if (tools.length) { item.appendChild(el("div", { "class": "aal-choices aal-tools" }, tools)); }
    item.setAttribute("data-index", String(index));
    list.appendChild(item);
    return item;
  }

  function plainText(bubble) {
    return (bubble.innerText || bubble.textContent || "").replace(new RegExp(TEXT.newWindow.replace(/[()]/g, "\\$&"), "g"), "");
  }

  function copyButton(text, label, done, className) {
    var button = el("button", { type: "button", "class": className, text: label });
    button.addEventListener("click", function () {
      copyText(text).then(function () {
        button.textContent = done;
        setStatus(done);
        window.setTimeout(function () { button.textContent = label; setStatus(""); }, 4000);
      }, function () { setStatus(""); });
    });
    return button;
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
    var at = new Date().toISOString();
    messages.forEach(function (m) {
      if (!m) { return; }
      var draft = m.custom && m.custom.saisine;
      if (draft && typeof draft.texte === "string" && shown.length) {
        shown[shown.length - 1].copy = { text: (draft.objet ? "Objet : " + draft.objet + "\n\n" : "") + draft.texte,
          label: String(draft.copier || ""), done: String(draft.copie || "") };
        return;
      }
      if (m.text || (m.buttons && m.buttons.length)) {
        shown.push({ who: "bot", text: m.text || "", buttons: m.buttons || [], at: at });
      }
    });
    return shown;
  }

  function add(message) {
    state.messages.push(message);
    save();
    return show(message, state.messages.length - 1);
  }

  /* A reply: shown from its first line when the user was reading the end of the conversation,
     otherwise the « Nouveaux messages » marker; a badge and an announcement when the panel is closed. */
  function addReplies(messages) {
    var following = nearBottom() || (firstUnseen === null && document.activeElement !== log &&
      log.scrollHeight <= log.clientHeight + 80);
    var first = null;
    messages.forEach(function (message) {
      var item = add(message);
      if (!first) { first = item; }
    });
    refreshChoices();
    if (!first) { return; }
    if (panel.hidden) {
      state.unread = (state.unread || 0) + messages.length;
      save();
      showBadge();
      announcer.textContent = "";
      window.setTimeout(function () { announcer.textContent = TEXT.arrived; }, 50);
      firstUnseen = firstUnseen || first;
      return;
    }
    if (following && firstUnseen === null) {
      scrollToItem(first);
    } else {
      firstUnseen = firstUnseen || first;
      newMarker.hidden = false;
    }
  }

  function showBadge() {
    var count = state.unread || 0;
    badge.hidden = !count;
    badge.textContent = count ? TEXT.unread(count) : "";
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
      var item = itemOf(state.messages.indexOf(entry));
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
          if (!shown.length) { shown = [{ who: "bot", text: unavailableText, at: new Date().toISOString() }]; }
          addReplies(shown);
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

  function submit(text, shown, rates) {
    var entry = { who: "user", text: shown || text, at: new Date().toISOString() };
    if (rates !== undefined) { entry.rates = rates; }
    var item = add(entry);
    refreshChoices();
    firstUnseen = null;
    newMarker.hidden = true;
    log.scrollTop = log.scrollHeight;
    queue = queue.then(function () { return deliver(text, entry); });
    return item;
  }

  /* One rating per answer: the same button again does nothing, the other one changes it. */
  function rate(index, note, button) {
    var message = state.messages[index];
    if (message.rated === note) { return; }
    message.rated = note;
    save();
    submit(button.payload, TEXT.rated(button.title, ratedSubject(index)), index);
    setStatus(TEXT.ratingDone);
    var pressed = itemOf(index) && itemOf(index).querySelector('[data-note="' + note + '"]');
    if (pressed) { pressed.focus(); }
  }

  function resend(pending) {
    setAlert("");
    pending.entry.failed = false;
    save();
    var item = itemOf(state.messages.indexOf(pending.entry));
    var failed = item && item.querySelector(".aal-failed");
    if (failed) { failed.parentNode.removeChild(failed); }
    input.focus();  /* the resend button is gone: the focus goes back to where the user writes */
    queue = queue.then(function () { return deliver(pending.text, pending.entry); });
  }

  var intro = {};

  function loadIntro() {
    if (introLoaded) { return; }
    introLoaded = true;
    fetch(config.intro, { cache: "no-store", credentials: "omit" }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (body) {
      intro = body || {};
      if (intro.unavailable) { unavailableText = intro.unavailable; }
      if (!state.messages.length) {
        if (intro.welcome) { add({ who: "bot", text: intro.welcome }); }
        if (intro.privacy) { add({ who: "bot", text: intro.privacy, notice: true }); }
      }
    }).catch(function () { introLoaded = false; });
  }

  /* The latest turn: from the user's last message (or the last message). */
  function showLatestTurn() {
    var items = list.querySelectorAll(".aal-msg");
    var users = list.querySelectorAll(".aal-msg--user");
    var last = users.length ? users[users.length - 1] : items[items.length - 1];
    if (last) { scrollToItem(last); }
  }

  function modal() {
    return !inlineMode && !panel.hidden && !!fullScreen && fullScreen.matches;
  }

  /* Full screen: a modal dialog (the page and the launcher behind are out of reach). */
  function updateModal() {
    if (modal()) {
      panel.setAttribute("role", "dialog");
      panel.setAttribute("aria-modal", "true");
      launcher.setAttribute("tabindex", "-1");
      launcher.setAttribute("aria-hidden", "true");
    } else {
      panel.removeAttribute("role");
      panel.removeAttribute("aria-modal");
      launcher.removeAttribute("tabindex");
      launcher.removeAttribute("aria-hidden");
    }
  }

  function focusables() {
    return Array.prototype.filter.call(panel.querySelectorAll(
      'button:not([disabled]), a[href], textarea, input, summary, [tabindex="0"]'), function (node) {
      return node.offsetParent !== null || node === document.activeElement;
    });
  }

  function open(focusInput) {
    var wasHidden = panel.hidden;
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    state.open = true;
    state.unread = 0;
    save();
    showBadge();
    updateModal();
    loadIntro();
    if (wasHidden || !inlineMode) {
      if (firstUnseen) { scrollToItem(firstUnseen); firstUnseen = null; } else if (wasHidden) { showLatestTurn(); }
    }
    if (focusInput) { input.focus(); }
  }

  function close() {
    if (inlineMode) { return; }
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    state.open = false;
    save();
    updateModal();
    launcher.focus();
  }

  function reset() {
    state = { v: 1, conversation: randomId(), messages: [], open: state.open };
    save();
    list.textContent = "";
    setAlert("");
    setStatus("");
    firstUnseen = null;
    newMarker.hidden = true;
    introLoaded = false;
    loadIntro();
    input.focus();
  }

  launcher.addEventListener("click", function () {
    if (panel.hidden) { open(true); } else if (!modal()) { close(); }
  });
  closeButton.addEventListener("click", close);
  resetButton.addEventListener("click", reset);
  newMarker.addEventListener("click", function () {
    if (firstUnseen) { scrollToItem(firstUnseen); firstUnseen.focus(); }
    firstUnseen = null;
    newMarker.hidden = true;
  });
  log.addEventListener("scroll", function () {
    if (firstUnseen && firstUnseen.offsetTop < log.scrollTop + log.clientHeight - 24) {
      firstUnseen = null;
      newMarker.hidden = true;
    }
  });
  if (fullScreen && fullScreen.addEventListener) { fullScreen.addEventListener("change", updateModal); }
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !inlineMode) { event.preventDefault(); close(); return; }
    if (event.key === "Tab" && modal()) {
      var nodes = focusables();
      if (!nodes.length) { return; }
      var first = nodes[0];
      var last = nodes[nodes.length - 1];
      if (event.shiftKey && (document.activeElement === first || !panel.contains(document.activeElement))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    }
  });
  document.addEventListener("focusin", function (event) {
    if (modal() && !panel.contains(event.target)) { input.focus(); }  /* the dialog keeps the focus */
  });
  function fitInput() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight + 2, 160) + "px";
  }
  input.addEventListener("input", function () {
    if (input.value.trim()) { inputError.textContent = ""; input.removeAttribute("aria-invalid"); }
    fitInput();
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (form.requestSubmit) { form.requestSubmit(); } else { form.dispatchEvent(new Event("submit", { cancelable: true })); }
    }
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
    fitInput();
    submit(text);
  });

  state.messages.forEach(show);
  refreshChoices();
  showBadge();
  if (inlineMode || state.open) { open(false); }
  if (inlineMode) { showLatestTurn(); }

  window.AssistantAL = { open: function () { open(true); }, close: close, reset: reset, version: "2" };
}());
