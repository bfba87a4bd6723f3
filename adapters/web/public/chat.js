// feebot web chat: a thin renderer. Every decision is made by the server-side engine.
(function () {
  'use strict';
  var TOKEN_KEY = 'feebot-chat-token';
  var log = document.getElementById('log');
  var toast = document.getElementById('toast');
  var form = document.getElementById('composer');
  var input = document.getElementById('input');
  var bubbles = {};
  var lastId = 0;
  var inputKind = 'text';
  var seq = 0;

  function randomId(bytes) {
    var a = new Uint8Array(bytes);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }
  var token = localStorage.getItem(TOKEN_KEY);
  if (!token) { token = randomId(24); localStorage.setItem(TOKEN_KEY, token); }
  var lang = (navigator.language || '').toLowerCase().indexOf('zh') === 0 ? 'zh-CN' : 'en';
  // The server's clock minus ours: countdowns (同意) run on the server's time.
  var skew = 0;
  // Messages the server has not taken yet (offline): kept, marked, and sent again with the same id.
  var unsent = [];
  var FRAME = {
    'zh-CN': { title: document.title, label: '输入消息', placeholder: '输入消息…', send: '发送', log: '对话', unsent: '未发送，将自动重试' },
    en: { title: 'Online fee payment', label: 'Type a message', placeholder: 'Type a message…', send: 'Send', log: 'Conversation', unsent: 'Not sent yet; retrying' },
  };
  // The page's own words follow the conversation's language, also after a switch (中文 / English).
  function setFrameLang(next) {
    if (!FRAME[next]) return;
    lang = next;
    var f = FRAME[next];
    document.documentElement.lang = next;
    document.title = f.title;
    document.querySelector('label[for="input"]').textContent = f.label;
    input.placeholder = f.placeholder;
    document.getElementById('send').textContent = f.send;
    log.setAttribute('aria-label', f.log);
  }
  setFrameLang(lang);

  function api(path, body) {
    return fetch(path, {
      method: body ? 'POST' : 'GET',
      headers: body ? { 'content-type': 'application/json', 'x-chat-token': token } : { 'x-chat-token': token },
      body: body ? JSON.stringify(body) : undefined,
    });
  }

  // Seconds to wait, from a 429's Retry-After.
  function retryAfter(r) {
    var s = parseInt(r.headers.get('retry-after') || '', 10);
    return s > 0 ? s : 5;
  }

  function slowDownText(seconds) {
    return lang === 'en'
      ? 'You are sending messages too quickly. Please wait ' + seconds + ' s and try again.'
      : '操作过于频繁，请 ' + seconds + ' 秒后再试。';
  }

  // Resolves true when the server took the message, false when it asked us to slow down. Offline
  // (no answer at all), the message is kept with its id and sent again later: the server ignores a
  // second copy of the same id, so nothing is done twice.
  function send(message, bubble, label) {
    if (!message.id) message.id = Date.now().toString(36) + '-' + (seq++) + '-' + randomId(4);
    message.lang = lang;
    return api('/api/chat/send', message).then(function (r) {
      if (r.status === 429) { showToast(slowDownText(retryAfter(r))); return false; }
      if (bubble) markSent(bubble);
      return r.json().then(function (answer) {
        if (answer.acks && answer.acks.length) showToast(answer.acks[0].text);
        return true;
      });
    }).catch(function () {
      if (!bubble) bubble = addUserBubble(label || '…');
      if (bubble.classList.contains('unsent') === false) {
        bubble.classList.add('unsent');
        bubble.setAttribute('data-unsent', FRAME[lang].unsent);
        unsent.push({ message: message, bubble: bubble });
      }
      showToast(lang === 'en' ? 'No connection: the message will be sent when you are back online.' : '网络连接中断：消息将在恢复连接后自动发送。');
      return true;
    });
  }

  function markSent(bubble) {
    bubble.classList.remove('unsent');
    bubble.removeAttribute('data-unsent');
  }

  // In order, one at a time: the first that still fails stops the round.
  function retryUnsent() {
    if (!unsent.length || retryUnsent.busy) return;
    retryUnsent.busy = true;
    var next = unsent[0];
    api('/api/chat/send', next.message).then(function (r) {
      retryUnsent.busy = false;
      if (r.status === 429) return;
      unsent.shift();
      markSent(next.bubble);
      retryUnsent();
    }, function () { retryUnsent.busy = false; });
  }
  setInterval(retryUnsent, 3000);
  window.addEventListener('online', retryUnsent);

  function showToast(text) {
    toast.textContent = text;
    clearTimeout(showToast.timer);
    showToast.timer = setTimeout(function () { toast.textContent = ''; }, 5000);
  }

  function scrollDown() { log.parentElement.scrollTop = log.parentElement.scrollHeight; }

  // 同意（7秒）: counts down to the server's unlock time; the server still decides, and enables it.
  function tickCountdowns() {
    Array.prototype.forEach.call(log.querySelectorAll('button[data-unlocks-at]'), function (el) {
      var left = Math.max(0, Math.ceil((Number(el.getAttribute('data-unlocks-at')) - (Date.now() + skew)) / 1000));
      el.textContent = el.getAttribute('data-label').replace(/\d+/, String(left));
    });
  }
  setInterval(tickCountdowns, 250);

  function addUserBubble(text) {
    var div = document.createElement('div');
    div.className = 'bubble user';
    div.textContent = text;
    log.appendChild(div);
    scrollDown();
    return div;
  }

  function fill(div, m) {
    div.textContent = m.text;
    if (m.imageDataUrl) {
      var img = document.createElement('img');
      img.src = m.imageDataUrl;
      img.alt = m.qr ? '支付二维码 / payment QR code' : '图片';
      // The picture's height arrives late: scroll again, so the pay card's 去支付 is on screen.
      img.addEventListener('load', function () { if (div === log.lastElementChild) scrollDown(); });
      div.appendChild(img);
    }
    if (m.buttons && m.buttons.length) {
      var box = document.createElement('div');
      box.className = 'buttons';
      m.buttons.forEach(function (row) {
        var r = document.createElement('div');
        r.className = 'row';
        row.forEach(function (b) {
          var el;
          if (b.url) {
            el = document.createElement('a');
            el.href = b.url;
            el.target = '_blank';
            el.rel = 'noopener';
          } else {
            el = document.createElement('button');
            el.type = 'button';
            el.setAttribute('data-code', b.code);
            if (b.disabled) el.setAttribute('aria-disabled', 'true');
            if (b.disabled && b.unlocksAt) {
              el.setAttribute('data-unlocks-at', String(b.unlocksAt));
              el.setAttribute('data-label', b.label);
            }
            el.addEventListener('click', function () { if (!el.disabled) send({ kind: 'action', code: b.code }, null, b.label); });
          }
          el.textContent = b.label;
          r.appendChild(el);
        });
        box.appendChild(r);
      });
      div.appendChild(box);
    }
  }

  // A session ended: the server forgot this chat's history, and the screen forgets it too
  // (typed bubbles included), so the next person at this computer sees nothing of the student.
  function clearLog() {
    log.textContent = '';
    bubbles = {};
    setInputKind('text');
  }

  // Buttons of a menu the conversation has left: still readable, no longer pressable.
  function retire(div) {
    Array.prototype.forEach.call(div.querySelectorAll('button[data-code]'), function (el) {
      el.disabled = true;
      el.classList.add('stale');
      el.title = lang === 'en' ? 'This menu is outdated' : '此菜单已过期';
    });
  }

  // The chat reads top to bottom: only the newest bubble is rewritten in place. A later version of an
  // older bubble (something was typed or shown below it since) is appended, and a new menu retires
  // the buttons of every menu above it.
  function apply(row) {
    var m = row.payload;
    if (m.clear) return clearLog();
    var div = bubbles[row.key];
    if (!div || div !== log.lastElementChild) {
      if (div) retire(div);
      if (m.placement === 'menu') Array.prototype.forEach.call(log.querySelectorAll('.bubble.bot'), retire);
      div = document.createElement('div');
      div.className = 'bubble bot';
      bubbles[row.key] = div;
      log.appendChild(div);
    }
    fill(div, m);
    if (m.lang && m.placement === 'menu') setFrameLang(m.lang);
    setInputKind(m.input || 'text');
  }

  function setInputKind(kind) {
    inputKind = kind;
    input.type = kind === 'password' ? 'password' : 'text';
    input.setAttribute('autocomplete', kind === 'password' ? 'current-password' : 'off');
  }

  function poll(first) {
    return api('/api/chat/messages?after=' + lastId + (first ? '&wait=0' : ''))
      .then(function (r) {
        if (r.status !== 429) return r.json();
        var seconds = retryAfter(r);
        return new Promise(function (resolve) { setTimeout(function () { resolve({ messages: [] }); }, seconds * 1000); });
      })
      .then(function (body) {
        if (typeof body.now === 'number') skew = body.now - Date.now();
        (body.messages || []).forEach(function (row) { apply(row); lastId = row.id; });
        tickCountdowns();
        if (body.messages && body.messages.length) scrollDown();
        return body.messages || [];
      });
  }

  function loop() {
    poll(false).then(loop, function () { setTimeout(loop, 2000); });
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value;
    if (!text.trim()) return;
    var bubble = addUserBubble(inputKind === 'password' ? '••••••' : text);
    input.value = '';
    send({ kind: 'text', text: text }, bubble).then(function (taken) {
      // Not taken: give the text back so it can be sent again after the wait.
      if (!taken) { bubble.remove(); if (!input.value) input.value = text; }
    });
  });

  // A reminder's signed 网上缴费 link: the server checks it and steers this chat to login, then pay.
  var payLink = new URLSearchParams(location.search).get('paylink');
  if (payLink) history.replaceState(null, '', location.pathname);

  poll(true).then(function (messages) {
    if (payLink) {
      api('/api/chat/pay-link', { token: payLink, lang: lang }).catch(function () {});
    } else if (messages.length === 0) {
      var payload = new URLSearchParams(location.search).get('start');
      send(payload ? { kind: 'start', payload: payload } : { kind: 'start' });
    }
    loop();
  }, function () { setTimeout(loop, 2000); });
})();
