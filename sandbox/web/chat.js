// The sandbox chat page: chat with a sandbox bot as any user, through the control API.
//
// Plain JavaScript, no build step, nothing from the network. Everything from a message is shown
// with textContent (no HTML parsing anywhere), so text a bot sends can never become markup.
// Endpoints used (see sandbox/__init__.py): GET /sandbox (bots), POST .../users (create the
// chat), GET .../transcript, GET .../changes (long poll), GET .../buttons (reply keyboard),
// POST .../{text|press|callback|contact|photo|document}, GET .../callbacks/{id} (answers),
// GET .../files/{file_id} (pictures and documents).
"use strict";

(() => {
  const $ = (selector) => document.querySelector(selector);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  const FLAVOURS = { bale: "بله", telegram: "تلگرام" };
  const POLL_SECONDS = 25;
  const STORE_KEY = "pishkhan.sandbox.chat";

  const S = {
    bots: [],
    bot: null, // {username, flavour, first_name, ...} from GET /sandbox
    user: null, // {id, first_name, phone}
    entries: [], // transcript entries by index
    nodes: new Map(), // index -> DOM node
    version: -1,
    gen: 0, // bumps when the chat changes: stale long polls stop
    abort: null,
    stick: true, // the view follows new messages while scrolled to the bottom
  };

  // ------------------------------------------------------------------------------ HTTP

  class ApiError extends Error {}

  async function api(method, path, body, signal) {
    const init = { method, signal, headers: {} };
    if (body instanceof FormData) {
      init.body = body;
    } else if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const resp = await fetch(path, init);
    let data = null;
    try {
      data = await resp.json();
    } catch (err) {
      throw new ApiError(`HTTP ${resp.status}`);
    }
    if (!resp.ok || !data || data.ok === false) {
      throw new ApiError((data && (data.error || data.description)) || `HTTP ${resp.status}`);
    }
    return data;
  }

  const botPath = () => `/sandbox/bots/${encodeURIComponent(S.bot.username)}`;
  const chatPath = () => `${botPath()}/chats/${S.user.id}`;
  const fileUrl = (fileId) => `${botPath()}/files/${encodeURIComponent(fileId)}`;

  function profile() {
    return {
      first_name: S.user.first_name,
      phone: S.user.phone || null,
      language_code: "fa",
    };
  }

  async function act(action, payload) {
    const body = Object.assign({}, payload || {}, { user: profile() });
    return api("POST", `${chatPath()}/${action}`, body);
  }

  // ----------------------------------------------------------------------------- status

  let toastTimer = null;

  function toast(text, kind) {
    const box = $("#toast");
    box.textContent = text;
    box.className = kind || "";
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { box.hidden = true; }, kind === "alert" ? 8000 : 4000);
  }

  function setStatus(state) {
    const dot = $("#status");
    dot.className = `status ${state}`;
    dot.title = { on: "برخط", off: "قطع", wait: "در حال اتصال…" }[state] || state;
  }

  function setEnabled(on) {
    for (const id of ["#attach", "#share-contact", "#text", "#send"]) $(id).disabled = !on;
  }

  // ------------------------------------------------------------------------- rendering

  function clock(entry) {
    const date = new Date((entry.date || 0) * 1000);
    return date.toLocaleTimeString("fa-IR", { hour: "2-digit", minute: "2-digit" });
  }

  function buttonText(messageId, data) {
    // The keyboard may have been edited away since: look at its earlier versions too.
    const target = S.entries.find((e) => e && e.direction === "out" && e.message_id === messageId);
    if (!target) return data;
    const markups = [target.reply_markup, ...(target.edits || []).map((e) => e.reply_markup)];
    for (const markup of markups) {
      for (const row of (markup && markup.inline_keyboard) || []) {
        for (const button of row) if (button.callback_data === data) return button.text;
      }
    }
    return data;
  }

  function textBlock(text) {
    const node = el("div", "text", text);
    node.dir = "auto";
    return node;
  }

  function fileLink(entry, label) {
    const link = el("a", "file", label);
    link.href = fileUrl(entry.file_id);
    link.target = "_blank";
    link.rel = "noopener";
    link.dir = "auto";
    return link;
  }

  function body(entry, bubble) {
    const text = entry.text ?? null;
    const caption = entry.caption ?? null;
    switch (entry.kind) {
      case "photo": {
        if (entry.file_id) {
          const img = el("img", "photo");
          img.src = fileUrl(entry.file_id);
          img.alt = "عکس";
          const sizes = entry.message && entry.message.photo;
          const largest = sizes && sizes[sizes.length - 1];
          if (largest && largest.width && largest.height) {
            img.width = largest.width; // reserves the picture's shape before it loads
            img.height = largest.height;
          }
          img.addEventListener("load", () => scrollDown(false));
          bubble.append(img);
        } else {
          bubble.append(el("div", "meta-line", "🖼 عکس"));
        }
        break;
      }
      case "document": {
        const name = entry.file_name || (entry.message && entry.message.document
          && entry.message.document.file_name) || "فایل";
        bubble.append(entry.file_id ? fileLink(entry, `📄 ${name}`) : el("div", "file", name));
        break;
      }
      case "contact": {
        const contact = entry.contact || {};
        const line = el("div", "contact");
        line.append(el("span", null, `📇 ${contact.first_name || ""} `));
        const phone = el("span", "phone", String(contact.phone_number ?? ""));
        phone.dir = "ltr";
        line.append(phone);
        bubble.append(line);
        break;
      }
      case "location": {
        const loc = entry.location || {};
        bubble.append(el("div", "meta-line", `📍 ${loc.latitude}, ${loc.longitude}`));
        break;
      }
      case "sticker":
        bubble.append(el("div", "sticker", (entry.message && entry.message.sticker
          && entry.message.sticker.emoji) || "🖼"));
        break;
      case "voice":
        bubble.append(el("div", "meta-line", "🎤 پیام صوتی"));
        break;
      default:
        break;
    }
    const shown = text ?? caption;
    if (shown) bubble.append(textBlock(shown));
    else if (!["photo", "document", "contact", "location", "sticker", "voice"]
      .includes(entry.kind)) {
      bubble.append(el("div", "meta-line", `(${entry.kind})`));
    }
  }

  function inlineKeyboard(entry) {
    const markup = entry.reply_markup;
    const rows = markup && markup.inline_keyboard;
    if (!rows || !rows.length) return null;
    const box = el("div", "inline-keyboard");
    for (const row of rows) {
      const line = el("div", "row");
      for (const button of row) {
        if (typeof button.url === "string" && /^(https?|tg):\/\//i.test(button.url)) {
          const link = el("a", "kb-button", `${button.text} ↗`);
          link.href = button.url; // the sandbox refuses other schemes; never javascript:
          link.target = "_blank";
          link.rel = "noopener noreferrer";
          link.dir = "auto";
          line.append(link);
          continue;
        }
        const btn = el("button", "kb-button", button.text);
        btn.type = "button";
        btn.dir = "auto";
        if (typeof button.callback_data === "string") {
          btn.addEventListener("click", () => pressInline(entry, button, btn));
        } else {
          btn.disabled = true;
          btn.title = "این نوع دکمه در محیط آزمایشی پشتیبانی نمی‌شود";
        }
        line.append(btn);
      }
      box.append(line);
    }
    return box;
  }

  function renderEntry(entry) {
    if (entry.deleted) return el("div", "gone");
    if (entry.kind === "callback") {
      const wrap = el("div", "msg in pressed");
      wrap.dataset.index = entry.index;
      wrap.append(el("span", "press-icon", "🔘 "));
      const label = el("span", null, buttonText(entry.message_id, entry.data));
      label.dir = "auto";
      wrap.append(label);
      return wrap;
    }
    const side = entry.direction === "out" ? "out" : "in";
    const wrap = el("div", `msg ${side === "out" ? "bot" : "me"}`);
    wrap.dataset.index = entry.index;
    wrap.dataset.kind = entry.kind;
    const bubble = el("div", "bubble");
    body(entry, bubble);
    const meta = el("div", "meta");
    if (entry.edited) meta.append(el("span", "edited", "ویرایش‌شده · "));
    meta.append(el("span", null, clock(entry)));
    bubble.append(meta);
    wrap.append(bubble);
    if (side === "out") {
      const keyboard = inlineKeyboard(entry);
      if (keyboard) wrap.append(keyboard);
    }
    return wrap;
  }

  function nearBottom() {
    const box = $("#messages");
    return box.scrollHeight - box.scrollTop - box.clientHeight < 120;
  }

  function scrollDown(force) {
    const box = $("#messages");
    if (force || S.stick) {
      box.scrollTop = box.scrollHeight;
      S.stick = true;
    }
  }

  function merge(entries) {
    if (!entries || !entries.length) return;
    const box = $("#messages");
    $("#empty").hidden = true;
    const sorted = [...entries].sort((a, b) => a.index - b.index);
    for (const entry of sorted) S.entries[entry.index] = entry;
    for (const entry of sorted) {
      const node = renderEntry(entry);
      const old = S.nodes.get(entry.index);
      if (old) {
        old.replaceWith(node);
      } else {
        // Keep transcript order even if an entry arrives late.
        let next = null;
        let nextIndex = Infinity;
        for (const [index, other] of S.nodes) {
          if (index > entry.index && index < nextIndex) {
            next = other;
            nextIndex = index;
          }
        }
        box.insertBefore(node, next);
      }
      node.dataset.index = entry.index;
      S.nodes.set(entry.index, node);
    }
    // A callback's label names a button of an older message: refresh labels that now resolve.
    for (const [index, node] of S.nodes) {
      const entry = S.entries[index];
      if (entry && entry.kind === "callback" && !entry.deleted) {
        const fresh = renderEntry(entry);
        node.replaceWith(fresh);
        S.nodes.set(index, fresh);
      }
    }
    scrollDown(false);
  }

  // --------------------------------------------------------------------- reply keyboard

  function replyRows(visible) {
    // The sandbox reports the visible reply buttons flat; take the rows from the message that
    // set the keyboard when its buttons are the ones visible.
    const texts = visible.map((b) => b.text).join("\u0001");
    for (let i = S.entries.length - 1; i >= 0; i--) {
      const entry = S.entries[i];
      const markup = entry && entry.direction === "out" && entry.reply_markup;
      if (!markup) continue;
      if (markup.keyboard) {
        const rows = markup.keyboard.map((row) =>
          row.map((b) => (typeof b === "string" ? { text: b } : b)));
        if (rows.flat().map((b) => b.text).join("\u0001") === texts) return rows;
        break;
      }
    }
    const rows = [];
    for (let i = 0; i < visible.length; i += 2) rows.push(visible.slice(i, i + 2));
    return rows;
  }

  let inlineTexts = new Set();

  async function refreshButtons() {
    const gen = S.gen;
    let data;
    try {
      data = await api("GET", `${chatPath()}/buttons`);
    } catch (err) {
      return;
    }
    if (gen !== S.gen) return;
    inlineTexts = new Set((data.inline || []).map((b) => b.text));
    const box = $("#reply-keyboard");
    box.replaceChildren();
    const visible = data.reply || [];
    box.hidden = !visible.length;
    for (const row of replyRows(visible)) {
      const line = el("div", "row");
      for (const button of row) {
        const btn = el("button", "kb-button reply", button.text);
        btn.type = "button";
        btn.dir = "auto";
        if (button.request_contact) btn.classList.add("contact");
        btn.addEventListener("click", () => pressReply(button, btn));
        line.append(btn);
      }
      box.append(line);
    }
  }

  // --------------------------------------------------------------------------- actions

  async function guarded(button, work) {
    if (button) button.disabled = true;
    try {
      return await work();
    } catch (err) {
      toast(`خطا: ${err.message}`, "error");
      return null;
    } finally {
      if (button) button.disabled = false;
    }
  }

  async function waitAnswer(queryId, gen) {
    const path = `${botPath()}/callbacks/${encodeURIComponent(queryId)}?timeout=15`;
    try {
      const data = await api("GET", path);
      const answer = data.callback && data.callback.answer;
      if (gen === S.gen && answer && answer.text) {
        toast(answer.text, answer.show_alert ? "alert" : "");
      }
    } catch (err) {
      // an unanswered callback is the bot's business; nothing to show
    }
  }

  function pressInline(entry, button, btn) {
    return guarded(btn, async () => {
      const result = await act("callback", {
        data: button.callback_data, message_id: entry.message_id,
      });
      if (result.entry && result.entry.callback_query_id) {
        waitAnswer(result.entry.callback_query_id, S.gen);
      }
    });
  }

  function pressReply(button, btn) {
    return guarded(btn, async () => {
      if (!inlineTexts.has(button.text)) {
        // "press" also honours one_time_keyboard and request_contact/request_location.
        await act("press", { text: button.text });
      } else if (button.request_contact) {
        await act("contact", { own: true }); // same text as an inline button: act directly
      } else if (button.request_location) {
        await act("location", {});
      } else {
        await act("text", { text: button.text });
      }
    });
  }

  function sendText() {
    const box = $("#text");
    const text = box.value.trim();
    if (!text || !S.user) return null;
    return guarded($("#send"), async () => {
      await act("text", { text });
      box.value = "";
      autoGrow();
      box.focus();
    });
  }

  function shareContact() {
    return guarded($("#share-contact"), () => act("contact", { own: true }));
  }

  async function upload(files) {
    for (const file of files) {
      const isImage = /^image\/(jpeg|png|gif|webp|bmp)$/.test(file.type);
      const action = isImage ? "photo" : "document";
      const caption = $("#text").value.trim() || null;
      const meta = { user: profile(), caption };
      if (!isImage) {
        meta.filename = file.name;
        meta.mime_type = file.type || (file.name.toLowerCase().endsWith(".pdf")
          ? "application/pdf" : "application/octet-stream");
      }
      const form = new FormData();
      form.append("meta", JSON.stringify(meta));
      form.append("file", file, file.name);
      const ok = await guarded($("#attach"), () => api("POST", `${chatPath()}/${action}`, form));
      if (ok && caption) {
        $("#text").value = "";
        autoGrow();
      }
    }
  }

  // ----------------------------------------------------------------------- live updates

  async function poll(gen) {
    let failures = 0;
    while (gen === S.gen) {
      const abort = new AbortController();
      S.abort = abort;
      try {
        const data = await api("GET",
          `${chatPath()}/changes?version=${S.version}&timeout=${POLL_SECONDS}`,
          undefined, abort.signal);
        if (gen !== S.gen) return;
        failures = 0;
        setStatus("on");
        if (data.entries && data.entries.length) {
          merge(data.entries);
          refreshButtons();
        }
        S.version = Math.max(S.version, data.version);
      } catch (err) {
        if (gen !== S.gen) return;
        failures += 1;
        setStatus("off");
        await new Promise((r) => setTimeout(r, Math.min(5000, 500 * failures)));
      }
    }
  }

  async function connect(event) {
    if (event) event.preventDefault();
    const username = $("#bot").value;
    const bot = S.bots.find((b) => b.username === username);
    const id = parseInt($("#user-id").value, 10);
    const firstName = $("#first-name").value.trim();
    if (!bot || !(id > 0) || !firstName) {
      toast("ربات، شناسهٔ کاربر و نام را وارد کنید.", "error");
      return;
    }
    S.gen += 1;
    if (S.abort) S.abort.abort();
    const gen = S.gen;
    S.bot = bot;
    S.user = { id, first_name: firstName, phone: $("#phone").value.trim() };
    S.entries = [];
    S.nodes.clear();
    S.version = -1;
    const box = $("#messages");
    box.replaceChildren($("#empty"));
    $("#empty").hidden = false;
    $("#reply-keyboard").hidden = true;
    setStatus("wait");
    remember();
    showHeader();
    try {
      await api("POST", `${botPath()}/users`, {
        users: [Object.assign({ id }, profile())],
      });
      const data = await api("GET", `${chatPath()}/transcript`);
      if (gen !== S.gen) return;
      S.version = data.version;
      merge(data.entries);
      await refreshButtons();
      scrollDown(true);
    } catch (err) {
      setStatus("off");
      toast(`خطا: ${err.message}`, "error");
      return;
    }
    setStatus("on");
    setEnabled(true);
    $("#setup").open = false;
    $("#text").focus();
    poll(gen);
    loadKnown();
  }

  function showHeader() {
    $("#title").textContent = S.bot.first_name || S.bot.username;
    $("#avatar").textContent = (S.bot.first_name || S.bot.username || "?").trim().charAt(0);
    const handle = el("bdi", null, `@${S.bot.username}`);
    const who = el("bdi", null, `${S.user.first_name} (${S.user.id})`);
    $("#subtitle").replaceChildren(handle, " · ", who);
    const badge = $("#flavour-badge");
    badge.textContent = FLAVOURS[S.bot.flavour] || S.bot.flavour;
    badge.className = `badge ${S.bot.flavour}`;
    badge.hidden = false;
    document.body.dataset.flavour = S.bot.flavour;
  }

  // ------------------------------------------------------------------------- the picker

  function remember() {
    try {
      localStorage.setItem(STORE_KEY, JSON.stringify({
        bot: S.bot.username, user: S.user.id, name: S.user.first_name, phone: S.user.phone,
      }));
    } catch (err) {
      // private mode: nothing to remember
    }
  }

  function recalled() {
    try {
      return JSON.parse(localStorage.getItem(STORE_KEY) || "{}") || {};
    } catch (err) {
      return {};
    }
  }

  function findBot(name) {
    if (!name) return null;
    const wanted = String(name).replace(/^@/, "").toLowerCase();
    return S.bots.find((b) => b.flavour === wanted)
      || S.bots.find((b) => b.username.toLowerCase() === wanted)
      || S.bots.find((b) => String(b.bot_id) === wanted) || null;
  }

  async function loadKnown() {
    const username = $("#bot").value;
    const box = $("#known");
    box.replaceChildren();
    $("#known-box").hidden = true;
    if (!username) return;
    let data;
    try {
      data = await api("GET", `/sandbox/bots/${encodeURIComponent(username)}/chats`);
    } catch (err) {
      return;
    }
    if ($("#bot").value !== username) return;
    const chats = (data.chats || []).slice(-30);
    for (const chat of chats) {
      const user = chat.user || {};
      const chip = el("button", "chip", `${user.first_name || ""} (${chat.chat_id})`);
      chip.type = "button";
      chip.dir = "auto";
      chip.addEventListener("click", () => {
        $("#user-id").value = chat.chat_id;
        $("#first-name").value = user.first_name || "کاربر";
        $("#phone").value = "";
      });
      box.append(chip);
    }
    $("#known-box").hidden = !chats.length;
  }

  async function loadBots() {
    const data = await api("GET", "/sandbox");
    S.bots = data.bots || [];
    const select = $("#bot");
    select.replaceChildren();
    for (const bot of S.bots) {
      const label = `${FLAVOURS[bot.flavour] || bot.flavour} (${bot.flavour}) — @${bot.username}`;
      const option = el("option", null, label);
      option.value = bot.username;
      option.dataset.flavour = bot.flavour;
      select.append(option);
    }
  }

  function autoGrow() {
    const box = $("#text");
    box.style.height = "auto";
    box.style.height = `${Math.min(box.scrollHeight, 140)}px`;
  }

  async function init() {
    $("#who").addEventListener("submit", connect);
    $("#composer").addEventListener("submit", (event) => {
      event.preventDefault();
      sendText();
    });
    $("#text").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        sendText();
      }
    });
    $("#text").addEventListener("input", autoGrow);
    $("#share-contact").addEventListener("click", shareContact);
    $("#attach").addEventListener("click", () => $("#file").click());
    $("#file").addEventListener("change", async () => {
      const files = [...$("#file").files];
      $("#file").value = "";
      await upload(files);
    });
    $("#bot").addEventListener("change", loadKnown);
    $("#messages").addEventListener("scroll", () => { S.stick = nearBottom(); });

    try {
      await loadBots();
    } catch (err) {
      toast(`سندباکس در دسترس نیست: ${err.message}`, "error");
      return;
    }
    const query = new URLSearchParams(location.search);
    const saved = recalled();
    const bot = findBot(query.get("bot")) || findBot(saved.bot) || findBot("bale") || S.bots[0];
    if (bot) $("#bot").value = bot.username;
    $("#user-id").value = query.get("user") || saved.user || 1000 + Math.floor(Math.random() * 9000);
    $("#first-name").value = query.get("name") || saved.name || "کاربر";
    $("#phone").value = query.get("phone") ?? saved.phone ?? "";
    loadKnown();
    if (query.get("go") === "1") connect();
  }

  document.addEventListener("DOMContentLoaded", init);
})();
