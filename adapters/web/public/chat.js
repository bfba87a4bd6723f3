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
  // The page's own words follow the same language as the conversation's first answer.
  if (lang === 'en') {
    document.documentElement.lang = 'en';
    document.querySelector('label[for="input"]').textContent = 'Type a message';
    input.placeholder = 'Type a message…';
    document.getElementById('send').textContent = 'Send';
    log.setAttribute('aria-label', 'Conversation');
  }

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

  // Resolves true when the server took the message, false when it asked us to slow down.
  function send(message) {
    message.id = Date.now().toString(36) + '-' + (seq++) + '-' + randomId(4);
    message.lang = lang;
    return api('/api/chat/send', message).then(function (r) {
      if (r.status === 429) { showToast(slowDownText(retryAfter(r))); return false; }
      return r.json().then(function (answer) {
        if (answer.acks && answer.acks.length) showToast(answer.acks[0].text);
        return true;
      });
    }).catch(function () { showToast('网络错误，请重试 / Network error, please retry'); return true; });
  }

  function showToast(text) {
    toast.textContent = text;
    clearTimeout(showToast.timer);
    showToast.timer = setTimeout(function () { toast.textContent = ''; }, 5000);
  }

  function scrollDown() { log.parentElement.scrollTop = log.parentElement.scrollHeight; }

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
            el.addEventListener('click', function () { if (!el.disabled) send({ kind: 'action', code: b.code }); });
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
        (body.messages || []).forEach(function (row) { apply(row); lastId = row.id; });
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
    send({ kind: 'text', text: text }).then(function (taken) {
      // Not taken: give the text back so it can be sent again after the wait.
      if (!taken) { bubble.remove(); if (!input.value) input.value = text; }
    });
  });

  poll(true).then(function (messages) {
    if (messages.length === 0) {
      var payload = new URLSearchParams(location.search).get('start');
      send(payload ? { kind: 'start', payload: payload } : { kind: 'start' });
    }
    loop();
  }, function () { setTimeout(loop, 2000); });
})();
