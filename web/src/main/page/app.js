'use strict';
// The Terroir page: plain JavaScript, no build step, nothing fetched from outside this server.
(() => {
  const T = {
    en: { 'tab.chat': 'Chat', 'tab.machine': 'Machine', 'tab.catalog': 'Catalog', 'tab.library': 'Library', lang: 'Language',
      key: 'API key', conversations: 'Conversations', model: 'Model', preset: 'Preset', none: '—', system: 'System prompt',
      new: 'New conversation', pick: 'Pick or start a conversation', message: 'Message',
      placeholder: 'Write a message (Enter sends, Shift+Enter adds a line)', send: 'Send', stop: 'Stop',
      starter: 'Starter list', search: 'Search models', searchBtn: 'Search', downloads: 'Downloads', loaded: 'Loaded models',
      load: 'Load', unload: 'Unload', remove: 'Delete', download: 'Download', cancel: 'Cancel', delete: 'Delete',
      FITS: 'fits', PARTLY_FITS: 'partly fits', TOO_LARGE: 'too large', UNKNOWN: 'not judged', UNSUPPORTED: 'cannot load here',
      tier: 'Tier', tryFirst: 'Try first', why: 'Why', tasks: 'Good for', cpu: 'Processor', ram: 'Memory', gpu: 'Graphics',
      disk: 'Free disk', os: 'System', noModels: 'No model loaded: load one in the Library tab.', empty: 'Nothing here yet.',
      tokens: 'tokens', ttft: 'first token', trimmed: 'Older messages left out to fit the context: ', confirmDelete: 'Delete?',
      keyNeeded: 'This server needs an API key: enter it at the top right.', loading: 'Loading…', cut: 'stopped' },
    fr: { 'tab.chat': 'Discussion', 'tab.machine': 'Machine', 'tab.catalog': 'Catalogue', 'tab.library': 'Bibliothèque', lang: 'Langue',
      key: 'Clé d’API', conversations: 'Conversations', model: 'Modèle', preset: 'Préréglage', none: '—', system: 'Prompt système',
      new: 'Nouvelle conversation', pick: 'Choisissez ou commencez une conversation', message: 'Message',
      placeholder: 'Écrivez un message (Entrée envoie, Maj+Entrée ajoute une ligne)', send: 'Envoyer', stop: 'Arrêter',
      starter: 'Liste de départ', search: 'Chercher des modèles', searchBtn: 'Chercher', downloads: 'Téléchargements', loaded: 'Modèles chargés',
      load: 'Charger', unload: 'Décharger', remove: 'Supprimer', download: 'Télécharger', cancel: 'Annuler', delete: 'Supprimer',
      FITS: 'tient', PARTLY_FITS: 'tient en partie', TOO_LARGE: 'trop grand', UNKNOWN: 'non évalué', UNSUPPORTED: 'non chargeable ici',
      tier: 'Niveau', tryFirst: 'À essayer d’abord', why: 'Pourquoi', tasks: 'Bon pour', cpu: 'Processeur', ram: 'Mémoire', gpu: 'Graphique',
      disk: 'Disque libre', os: 'Système', noModels: 'Aucun modèle chargé : chargez-en un dans l’onglet Bibliothèque.', empty: 'Rien pour l’instant.',
      tokens: 'tokens', ttft: 'premier token', trimmed: 'Anciens messages laissés de côté pour tenir dans le contexte : ', confirmDelete: 'Supprimer ?',
      keyNeeded: 'Ce serveur demande une clé d’API : saisissez-la en haut à droite.', loading: 'Chargement…', cut: 'arrêtée' }
  };
  const $ = (s) => document.querySelector(s);
  const state = { lang: localStorage.getItem('terroir.lang') || (navigator.language.startsWith('fr') ? 'fr' : 'en'),
    conv: localStorage.getItem('terroir.conv'), turn: null, view: localStorage.getItem('terroir.view') || 'chat' };
  const t = (k) => (T[state.lang] && T[state.lang][k]) || T.en[k] || k;
  const el = (tag, props = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
    }
    children.flat().forEach((c) => e.append(c instanceof Node ? c : document.createTextNode(String(c))));
    return e;
  };
  const size = (b) => b < 0 ? '?' : b >= 1e9 ? (b / 1e9).toFixed(1) + ' GB' : (b / 1e6).toFixed(0) + ' MB';
  const notice = (text) => { $('#notice').textContent = text || ''; };

  function headers(json) {
    // The page's secret travels in its cookie; this header, which another site's page cannot send, says that the call
    // comes from the page's own scripts.
    const h = { 'X-Terroir-Page': '1' };
    if (json) h['Content-Type'] = 'application/json';
    const key = $('#api-key').value || localStorage.getItem('terroir.key');
    if (key) h['Authorization'] = 'Bearer ' + key;
    return h;
  }
  async function api(path, body, method) {
    const r = await fetch('/api/' + path + (path.includes('?') ? '&' : '?') + 'lang=' + state.lang, {
      method: method || (body === undefined ? 'GET' : 'POST'), headers: headers(body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body) });
    const data = await r.json();
    if (r.status === 401 && data.error && data.error.code === 'page_token_missing') { notice(data.error.message); throw new Error(data.error.message); }
    if (r.status === 401) { $('#key-box').hidden = false; notice(t('keyNeeded')); throw new Error(t('keyNeeded')); }
    if (!r.ok) throw new Error(data.error ? data.error.message : r.statusText);
    return data;
  }
  const guard = (f) => async (...a) => { try { notice(''); await f(...a); } catch (e) { notice(e.message); } };

  function translate() {
    document.documentElement.lang = state.lang;
    document.querySelectorAll('[data-i18n]').forEach((e) => { e.textContent = t(e.dataset.i18n); });
    document.querySelectorAll('[data-i18n-placeholder]').forEach((e) => { e.placeholder = t(e.dataset.i18nPlaceholder); });
    $('#lang').value = state.lang;
  }

  function show(view) {
    state.view = view; localStorage.setItem('terroir.view', view);
    document.querySelectorAll('.view').forEach((v) => { v.hidden = v.id !== 'view-' + view; });
    document.querySelectorAll('nav button').forEach((b) => b.setAttribute('aria-selected', String(b.dataset.view === view)));
    ({ chat: refreshChat, machine: refreshMachine, catalog: refreshCatalog, library: refreshLibrary })[view]();
  }

  // --- machine
  const refreshMachine = guard(async () => {
    const m = await api('machine'); const p = m.profile; const a = m.advice;
    const gpus = (p.gpus || []).map((g) => g.name).join(', ') || '—';
    $('#machine').replaceChildren(el('dl', {},
      el('dt', { text: t('tier') }), el('dd', { text: a.modelSizes + ' — ' + a.hardware }),
      el('dt', { text: t('tryFirst') }), el('dd', { text: a.tryFirst }),
      el('dt', { text: t('tasks') }), el('dd', { text: (a.tasks || []).join(', ') }),
      el('dt', { text: t('why') }), el('dd', { text: a.why }),
      el('dt', { text: t('os') }), el('dd', { text: p.os }),
      el('dt', { text: t('cpu') }), el('dd', { text: p.cpuModel }),
      el('dt', { text: t('ram') }), el('dd', { text: size(p.ramTotal.value) }),
      el('dt', { text: t('gpu') }), el('dd', { text: gpus }),
      el('dt', { text: t('disk') }), el('dd', { text: size(p.diskFree.value) })));
  });

  // --- catalog and downloads
  const refreshCatalog = guard(async () => {
    const page = await api('catalog?catalog=' + encodeURIComponent($('#catalog-id').value) + '&q=' + encodeURIComponent($('#search-text').value));
    const order = { FITS: 0, PARTLY_FITS: 1, UNKNOWN: 2, TOO_LARGE: 3, UNSUPPORTED: 4 };
    const entries = page.entries.slice().sort((x, y) => order[x.fit] - order[y.fit]);
    $('#catalog-list').replaceChildren(...entries.map((e) => el('li', {},
      el('strong', { text: e.repo }), ' ', el('span', { class: 'badge ' + e.fit, text: t(e.fit) }),
      el('p', { text: e.description || '' }),
      el('ul', {}, (e.files || []).filter((f) => f.name.toLowerCase().endsWith('.gguf')).slice(0, 6).map((f) => el('li', {},
        f.name + ' · ' + size(f.sizeBytes) + ' ', el('span', { class: 'badge ' + f.fit, text: t(f.fit), title: f.fitDetail || '' }), ' ',
        el('button', { text: t('download'), onclick: guard(async () => { await api('downloads', { repo: e.repo, file: f.name }); refreshDownloads(); }) })))))));
    refreshDownloads();
  });
  const refreshDownloads = guard(async () => {
    const list = await api('downloads');
    $('#download-list').replaceChildren(...list.map((d) => el('li', {},
      d.file + ' — ' + d.state + ' ' + size(d.bytes) + ' / ' + size(d.total) + (d.message ? ' — ' + d.message : ''),
      el('progress', { max: '1', value: String(Math.max(0, d.fraction !== undefined ? d.fraction : (d.total > 0 ? d.bytes / d.total : 0))) }),
      ['COMPLETED', 'FAILED', 'CANCELLED'].includes(d.state) ? '' :
        el('button', { text: t('cancel'), onclick: guard(async () => { await api('downloads-cancel', { repo: d.repo, file: d.file }); }) }))));
    if (list.some((d) => !['COMPLETED', 'FAILED', 'CANCELLED'].includes(d.state)) && state.view === 'catalog') setTimeout(refreshDownloads, 1000);
  });

  // --- library and loaded models
  const refreshLibrary = guard(async () => {
    const [loaded, library] = await Promise.all([api('models'), api('library')]);
    $('#loaded-list').replaceChildren(...(loaded.length ? loaded.map((m) => el('li', {}, el('strong', { text: m.id }),
      ' · ' + m.backendId + (m.descriptor && m.descriptor.properties && m.descriptor.properties.device
        ? ' · ' + m.descriptor.properties.device : '') + ' · ctx ' + m.contextLength + ' ',
      el('button', { text: t('unload'), onclick: guard(async () => { await api('models-unload', { id: m.id }); refreshLibrary(); }) })))
      : [el('li', { text: t('empty') })]));
    $('#library-list').replaceChildren(...(library.length ? library.map((m) => el('li', { 'data-name': m.name }, el('strong', { text: m.name }),
      ' · ' + size(m.sizeBytes) + (m.quantization ? ' · ' + m.quantization : '') + ' ',
      el('button', { class: 'load', text: t('load'), onclick: guard(async (ev) => { ev.target.disabled = true; ev.target.textContent = t('loading');
        try { await api('models-load', { ref: m.name }); } finally { refreshLibrary(); } }) }), ' ',
      m.source === 'TERROIR' || !m.source ? el('button', { text: t('remove'), onclick: guard(async () => {
        if (confirm(t('confirmDelete') + ' ' + m.name)) { await api('library-remove', { ref: m.name }); refreshLibrary(); } }) }) : ''))
      : [el('li', { text: t('empty') })]));
  });

  // --- chat
  const refreshChat = guard(async () => {
    const [loaded, presets, convs] = await Promise.all([api('models'), api('presets').catch(() => []), api('conversations')]);
    const select = $('#model-select'); const previous = select.value;
    select.replaceChildren(...loaded.map((m) => el('option', { value: m.id, text: m.id })));
    if (previous) select.value = previous;
    if (!loaded.length) notice(t('noModels'));
    const ps = $('#preset-select'); const pv = ps.value;
    ps.replaceChildren(el('option', { value: '', text: t('none') }), ...presets.map((p) => el('option', { value: p.id, text: p.name, title: p.description })));
    ps.value = pv;
    renderConversations(convs);
    if (state.conv && convs.some((c) => c.id === state.conv)) openConversation(state.conv);
  });
  function renderConversations(convs) {
    $('#conv-list').replaceChildren(...convs.map((c) => el('li', { tabindex: '0', 'data-id': c.id, class: c.id === state.conv ? 'current' : '',
      onclick: () => openConversation(c.id), onkeydown: (e) => { if (e.key === 'Enter') openConversation(c.id); } },
      el('span', { text: c.title || c.id }),
      el('button', { 'aria-label': t('delete'), title: t('delete'), text: '×', onclick: guard(async (e) => { e.stopPropagation();
        if (!confirm(t('confirmDelete'))) return; await api('conversations/' + c.id, undefined, 'DELETE');
        if (state.conv === c.id) { state.conv = null; $('#messages').replaceChildren(); } refreshChat(); }) }))));
  }
  function statsLine(s) {
    if (!s) return '';
    return s.model + ' · ' + s.generatedTokens + ' ' + t('tokens') + ' · ' + (s.tokensPerSecond || 0).toFixed(1) + ' tok/s · '
      + t('ttft') + ' ' + Math.round(s.timeToFirstTokenMs) + ' ms · ' + s.finishReason;
  }
  function messageItem(m) {
    const role = (m.role || 'assistant').toLowerCase();
    return el('li', { class: 'msg ' + role }, el('span', { class: 'content', text: m.content }),
      m.stats ? el('span', { class: 'stats', text: statsLine(m.stats) }) : (role === 'assistant' && !m.complete ? el('span', { class: 'stats', text: t('cut') }) : ''));
  }
  const openConversation = guard(async (id) => {
    state.conv = id; localStorage.setItem('terroir.conv', id);
    document.querySelectorAll('#conv-list li').forEach((li) => li.classList.toggle('current', li.dataset.id === id));
    const c = await api('conversations/' + id);
    $('#conv-title').textContent = c.conversation.title || id;
    $('#messages').replaceChildren(...(c.conversation.systemPrompt ? [el('li', { class: 'msg system', text: c.conversation.systemPrompt })] : []),
      ...c.messages.map(messageItem));
    $('#messages').scrollTop = 1e9;
  });
  $('#new-conv-form').addEventListener('submit', guard(async (e) => {
    e.preventDefault();
    const model = $('#model-select').value;
    if (!model) { notice(t('noModels')); return; }
    const body = { modelRef: model, presetId: $('#preset-select').value || null };
    if ($('#system-prompt').value.trim()) body.systemPrompt = $('#system-prompt').value;
    const c = await api('conversations', body);
    state.conv = c.id; await refreshChat(); $('#prompt').focus();
  }));
  async function send() {
    const text = $('#prompt').value.trim();
    if (!text || !state.conv || state.turn) return;
    $('#prompt').value = '';
    const list = $('#messages');
    list.append(el('li', { class: 'msg user', text }));
    const answer = el('li', { class: 'msg assistant streaming' }, el('span', { class: 'content' }));
    list.append(answer);
    $('#stop').disabled = false; $('#send').disabled = true;
    const controller = new AbortController(); state.turn = controller;
    try {
      const r = await fetch('/api/conversations/' + state.conv + '/send?lang=' + state.lang,
        { method: 'POST', headers: headers(true), body: JSON.stringify({ text }), signal: controller.signal });
      if (!r.ok) { const d = await r.json(); throw new Error(d.error ? d.error.message : r.statusText); }
      const reader = r.body.getReader(); const decoder = new TextDecoder(); let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut); buffer = buffer.slice(cut + 2);
          const name = (block.match(/^event: (.*)$/m) || [])[1]; const data = JSON.parse((block.match(/^data: (.*)$/m) || [])[1] || 'null');
          if (name === 'token') { answer.querySelector('.content').textContent += data.text; list.scrollTop = 1e9; }
          else if (name === 'trimmed') notice(t('trimmed') + data.dropped);
          else if (name === 'done') { answer.classList.remove('streaming'); answer.classList.add('done');
            answer.querySelector('.content').textContent = data.message.content; answer.append(el('span', { class: 'stats', text: statsLine(data.message.stats) })); }
          else if (name === 'error') { answer.classList.remove('streaming'); notice(data.message); }
        }
      }
    } catch (e) {
      if (e.name !== 'AbortError') notice(e.message);
    } finally {
      state.turn = null; $('#stop').disabled = true; $('#send').disabled = false; $('#prompt').focus();
      api('conversations').then(renderConversations).catch(() => {});
    }
  }
  $('#send-form').addEventListener('submit', (e) => { e.preventDefault(); send(); });
  $('#prompt').addEventListener('keydown', (e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); send(); } });
  $('#stop').addEventListener('click', guard(async () => { if (state.conv) await api('conversations/' + state.conv + '/stop', {}); }));
  $('#search-form').addEventListener('submit', (e) => { e.preventDefault(); refreshCatalog(); });
  $('#lang').addEventListener('change', () => { state.lang = $('#lang').value; localStorage.setItem('terroir.lang', state.lang); translate(); show(state.view); });
  $('#api-key').addEventListener('change', () => { localStorage.setItem('terroir.key', $('#api-key').value); show(state.view); });
  document.querySelectorAll('nav button').forEach((b) => b.addEventListener('click', () => show(b.dataset.view)));
  $('#api-key').value = localStorage.getItem('terroir.key') || '';
  translate();
  show(state.view);
})();
