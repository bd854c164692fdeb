'use strict';
// The page's documents: attach files to the conversation (a button or a drop onto the chat), their list with what
// was read (kind, pages or sections, passages, read whole or indexed, index time and size), remove, summarise with
// progress, and under each answer the passages it cites ([1], [2] … clickable: document, page or section, text).
(() => {
  const kit = window.terroirKit;
  const { el, api, guard, notice, state, t } = kit;
  const $ = (s) => document.querySelector(s);
  const MAX_BYTES = 48 * 1024 * 1024;
  Object.assign(kit.T.en, {
    'd.attach': 'Attach a document', 'd.drop': 'or drop a file (PDF, DOCX, ODT, HTML, Markdown, text) onto the conversation',
    'd.dropHere': 'Drop the file to attach it to this conversation', 'd.title': 'Documents of this conversation',
    'd.reading': (n) => 'Reading ' + n + '…', 'd.attached': (d) => d.name + ': ' + docWords(d),
    'd.pages': (n) => n + (n === 1 ? ' page' : ' pages'), 'd.sections': (n) => n + (n === 1 ? ' section' : ' sections'),
    'd.passages': (n) => n + (n === 1 ? ' passage' : ' passages'), 'd.whole': 'read whole (it fits the context)',
    'd.indexed': 'indexed: each question uses the passages that match it', 'd.indexTime': (ms, b) => 'indexed in ' + kit.secs(ms) + ', ' + kit.size(b),
    'd.summarise': 'Summarise', 'd.remove': 'Remove', 'd.confirmRemove': (n) => 'Remove “' + n + '” from this conversation?',
    'd.tooLarge': (n) => n + ' is larger than 48 MB: split it or export the part you need.', 'd.part': (i, n) => 'Summarising part ' + i + ' of ' + n + '…',
    'd.sources': 'Sources', 'd.page': (n) => 'page ' + n, 'd.section': (s) => 'section “' + s + '”', 'd.score': (x) => 'match ' + kit.num(x, 2),
    'd.needModel': 'Choose a model first: the document is attached to a conversation.'
  });
  Object.assign(kit.T.fr, {
    'd.attach': 'Joindre un document', 'd.drop': 'ou déposez un fichier (PDF, DOCX, ODT, HTML, Markdown, texte) sur la conversation',
    'd.dropHere': 'Déposez le fichier pour le joindre à cette conversation', 'd.title': 'Documents de cette conversation',
    'd.reading': (n) => 'Lecture de ' + n + '…', 'd.attached': (d) => d.name + ' : ' + docWords(d),
    'd.pages': (n) => n + (n === 1 ? ' page' : ' pages'), 'd.sections': (n) => n + (n === 1 ? ' section' : ' sections'),
    'd.passages': (n) => n + (n === 1 ? ' passage' : ' passages'), 'd.whole': 'lu en entier (il tient dans le contexte)',
    'd.indexed': 'indexé : chaque question utilise les passages qui y répondent', 'd.indexTime': (ms, b) => 'indexé en ' + kit.secs(ms) + ', ' + kit.size(b),
    'd.summarise': 'Résumer', 'd.remove': 'Retirer', 'd.confirmRemove': (n) => 'Retirer « ' + n + ' » de cette conversation ?',
    'd.tooLarge': (n) => n + ' dépasse 48 Mo : découpez-le ou exportez la partie utile.', 'd.part': (i, n) => 'Résumé de la partie ' + i + ' sur ' + n + '…',
    'd.sources': 'Sources', 'd.page': (n) => 'page ' + n, 'd.section': (s) => 'section « ' + s + ' »', 'd.score': (x) => 'correspondance ' + kit.num(x, 2),
    'd.needModel': 'Choisissez d’abord un modèle : le document est joint à une conversation.'
  });
  function docWords(d) {
    const parts = [String(d.kind || '').toUpperCase()];
    if (d.pages) parts.push(t('d.pages')(d.pages)); else if (d.sections) parts.push(t('d.sections')(d.sections));
    parts.push(t('d.passages')(d.passages || 0));
    parts.push(t(d.mode === 'whole' ? 'd.whole' : 'd.indexed'));
    if (d.indexMillis !== undefined && d.indexMillis !== null) parts.push(t('d.indexTime')(d.indexMillis, d.indexBytes || 0));
    return parts.join(' · ');
  }

  // --- the panel, above the messages
  const panel = el('div', { id: 'docs', class: 'docs' },
    el('div', { class: 'row' },
      el('button', { id: 'doc-pick', type: 'button', 'data-i18n': 'd.attach', text: t('d.attach'), onclick: () => $('#doc-file').click() }),
      el('input', { id: 'doc-file', type: 'file', multiple: '', hidden: '', accept: '.pdf,.docx,.odt,.html,.htm,.md,.markdown,.txt,text/*,application/pdf' }),
      el('span', { class: 'hint', 'data-i18n': 'd.drop', text: t('d.drop') })),
    el('p', { id: 'doc-state', role: 'status', 'aria-live': 'polite' }),
    el('progress', { id: 'doc-progress', hidden: '' }),
    el('ul', { id: 'doc-list', 'aria-label': t('d.title') }));
  $('#messages').before(panel);
  const thread = document.querySelector('.thread');
  thread.append(el('div', { id: 'drop-hint', class: 'drop-hint', 'data-i18n': 'd.dropHere', text: t('d.dropHere') }));

  function progress(part, parts, words) {
    const bar = $('#doc-progress');
    bar.hidden = part === null;
    if (part === null) { $('#doc-state').textContent = words || ''; return; }
    if (parts) { bar.max = parts; bar.value = part; } else { bar.removeAttribute('value'); }
    $('#doc-state').textContent = words || '';
  }

  const refreshDocs = guard(async () => {
    if (!state.conv) { $('#doc-list').replaceChildren(); return; }
    const conv = state.conv;
    const r = await api('documents?conversation=' + encodeURIComponent(conv));
    if (conv !== state.conv) return;
    $('#doc-list').replaceChildren(...(r.documents || []).map((d) => el('li', { 'data-name': d.name, 'data-mode': d.mode },
      el('strong', { text: d.name }), ' ', el('span', { class: 'doc-facts', text: docWords(d) }), ' ',
      el('button', { class: 'summarise small', type: 'button', text: t('d.summarise'), onclick: guard(() => summarise(d.name)) }),
      el('button', { class: 'remove small', type: 'button', text: t('d.remove'), onclick: guard(async () => {
        if (!confirm(t('d.confirmRemove')(d.name))) return;
        await api('documents/remove', { conversation: state.conv, name: d.name }); refreshDocs(); }) }))));
  });
  kit.hooks.open.push(() => refreshDocs());

  const base64 = (file) => new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
  async function attach(files) {
    for (const file of files) {
      if (file.size > MAX_BYTES) { notice(t('d.tooLarge')(file.name)); continue; }
      if (!state.conv) {
        const c = await kit.newConversation(file.name.slice(0, 48));
        if (!c) { notice(t('d.needModel')); return; }
        await kit.refreshChat();
      }
      progress(0, 0, t('d.reading')(file.name));
      try {
        const d = await api('documents/attach', { conversation: state.conv, name: file.name, data: await base64(file) });
        progress(null, null, t('d.attached')(d));
      } catch (e) { progress(null, null, ''); throw e; }
      await refreshDocs();
    }
  }
  $('#doc-file').addEventListener('change', guard(async (e) => { const files = [...e.target.files]; e.target.value = ''; await attach(files); }));
  let depth = 0;
  thread.addEventListener('dragenter', (e) => { if (e.dataTransfer && [...e.dataTransfer.types].includes('Files')) { depth++; thread.classList.add('dropping'); e.preventDefault(); } });
  thread.addEventListener('dragover', (e) => { if (e.dataTransfer && [...e.dataTransfer.types].includes('Files')) { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; } });
  thread.addEventListener('dragleave', () => { depth = Math.max(0, depth - 1); if (!depth) thread.classList.remove('dropping'); });
  thread.addEventListener('drop', guard(async (e) => {
    depth = 0; thread.classList.remove('dropping');
    if (!e.dataTransfer || !e.dataTransfer.files.length) return;
    e.preventDefault();
    await attach([...e.dataTransfer.files]);
  }));

  // --- summarise: streamed like an answer, with the parts' progress first
  async function summarise(name) {
    if (state.turn) return;
    const list = $('#messages');
    const content = el('div', { class: 'content' });
    const answer = el('li', { class: 'msg assistant streaming' }, content);
    const controller = new AbortController(); state.turn = controller;
    $('#stop').disabled = false; $('#send').disabled = true;
    let streamed = '';
    try {
      progress(0, 0, '');
      await kit.events('/api/documents/summarize?lang=' + state.lang, { conversation: state.conv, name }, controller.signal,
        (ev, data) => {
          if (ev === 'user') { list.append(el('li', { class: 'msg user' }, el('div', { class: 'content', text: data.content }))); list.append(answer); }
          else if (ev === 'progress') { const p = data.progress || data; progress(p.part, p.parts, t('d.part')(p.part, p.parts)); }
          else if (ev === 'token') { streamed += data.text; kit.renderAnswer(content, streamed); list.scrollTop = 1e9; }
          else if (ev === 'done') {
            answer.classList.remove('streaming'); answer.classList.add('done');
            kit.renderAnswer(content, data.message.content);
            kit.hooks.message.forEach((h) => h(answer, data.message));
            progress(null, null, '');
          } else if (ev === 'error') { answer.classList.remove('streaming'); progress(null, null, ''); notice(data.message); }
        });
      if (!answer.isConnected) list.append(answer);
    } catch (e) {
      progress(null, null, '');
      if (e.name !== 'AbortError') notice(e.message);
    } finally {
      state.turn = null; $('#stop').disabled = true; $('#send').disabled = false;
    }
  }

  // --- citations under each answer, and its [n] marks made clickable
  function citationText(c) {
    const where = [c.document];
    if (c.page) where.push(t('d.page')(c.page));
    if (c.section) where.push(t('d.section')(c.section));
    return where.join(' · ');
  }
  function toggle(li, n) {
    const item = li.querySelector('.citations li[data-n="' + n + '"]');
    if (!item) return;
    const box = item.querySelector('.passage');
    box.hidden = !box.hidden;
    item.classList.toggle('open', !box.hidden);
    if (!box.hidden) item.scrollIntoView({ block: 'nearest' });
  }
  function linkMarks(li, numbers) {
    const content = li.querySelector('.content');
    if (!content) return;
    const walker = document.createTreeWalker(content, NodeFilter.SHOW_TEXT);
    const nodes = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.parentElement.closest('code, pre, button') && /\[\d+\]/.test(n.nodeValue)) nodes.push(n);
    }
    for (const node of nodes) {
      const parts = node.nodeValue.split(/(\[\d+\])/);
      const frag = document.createDocumentFragment();
      for (const part of parts) {
        const m = part.match(/^\[(\d+)\]$/);
        if (m && numbers.has(Number(m[1]))) {
          frag.append(el('button', { type: 'button', class: 'cite', 'data-n': m[1], text: part, onclick: () => toggle(li, m[1]) }));
        } else frag.append(document.createTextNode(part));
      }
      node.replaceWith(frag);
    }
  }
  kit.hooks.message.push((li, m) => {
    const cites = (m && m.citations) || [];
    li.querySelectorAll('.citations').forEach((x) => x.remove());
    if (!cites.length) return;
    const box = el('div', { class: 'citations' }, el('strong', { text: t('d.sources') }),
      el('ol', {}, cites.map((c) => el('li', { 'data-n': String(c.n) },
        el('button', { type: 'button', class: 'cite', 'data-n': String(c.n), text: '[' + c.n + ']', onclick: () => toggle(li, c.n) }), ' ',
        el('span', { class: 'where', text: citationText(c) }),
        el('blockquote', { class: 'passage', hidden: '' }, el('span', { text: c.text || '' }),
          typeof c.score === 'number' ? el('span', { class: 'score', text: ' (' + t('d.score')(c.score) + ')' }) : '')))));
    const stats = li.querySelector('.stats');
    if (stats) stats.before(box); else li.append(box);
    linkMarks(li, new Set(cites.map((c) => Number(c.n))));
  });
  kit.translate();
  if (state.conv) refreshDocs();
})();
