'use strict';
// The Terroir page: plain JavaScript, no build step, nothing fetched from outside this server.
(() => {
  const T = {
    en: { 'tab.settings': 'Settings', 'set.port': 'Port of the page and API', 'set.threads': 'Processor threads (0: automatic)',
      'set.gpu': 'Graphics card', 'set.gpu.auto': 'use it when the model fits', 'set.gpu.off': 'do not use it',
      'set.idle': 'Unload an unused model after (minutes, 0: never)', 'set.folder': 'Models folder', 'set.folder.hint': 'Downloads go there; models already in the former folder stay where they are.', 'set.lan': 'Access from the local network',
      'set.risk': 'Off, only this computer reaches Terroir. On, every device of your local network (home or office Wi-Fi) can reach it: anyone there could use your models and read your conversations through the API unless they have a key. Create a key first and give it only to the people you trust.',
      'set.lanOn': 'Let other devices of the local network use this server (they need a key)', 'set.keyLabel': 'Name of the key (who uses it)',
      'set.keyCreate': 'Create a key', 'set.secret': 'The key (copy it now, it is shown only once): ', 'set.revoke': 'Revoke',
      'set.members': 'Members and keys', 'set.members.help': 'One key per member (a person or a program). Limits are optional: requests per minute, tokens per day (question and answer, counted from midnight), requests at once, last day. A member over a limit is answered 429 with when to come back.',
      'set.k.rpm': 'requests/min', 'set.k.tpd': 'tokens/day', 'set.k.conc': 'at once', 'set.k.expires': 'expires on (optional)',
      'set.k.use': (k) => k.requests + ' request(s) · ' + k.promptTokens + ' + ' + k.completionTokens + ' tokens · today ' + k.tokensToday + (k.tokensPerDay ? '/' + k.tokensPerDay : '') + ' · ≈ ' + num(k.energyWh, 2) + ' Wh' + (k.lastUsed ? ' · last use ' + new Date(k.lastUsed).toLocaleString('en-US') : ' · never used'),
      'set.k.limits': (k) => (k.rpm || k.tokensPerDay || k.maxConcurrent) ? 'limits: ' + [k.rpm ? k.rpm + '/min' : '', k.tokensPerDay ? k.tokensPerDay + ' tokens/day' : '', k.maxConcurrent ? k.maxConcurrent + ' at once' : ''].filter(Boolean).join(', ') : 'no limit',
      'set.k.expires.on': (d) => 'expires ' + d, 'set.k.expired': (d) => 'EXPIRED since ' + d,
      'set.moved': 'Saved. The page now lives at ', 'set.restart': 'Saved. Changes apply to the next model load.',
      'set.country': 'Country of your electricity (for the CO2e of each answer)', 'set.country.auto': 'the system’s country',
      'energy.measured': 'measured', 'energy.estimated': 'estimated', 'energy.partly': 'partly measured', 'energy.title': 'Energy', 'energy.conv': 'This conversation: ',
      'energy.answers': (n) => n + (n === 1 ? ' answer' : ' answers'), 'energy.today': 'Today: ', 'energy.month': 'This month: ',
      'energy.days': 'Last 31 days', 'energy.months': 'Last 12 months', 'energy.none': 'No answer measured yet.',
      'energy.grid': (g) => 'grid of ' + g.country_name + ': ' + num(g.grid_g_per_kwh, 0) + ' g CO2e per kWh (' + g.grid_source + ')',
      'tab.chat': 'Chat', 'tab.machine': 'Machine', 'tab.catalog': 'Catalog', 'tab.library': 'Library', lang: 'Language',
      key: 'API key', conversations: 'Conversations', model: 'Model', preset: 'Preset', none: '—', system: 'System prompt',
      new: 'New conversation', pick: 'Choose a model, then write your first message', message: 'Message',
      placeholder: 'Write a message (Enter sends, Shift+Enter adds a line)', send: 'Send', stop: 'Stop',
      starter: 'Starter list', search: 'Search models', searchBtn: 'Search', downloads: 'Downloads', loaded: 'Loaded models',
      load: 'Load', unload: 'Unload', remove: 'Remove', download: 'Download', cancel: 'Cancel', delete: 'Delete',
      FITS: 'fits', PARTLY_FITS: 'partly fits', TOO_LARGE: 'too large', UNKNOWN: 'not judged', UNSUPPORTED: 'cannot load here',
      tier: 'Tier', tryFirst: 'Try first', why: 'Why', tasks: 'Good for', cpu: 'Processor', ram: 'Memory', gpu: 'Graphics',
      disk: 'Free disk', os: 'System', noModels: 'No model yet: pick one in the list above (it loads), or download one in the Catalog tab.', empty: 'Nothing here yet.',
      tokens: 'tokens', trimmed: 'Older messages left out to fit the context: ', docsLeftOut: 'No room for your documents in this model’s context window: this answer was written without them. A model with a larger window, a shorter question or a new conversation makes room.', confirmDelete: 'Delete this conversation for good?',
      confirmRemove: 'Remove this model from the library (the file is deleted)?',
      keyNeeded: 'This server needs an API key: enter it at the top right.', loading: 'Loading the model… (this can take a minute)', cut: 'stopped before the end',
      chooseModel: 'Choose a model…', libraryGroup: 'In the library (loads when chosen)', loadedGroup: 'Loaded',
      loadedNow: 'Model loaded: write your message.', copy: 'Copy', copied: 'Copied', thinking: 'Reasoning (click to show)', thinkingNow: 'Reasoning…',
      regenerate: 'Ask again', edit: 'Edit and resend', rename: 'Rename', renameAsk: 'New name of the conversation:', exportMd: 'Export (Markdown)',
      exportJson: 'Export (JSON)', searchConv: 'Search the conversations', settings: 'Conversation settings', temperature: 'Temperature',
      context: 'Context length (tokens, applies at next load)', save: 'Save', saved: 'Saved.', noHits: 'No conversation matches.',
      st: { QUEUED: 'waiting', CONNECTING: 'connecting', DOWNLOADING: 'downloading', RETRYING: 'retrying', VERIFYING: 'checking the file',
        COMPLETED: 'done', FAILED: 'failed', CANCELLED: 'paused' },
      fin: { STOP: 'finished', LENGTH: 'stopped at the length limit', CANCELLED: 'stopped', CONTEXT_FULL: 'stopped: the context is full', TOOL_CALLS: 'asked for a tool', ERROR: 'failed' },
      pause: 'Pause', resume: 'Resume', retry: 'Retry', failedWhy: 'The download failed: ',
      statsWords: (s) => s.generatedTokens + ' tokens in ' + secs(s.totalMs) + ' (' + num(s.tokensPerSecond, 1) + ' tokens per second), first word after ' + secs(s.timeToFirstTokenMs),
      gb: 'GB', mb: 'MB', ofDisk: 'free on disk', firstRun: 'Welcome! Let’s get a first model', firstRunText: 'This computer:',
      recommended: 'Models that fit this computer, light ones first:', getIt: 'Download, load and chat', ram2: 'memory', noGpu: 'no graphics card used',
      offline: 'The model hub cannot be reached (no internet?). You can use a model file already on this computer:',
      importPath: 'Path of a .gguf file', importBtn: 'Import', scanBtn: 'Look in LM Studio, Ollama and Hugging Face folders',
      engine: { llamacpp: 'llama.cpp', 'llamacpp-classic': 'llama.cpp (classic)', onnx: 'ONNX Runtime' },
      ctxWords: (n) => 'context of ' + n + ' tokens', tryBtn: 'Find it in the catalog', downloadsFirst: 'Downloading… then it loads and the chat opens.' },
    fr: { 'tab.settings': 'Réglages', 'set.port': 'Port de la page et de l’API', 'set.threads': 'Fils du processeur (0 : automatique)',
      'set.gpu': 'Carte graphique', 'set.gpu.auto': 'l’utiliser quand le modèle y tient', 'set.gpu.off': 'ne pas l’utiliser',
      'set.idle': 'Décharger un modèle inutilisé après (minutes, 0 : jamais)', 'set.folder': 'Dossier des modèles', 'set.folder.hint': 'Les téléchargements y vont ; les modèles déjà dans l’ancien dossier y restent.', 'set.lan': 'Accès depuis le réseau local',
      'set.risk': 'Désactivé, seul cet ordinateur atteint Terroir. Activé, tous les appareils de votre réseau local (Wi-Fi de la maison ou du bureau) peuvent l’atteindre : sans clé, n’importe qui pourrait y utiliser vos modèles et lire vos conversations par l’API. Créez d’abord une clé et ne la donnez qu’aux personnes de confiance.',
      'set.lanOn': 'Laisser les autres appareils du réseau local utiliser ce serveur (avec une clé)', 'set.keyLabel': 'Nom de la clé (qui l’utilise)',
      'set.keyCreate': 'Créer une clé', 'set.secret': 'La clé (copiez-la maintenant, elle n’est montrée qu’une fois) : ', 'set.revoke': 'Révoquer',
      'set.members': 'Membres et clés', 'set.members.help': 'Une clé par membre (une personne ou un programme). Les limites sont facultatives : requêtes par minute, jetons par jour (question et réponse, comptés depuis minuit), requêtes à la fois, dernier jour. Un membre au-delà d’une limite reçoit une réponse 429 qui dit quand revenir.',
      'set.k.rpm': 'requêtes/min', 'set.k.tpd': 'jetons/jour', 'set.k.conc': 'à la fois', 'set.k.expires': 'expire le (facultatif)',
      'set.k.use': (k) => k.requests + ' requête(s) · ' + k.promptTokens + ' + ' + k.completionTokens + ' jetons · aujourd’hui ' + k.tokensToday + (k.tokensPerDay ? '/' + k.tokensPerDay : '') + ' · ≈ ' + num(k.energyWh, 2) + ' Wh' + (k.lastUsed ? ' · dernier usage ' + new Date(k.lastUsed).toLocaleString('fr-FR') : ' · jamais utilisée'),
      'set.k.limits': (k) => (k.rpm || k.tokensPerDay || k.maxConcurrent) ? 'limites : ' + [k.rpm ? k.rpm + '/min' : '', k.tokensPerDay ? k.tokensPerDay + ' jetons/jour' : '', k.maxConcurrent ? k.maxConcurrent + ' à la fois' : ''].filter(Boolean).join(', ') : 'sans limite',
      'set.k.expires.on': (d) => 'expire le ' + d, 'set.k.expired': (d) => 'EXPIRÉE depuis le ' + d,
      'set.moved': 'Enregistré. La page est maintenant à l’adresse ', 'set.restart': 'Enregistré. Les changements s’appliquent au prochain chargement de modèle.',
      'set.country': 'Pays de votre électricité (pour le CO2e de chaque réponse)', 'set.country.auto': 'le pays du système',
      'energy.measured': 'mesuré', 'energy.estimated': 'estimé', 'energy.partly': 'mesuré en partie', 'energy.title': 'Énergie', 'energy.conv': 'Cette conversation : ',
      'energy.answers': (n) => n + (n === 1 ? ' réponse' : ' réponses'), 'energy.today': 'Aujourd’hui : ', 'energy.month': 'Ce mois-ci : ',
      'energy.days': '31 derniers jours', 'energy.months': '12 derniers mois', 'energy.none': 'Aucune réponse mesurée pour l’instant.',
      'energy.grid': (g) => 'réseau : ' + g.country_name + ', ' + num(g.grid_g_per_kwh, 0) + ' g CO2e par kWh (' + g.grid_source + ')',
      'tab.chat': 'Discussion', 'tab.machine': 'Machine', 'tab.catalog': 'Catalogue', 'tab.library': 'Bibliothèque', lang: 'Langue',
      key: 'Clé d’API', conversations: 'Conversations', model: 'Modèle', preset: 'Préréglage', none: '—', system: 'Invite système',
      new: 'Nouvelle conversation', pick: 'Choisissez un modèle, puis écrivez votre premier message', message: 'Message',
      placeholder: 'Écrivez un message (Entrée envoie, Maj+Entrée ajoute une ligne)', send: 'Envoyer', stop: 'Arrêter',
      starter: 'Liste de départ', search: 'Chercher des modèles', searchBtn: 'Chercher', downloads: 'Téléchargements', loaded: 'Modèles chargés',
      load: 'Charger', unload: 'Décharger', remove: 'Retirer', download: 'Télécharger', cancel: 'Annuler', delete: 'Supprimer',
      FITS: 'tient', PARTLY_FITS: 'tient en partie', TOO_LARGE: 'trop grand', UNKNOWN: 'non évalué', UNSUPPORTED: 'non chargeable ici',
      tier: 'Niveau', tryFirst: 'À essayer d’abord', why: 'Pourquoi', tasks: 'Bon pour', cpu: 'Processeur', ram: 'Mémoire', gpu: 'Carte graphique',
      disk: 'Disque libre', os: 'Système', noModels: 'Pas encore de modèle : choisissez-en un dans la liste ci-dessus (il se charge), ou téléchargez-en un dans l’onglet Catalogue.', empty: 'Rien pour l’instant.',
      tokens: 'jetons', trimmed: 'Anciens messages laissés de côté pour tenir dans le contexte : ', docsLeftOut: 'Pas de place pour vos documents dans la fenêtre de contexte de ce modèle : cette réponse a été écrite sans eux. Un modèle à plus grande fenêtre, une question plus courte ou une nouvelle conversation fait de la place.', confirmDelete: 'Supprimer cette conversation pour de bon ?',
      confirmRemove: 'Retirer ce modèle de la bibliothèque (le fichier est effacé) ?',
      keyNeeded: 'Ce serveur demande une clé d’API : saisissez-la en haut à droite.', loading: 'Chargement du modèle… (cela peut prendre une minute)', cut: 'arrêtée avant la fin',
      chooseModel: 'Choisissez un modèle…', libraryGroup: 'Dans la bibliothèque (se charge quand on le choisit)', loadedGroup: 'Chargés',
      loadedNow: 'Modèle chargé : écrivez votre message.', copy: 'Copier', copied: 'Copié', thinking: 'Raisonnement (cliquez pour l’afficher)', thinkingNow: 'Raisonnement…',
      regenerate: 'Redemander', edit: 'Modifier et renvoyer', rename: 'Renommer', renameAsk: 'Nouveau nom de la conversation :', exportMd: 'Exporter (Markdown)',
      exportJson: 'Exporter (JSON)', searchConv: 'Chercher dans les conversations', settings: 'Réglages de la conversation', temperature: 'Température',
      context: 'Longueur du contexte (jetons, au prochain chargement)', save: 'Enregistrer', saved: 'Enregistré.', noHits: 'Aucune conversation ne correspond.',
      st: { QUEUED: 'en attente', CONNECTING: 'connexion', DOWNLOADING: 'téléchargement', RETRYING: 'nouvel essai', VERIFYING: 'vérification du fichier',
        COMPLETED: 'terminé', FAILED: 'échec', CANCELLED: 'en pause' },
      fin: { STOP: 'terminée', LENGTH: 'arrêtée à la longueur maximale', CANCELLED: 'arrêtée', CONTEXT_FULL: 'arrêtée : le contexte est plein', TOOL_CALLS: 'demande un outil', ERROR: 'échec' },
      pause: 'Pause', resume: 'Reprendre', retry: 'Réessayer', failedWhy: 'Le téléchargement a échoué : ',
      statsWords: (s) => s.generatedTokens + ' jetons en ' + secs(s.totalMs) + ' (' + num(s.tokensPerSecond, 1) + ' jetons par seconde), premier mot après ' + secs(s.timeToFirstTokenMs),
      gb: 'Go', mb: 'Mo', ofDisk: 'libres sur le disque', firstRun: 'Bienvenue ! Installons un premier modèle', firstRunText: 'Cet ordinateur :',
      recommended: 'Modèles adaptés à cet ordinateur, les plus légers d’abord :', getIt: 'Télécharger, charger et discuter', ram2: 'de mémoire', noGpu: 'pas de carte graphique utilisée',
      offline: 'Le dépôt de modèles est injoignable (pas d’internet ?). Vous pouvez utiliser un fichier de modèle déjà sur cet ordinateur :',
      importPath: 'Chemin d’un fichier .gguf', importBtn: 'Importer', scanBtn: 'Chercher dans les dossiers de LM Studio, Ollama et Hugging Face',
      engine: { llamacpp: 'llama.cpp', 'llamacpp-classic': 'llama.cpp (classique)', onnx: 'ONNX Runtime' },
      ctxWords: (n) => 'contexte de ' + n + ' jetons', tryBtn: 'Le trouver dans le catalogue', downloadsFirst: 'Téléchargement… ensuite il se charge et la discussion s’ouvre.' }
  };
  const $ = (s) => document.querySelector(s);
  const state = { lang: localStorage.getItem('terroir.lang') || (navigator.language.startsWith('fr') ? 'fr' : 'en'),
    conv: localStorage.getItem('terroir.conv'), turn: null, view: localStorage.getItem('terroir.view') || 'chat', loaded: [], library: [], wanted: {} };
  // The page's other scripts (presets.js, documents.js) add views and hooks: message(li, storedMessage) under each
  // answer shown, open(conversationId) when a conversation is opened.
  const views = {}; const hooks = { message: [], open: [] };
  const t = (k) => (T[state.lang] && T[state.lang][k] !== undefined ? T[state.lang][k] : T.en[k] !== undefined ? T.en[k] : k);
  const word = (group, k) => (t(group) && t(group)[k]) || String(k || '').toLowerCase().replace(/_/g, ' ');
  const el = (tag, props = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
    }
    children.flat().forEach((c) => e.append(c instanceof Node ? c : document.createTextNode(String(c))));
    return e;
  };
  // One unit convention: decimal gigabytes (GB / Go), written the reader's way (a decimal comma in French).
  const num = (n, d) => Number(n || 0).toLocaleString(state.lang === 'fr' ? 'fr-FR' : 'en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  const size = (b) => b === undefined || b === null || b < 0 ? '?' : b >= 1e9 ? num(b / 1e9, 1) + ' ' + t('gb') : num(b / 1e6, 0) + ' ' + t('mb');
  const secs = (ms) => ms >= 1000 ? num(ms / 1000, 1) + ' s' : Math.round(ms || 0) + ' ms';
  const notice = (text) => { $('#notice').textContent = text || ''; };
  // --- Markdown, safely: every character of the answer is escaped first; only the few constructs below become tags,
  // links only for http(s) addresses. A <script> in an answer stays text.
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  function inline(s) {
    // s is escaped already
    const codes = [];
    s = s.replace(/`([^`]+)`/g, (m, c) => { codes.push(c); return '\u0000' + (codes.length - 1) + '\u0000'; });
    s = s.replace(/\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g, (m, label, url) => '<a href="' + url + '" target="_blank" rel="noopener noreferrer nofollow">' + label + '</a>');
    s = s.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>').replace(/__([^_]+)__/g, '<strong>$1</strong>');
    s = s.replace(/(^|[^*])\*([^*\s][^*]*)\*/g, '$1<em>$2</em>').replace(/(^|\W)_([^_\s][^_]*)_(?=\W|$)/g, '$1<em>$2</em>');
    return s.replace(/\u0000(\d+)\u0000/g, (m, i) => '<code>' + codes[Number(i)] + '</code>');
  }
  function markdown(text) {
    const lines = esc(text).split('\n'); const out = []; let i = 0;
    const cells = (l) => l.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
    while (i < lines.length) {
      const line = lines[i];
      const fence = line.match(/^\s*```\s*([\w+-]*)\s*$/);
      if (fence) {
        const body = []; i++;
        while (i < lines.length && !/^\s*```\s*$/.test(lines[i])) body.push(lines[i++]);
        i++;
        out.push('<div class="code"><button type="button" class="copy" data-copy="1"></button><pre><code' + (fence[1] ? ' data-lang="' + fence[1] + '"' : '') + '>' + body.join('\n') + '</code></pre></div>');
        continue;
      }
      if (/^\s*\|.*\|\s*$/.test(line) && i + 1 < lines.length && /^\s*\|?\s*:?-{2,}/.test(lines[i + 1])) {
        const head = cells(line); i += 2; const rows = [];
        while (i < lines.length && /^\s*\|.*\|\s*$/.test(lines[i])) rows.push(cells(lines[i++]));
        out.push('<table><thead><tr>' + head.map((c) => '<th>' + inline(c) + '</th>').join('') + '</tr></thead><tbody>'
          + rows.map((r) => '<tr>' + r.map((c) => '<td>' + inline(c) + '</td>').join('') + '</tr>').join('') + '</tbody></table>');
        continue;
      }
      const heading = line.match(/^(#{1,6})\s+(.*)$/);
      if (heading) { const n = Math.min(6, heading[1].length + 2); out.push('<h' + n + '>' + inline(heading[2]) + '</h' + n + '>'); i++; continue; }
      if (/^\s*([-*+]|\d+[.)])\s+/.test(line)) {
        const ordered = /^\s*\d/.test(line); const items = [];
        while (i < lines.length && /^\s*([-*+]|\d+[.)])\s+/.test(lines[i])) items.push(lines[i++].replace(/^\s*([-*+]|\d+[.)])\s+/, ''));
        const tag = ordered ? 'ol' : 'ul';
        out.push('<' + tag + '>' + items.map((x) => '<li>' + inline(x) + '</li>').join('') + '</' + tag + '>');
        continue;
      }
      if (/^&gt;\s?/.test(line)) {
        const quote = [];
        while (i < lines.length && /^&gt;\s?/.test(lines[i])) quote.push(lines[i++].replace(/^&gt;\s?/, ''));
        out.push('<blockquote>' + quote.map(inline).join('<br>') + '</blockquote>');
        continue;
      }
      if (!line.trim()) { i++; continue; }
      const para = [];
      while (i < lines.length && lines[i].trim() && !/^\s*```/.test(lines[i]) && !/^(#{1,6})\s/.test(lines[i])
        && !/^\s*([-*+]|\d+[.)])\s+/.test(lines[i]) && !/^\s*\|.*\|\s*$/.test(lines[i])) para.push(lines[i++]);
      if (!para.length) { out.push('<p>' + inline(lines[i++]) + '</p>'); continue; }
      out.push('<p>' + para.map(inline).join('<br>') + '</p>');
    }
    return out.join('');
  }
  /** An answer: its <think>…</think> parts in a collapsed box, the rest as Markdown. */
  function renderAnswer(node, text) {
    node.replaceChildren();
    let rest = text || '';
    for (;;) {
      const open = rest.indexOf('<think>');
      if (open < 0) break;
      const close = rest.indexOf('</think>', open);
      const before = rest.slice(0, open);
      if (before.trim()) node.append(mdNode(before));
      const thought = rest.slice(open + 7, close < 0 ? rest.length : close);
      const box = el('details', { class: 'thinking' }, el('summary', { text: close < 0 ? t('thinkingNow') : t('thinking') }), mdNode(thought));
      node.append(box);
      rest = close < 0 ? '' : rest.slice(close + 8);
    }
    if (rest.trim() || !node.childNodes.length) node.append(mdNode(rest));
  }
  function mdNode(text) {
    const d = el('div', { class: 'md' });
    d.innerHTML = markdown(text); // safe: markdown() escapes every character of the text before adding its own tags
    d.querySelectorAll('button.copy').forEach((b) => {
      b.textContent = t('copy');
      b.addEventListener('click', () => { const code = b.parentNode.querySelector('code').textContent;
        (navigator.clipboard ? navigator.clipboard.writeText(code) : Promise.reject()).then(() => { b.textContent = t('copied'); },
          () => { const r = document.createRange(); r.selectNodeContents(b.parentNode.querySelector('code'));
            const s = getSelection(); s.removeAllRanges(); s.addRange(r); }); });
    });
    return d;
  }

  // POSTs to one of the page's streamed calls and hands each server-sent event to onEvent(name, data) as it arrives;
  // a refusal before the stream (busy, no model) throws its message.
  async function events(path, body, signal, onEvent) {
    const r = await fetch(path, { method: 'POST', headers: headers(true), body: JSON.stringify(body), signal });
    if (!r.ok) { const d = await r.json(); throw new Error(d.error ? d.error.message : r.statusText); }
    const reader = r.body.getReader(); const decoder = new TextDecoder(); let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut); buffer = buffer.slice(cut + 2);
        onEvent((block.match(/^event: (.*)$/m) || [])[1], JSON.parse((block.match(/^data: (.*)$/m) || [])[1] || 'null'));
      }
    }
  }
  function headers(json) {
    // The page's secret travels in its cookie; this header, which another site's page cannot send, says that the call
    // comes from the page's own scripts. Accept-Language carries the page's language as well as ?lang=.
    const h = { 'X-Terroir-Page': '1', 'Accept-Language': state.lang };
    if (json) h['Content-Type'] = 'application/json';
    const key = $('#api-key').value || localStorage.getItem('terroir.key');
    if (key) h['Authorization'] = 'Bearer ' + key;
    return h;
  }
  async function api(path, body, method, raw) {
    const r = await fetch('/api/' + path + (path.includes('?') ? '&' : '?') + 'lang=' + state.lang, {
      method: method || (body === undefined ? 'GET' : 'POST'), headers: headers(body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body) });
    if (raw && r.ok) return r.text();
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
    const refresh = ({ chat: refreshChat, machine: refreshMachine, catalog: refreshCatalog, library: refreshLibrary, settings: refreshSettings })[view] || views[view];
    if (refresh) refresh();
  }
  const engine = (id) => word('engine', id) === String(id).toLowerCase() ? id : word('engine', id);

  // --- machine
  const machineWords = (p) => {
    const gpus = (p.gpus || []).map((g) => g.name + (g.memory && g.memory.value > 0 ? ' (' + size(g.memory.value) + ')' : ''));
    return size(p.ramTotal.value) + ' ' + t('ram2') + ' · ' + (gpus.length ? gpus.join(', ') : t('noGpu')) + ' · '
      + size(p.diskFree.value) + ' ' + t('ofDisk');
  };
  const refreshMachine = guard(async () => {
    const m = await api('machine'); const p = m.profile; const a = m.advice;
    const gpus = (p.gpus || []).map((g) => g.name).join(', ') || t('noGpu');
    $('#machine').replaceChildren(el('p', { class: 'plain', text: machineWords(p) }), el('dl', {},
      el('dt', { text: t('tier') }), el('dd', { text: a.modelSizes + ' — ' + a.hardware }),
      el('dt', { text: t('tryFirst') }), el('dd', {}, el('button', { id: 'try-first', text: a.tryFirst + ' — ' + t('tryBtn'), onclick: () => {
        $('#catalog-id').value = 'huggingface'; $('#search-text').value = firstModelName(a.tryFirst); show('catalog'); } })),
      el('dt', { text: t('tasks') }), el('dd', { text: (a.tasks || []).join(', ') }),
      el('dt', { text: t('why') }), el('dd', { text: a.why }),
      el('dt', { text: t('os') }), el('dd', { text: p.os }),
      el('dt', { text: t('cpu') }), el('dd', { text: p.cpuModel }),
      el('dt', { text: t('ram') }), el('dd', { text: size(p.ramTotal.value) }),
      el('dt', { text: t('gpu') }), el('dd', { text: gpus }),
      el('dt', { text: t('disk') }), el('dd', { text: size(p.diskFree.value) })));
  });

  // --- catalog and downloads
  const order = { FITS: 0, PARTLY_FITS: 1, UNKNOWN: 2, TOO_LARGE: 3, UNSUPPORTED: 4 };
  const ggufs = (e) => (e.files || []).filter((f) => f.name.toLowerCase().endsWith('.gguf'));
  async function startDownload(repo, file, then) {
    if (then) state.wanted[repo + '/' + file] = then;
    await api('downloads', { repo, file }); refreshDownloads();
  }
  const refreshCatalog = guard(async () => {
    const words = $('#search-text').value.trim();
    const page = await api('catalog?catalog=' + encodeURIComponent($('#catalog-id').value) + '&q=' + encodeURIComponent(words));
    // The words typed are used: a list that does not filter them itself is filtered here.
    const terms = words.toLowerCase().split(/\s+/).filter(Boolean);
    const entries = page.entries.filter((e) => terms.every((w) => (e.repo + ' ' + (e.description || '')).toLowerCase().includes(w)))
      .sort((x, y) => order[x.fit] - order[y.fit]);
    $('#catalog-list').replaceChildren(...(entries.length ? entries.map((e) => el('li', {},
      el('strong', { text: e.repo }), ' ', el('span', { class: 'badge ' + e.fit, text: t(e.fit) }),
      el('p', { text: e.description || '' }),
      el('ul', {}, ggufs(e).slice(0, 6).map((f) => el('li', {},
        f.name + ' · ' + size(f.sizeBytes) + ' ', el('span', { class: 'badge ' + f.fit, text: t(f.fit), title: f.fitDetail || '' }), ' ',
        el('button', { text: t('download'), onclick: guard(() => startDownload(e.repo, f.name)) })))))) : [el('li', { text: t('empty') })]));
    refreshDownloads();
  });
  const downloadItem = (d) => {
    const running = !['COMPLETED', 'FAILED', 'CANCELLED'].includes(d.state);
    const again = el('button', { class: d.state === 'FAILED' ? 'retry' : 'resume', text: d.state === 'FAILED' ? t('retry') : t('resume'),
      onclick: guard(() => startDownload(d.repo, d.file)) });
    const remove = el('button', { class: 'remove', text: t('remove'), onclick: guard(async () => { await api('downloads-remove', { repo: d.repo, file: d.file }); refreshDownloads(); }) });
    return el('li', { 'data-file': d.file, 'data-state': d.state },
      el('strong', { text: d.file }), ' — ' + word('st', d.state) + ' · ' + size(d.bytes) + ' / ' + size(d.total),
      d.state === 'FAILED' ? el('p', { class: 'why', text: t('failedWhy') + (d.message || '?') }) : '',
      el('progress', { max: '1', value: String(Math.max(0, d.fraction !== undefined && d.fraction >= 0 ? d.fraction : (d.total > 0 ? d.bytes / d.total : 0))) }),
      running ? el('button', { class: 'pause', text: t('pause'), onclick: guard(async () => { await api('downloads-cancel', { repo: d.repo, file: d.file }); refreshDownloads(); }) }) : '',
      d.state === 'FAILED' || d.state === 'CANCELLED' ? [again, ' ', remove] : '');
  };
  const refreshDownloads = guard(async () => {
    const list = await api('downloads');
    // Redrawn only when something changed (a button under the pointer stays the same button).
    const seen = JSON.stringify(list) + state.lang;
    if (seen !== state.dlSeen || !$('#download-list').childElementCount) {
      state.dlSeen = seen;
      $('#download-list').replaceChildren(...list.map(downloadItem));
      if ($('#firstrun-downloads')) $('#firstrun-downloads').replaceChildren(...list.map(downloadItem));
    }
    for (const d of list) {
      const then = state.wanted[d.repo + '/' + d.file];
      if (then && d.state === 'COMPLETED') { delete state.wanted[d.repo + '/' + d.file]; then(d); }
    }
    if (list.some((d) => !['COMPLETED', 'FAILED', 'CANCELLED'].includes(d.state))) {
      clearTimeout(state.dlTimer); state.dlTimer = setTimeout(refreshDownloads, 700);
    }
  });

  // --- library and loaded models
  const loadedWords = (m) => engine(m.backendId) + (m.descriptor && m.descriptor.properties && m.descriptor.properties.device
    ? ' · ' + m.descriptor.properties.device : '') + ' · ' + t('ctxWords')(m.contextLength);
  const refreshLibrary = guard(async () => {
    const [loaded, library] = await Promise.all([api('models'), api('library')]);
    $('#loaded-list').replaceChildren(...(loaded.length ? loaded.map((m) => el('li', {}, el('strong', { text: m.id }),
      ' · ' + loadedWords(m) + ' ',
      el('button', { text: t('unload'), onclick: guard(async () => { await api('models-unload', { id: m.id }); refreshLibrary(); }) })))
      : [el('li', { text: t('empty') })]));
    $('#library-list').replaceChildren(...(library.length ? library.map((m) => el('li', { 'data-name': m.name }, el('strong', { text: m.name }),
      ' · ' + (m.source === 'REMOTE' ? t('remoteTag') : size(m.sizeBytes)) + (m.quantization ? ' · ' + m.quantization : '') + ' ',
      el('button', { class: 'load', text: t('load'), onclick: guard(async (ev) => { ev.target.disabled = true; ev.target.textContent = t('loading');
        const stop = watchLoad((...parts) => { ev.target.replaceChildren(t('loading') + ' ', ...parts); });
        try { await api('models-load', { ref: m.name }); } finally { stop(); refreshLibrary(); } }) }), ' ',
      m.source === 'TERROIR' || !m.source ? el('button', { text: t('remove'), onclick: guard(async () => {
        if (confirm(t('confirmRemove') + ' ' + m.name)) { await api('library-remove', { ref: m.name }); refreshLibrary(); } }) }) : ''))
      : [el('li', { text: t('empty') })]));
  });

  // The first model name in an advice ("Start under 4 GB: Gemma-3-4B-it Q4_K_M …" → "Gemma-3-4B-it"): a word with
  // a letter, a dash and a digit, as model names are; else the advice's first word.
  function firstModelName(advice) {
    const text = String(advice || '');
    return (text.match(/[A-Za-z][\w.]*-[\w.-]*\d[\w.-]*/) || [text.split(/\s+/)[0]])[0];
  }

  // --- settings: the platform's configuration, kept across restarts (data/settings; port and LAN in conf/)
  const refreshSettings = guard(async () => {
    const s = await api('settings');
    $('#set-lang').value = state.lang; $('#set-port').value = s.port; $('#set-threads').value = s.threads;
    $('#set-gpu').value = s.gpu === 'off' ? 'off' : 'auto'; $('#set-idle').value = s.idleUnloadMinutes;
    $('#set-folder').value = s.modelsFolder || ''; $('#set-lan').checked = !!s.lanAccess;
    const energy = await api('energy').catch(() => ({}));
    $('#set-country').replaceChildren(el('option', { value: '', text: t('set.country.auto') }),
      ...(energy.countries || []).map((c) => el('option', { value: c.code, text: c.name + ' · ' + num(c.grid_g_per_kwh, 0) + ' g/kWh' })));
    $('#set-country').value = s.country || '';
    $('#key-list').replaceChildren(...(s.keys || []).map((k) => el('li', { 'data-id': k.id, class: k.expired ? 'expired' : '' },
      el('strong', { text: k.label }), ' (' + k.hint + ') · ' + (k.expires ? t(k.expired ? 'set.k.expired' : 'set.k.expires.on')(k.expires) + ' · ' : '') + t('set.k.limits')(k) + ' ',
      el('button', { type: 'button', text: t('set.revoke'), onclick: guard(async () => { await api('keys-revoke', { id: k.id }); refreshSettings(); }) }),
      el('div', { class: 'usage', text: t('set.k.use')(k) }))));
  });
  $('#key-create').addEventListener('click', guard(async () => {
    const label = $('#key-label').value.trim() || 'page';
    const body = { label };
    for (const [field, id] of [['rpm', '#key-rpm'], ['tokensPerDay', '#key-tpd'], ['maxConcurrent', '#key-conc']]) {
      if ($(id).value !== '') body[field] = Number($(id).value);
    }
    if ($('#key-expires').value) body.expires = $('#key-expires').value;
    const created = await api('keys-create', body);
    $('#key-secret').textContent = t('set.secret') + created.secret;
    for (const id of ['#key-label', '#key-rpm', '#key-tpd', '#key-conc', '#key-expires']) $(id).value = '';
    await refreshSettings();
  }));
  $('#settings-form').addEventListener('submit', guard(async (e) => {
    e.preventDefault();
    if ($('#set-lang').value !== state.lang) { state.lang = $('#set-lang').value; state.langChosen = true; localStorage.setItem('terroir.lang', state.lang); translate(); }
    const before = await api('settings');
    const body = { threads: Number($('#set-threads').value), gpu: $('#set-gpu').value, idleUnloadMinutes: Number($('#set-idle').value),
      lanAccess: $('#set-lan').checked, port: Number($('#set-port').value),
      modelsFolder: $('#set-folder').value.trim() !== (before.modelsFolder || '') ? $('#set-folder').value.trim() : undefined,
      language: before.language !== state.lang ? state.lang : undefined,
      // Without the table (no hardware bundle) the chooser holds only its first choice: then leave the country as it is.
      country: $('#set-country').options.length > 1 ? $('#set-country').value : undefined };
    await api('settings', body);
    if (body.port !== before.port) { notice(t('set.moved') + location.protocol + '//' + location.hostname + ':' + body.port + '/'); return; }
    await refreshSettings(); notice(t('set.restart'));
  }));

  // --- first run: nothing in the library yet
  async function firstRun() {
    const box = $('#firstrun');
    const [m, starter] = await Promise.all([api('machine'), api('catalog?catalog=starter').catch(() => null)]);
    let hub = true; let hubError = '';
    try { await api('catalog?catalog=huggingface&q=gguf'); } catch (e) { hub = false; hubError = e.message; }
    const picks = [];
    for (const e of (starter ? starter.entries : []).filter((x) => !x.kind || x.kind === 'CHAT')) {
      for (const f of ggufs(e)) if (f.fit === 'FITS' && (!e.recommendedFile || e.recommendedFile === f.name)) picks.push({ e, f });
    }
    picks.sort((x, y) => x.f.sizeBytes - y.f.sizeBytes);
    const a = m.advice;
    box.replaceChildren(el('h2', { text: t('firstRun') }),
      el('p', {}, el('strong', { text: t('firstRunText') + ' ' }), machineWords(m.profile)),
      el('p', { text: t('tier') + (state.lang === 'fr' ? ' : ' : ': ') + a.modelSizes + ' — ' + a.hardware }),
      hub ? '' : el('p', { class: 'offline', text: t('offline') + (hubError ? ' (' + hubError + ')' : '') }),
      el('p', { text: t('recommended') }),
      el('ul', { class: 'cards', id: 'firstrun-picks' }, picks.slice(0, 3).map(({ e, f }) => el('li', {},
        el('strong', { text: e.repo }), el('p', { text: (e.description || '') }),
        el('p', { text: f.name + ' · ' + size(f.sizeBytes) + ' · ' + size(m.profile.diskFree.value) + ' ' + t('ofDisk') }),
        el('button', { class: 'get', text: t('getIt'), onclick: guard(async (ev) => { ev.target.disabled = true; notice(t('downloadsFirst'));
          await startDownload(e.repo, f.name, guard(async () => { const lib = await api('library');
            const got = lib.find((x) => x.repo === e.repo && x.file === f.name) || lib[0];
            if (got) await chooseModel(got.name); })); }) })))),
      el('ul', { id: 'firstrun-downloads' }),
      el('form', { id: 'import-form', class: 'row', onsubmit: guard(async (ev) => { ev.preventDefault();
        await api('library-import', { path: $('#import-path').value }); refreshChat(); }) },
        el('input', { id: 'import-path', placeholder: t('importPath') }), el('button', { type: 'submit', text: t('importBtn') })),
      el('button', { id: 'scan', text: t('scanBtn'), onclick: guard(async () => { await api('library-scan', {}); refreshChat(); }) }));
    box.hidden = false;
    state.dlSeen = null;
    refreshDownloads();
  }

  // While a model loads, how far along it is, in a bar and a percentage (today's llama.cpp engine tells it; a backend
  // that cannot shows the words alone). Loads run one at a time, so the first one listed is this one.
  function watchLoad(show) {
    const timer = setInterval(async () => {
      const l = (await api('models-loading').catch(() => []))[0];
      if (l && l.progress >= 0) {
        const pct = Math.round(l.progress * 100);
        show(el('progress', { class: 'load-progress', max: '100', value: String(pct) }), ' ' + pct + (state.lang === 'fr' ? '\u202f%' : '%'));
      }
    }, 300);
    return () => clearInterval(timer);
  }

  // --- chat
  async function chooseModel(ref) {
    // A library model loads when chosen; a loaded one is used as it is.
    if (!ref) return;
    if (!state.loaded.some((m) => m.id === ref)) {
      const lib = state.library.find((m) => m.name === ref) || { name: ref };
      $('#model-state').textContent = t('loading'); $('#model-select').disabled = true; $('#send').disabled = true;
      try {
        const body = { ref: lib.name };
        const ctx = Number($('#context-length').value);
        if (ctx > 0) body.contextLength = ctx;
        const stop = watchLoad((...parts) => $('#model-state').replaceChildren(t('loading') + ' ', ...parts));
        try { state.loaded = await api('models-load', body); } finally { stop(); }
      } finally { $('#model-select').disabled = false; $('#send').disabled = false; $('#model-state').textContent = ''; }
      const m = state.loaded.find((x) => x.descriptor && x.descriptor.path && x.descriptor.path.endsWith(lib.file || '\u0000')) || state.loaded[state.loaded.length - 1];
      ref = m ? m.id : ref;
      $('#model-state').textContent = t('loadedNow');
    }
    localStorage.setItem('terroir.model', ref);
    if (state.view !== 'chat') show('chat'); else await refreshChat();
    $('#model-select').value = ref;
    if (state.conv) await api('conversations/' + state.conv + '/update', { modelRef: ref }).catch(() => {});
    $('#prompt').focus();
  }
  const refreshChat = guard(async () => {
    const [loaded, library, presets, convs] = await Promise.all([api('models'), api('library').catch(() => []), api('presets').catch(() => []), api('conversations')]);
    state.loaded = loaded; state.library = library; state.presets = presets;
    refreshEnergy();
    const loadedFiles = new Set(loaded.map((m) => m.descriptor && m.descriptor.path));
    const select = $('#model-select'); const previous = select.value || localStorage.getItem('terroir.model');
    const others = library.filter((m) => !loadedFiles.has(m.path));
    select.replaceChildren(el('option', { value: '', text: t('chooseModel') }),
      loaded.length ? el('optgroup', { label: t('loadedGroup') }, loaded.map((m) => el('option', { value: m.id, text: m.id + ' · ' + loadedWords(m) }))) : '',
      others.length ? el('optgroup', { label: t('libraryGroup') }, others.map((m) => el('option', { value: m.name, text: m.name + ' · ' + (m.source === 'REMOTE' ? t('remoteTag') : size(m.sizeBytes)) }))) : '');
    if (previous && [...select.options].some((o) => o.value === previous)) select.value = previous;
    else if (loaded.length) select.value = loaded[0].id;
    $('#firstrun').hidden = true;
    if (!library.length && !loaded.length) await firstRun();
    else if (!loaded.length && !select.value) notice(t('noModels'));
    const ps = $('#preset-select'); const pv = ps.value;
    // by category, as the Presets tab shows them (the user's own without one last)
    const byCategory = new Map();
    presets.forEach((p) => { const g = p.category || ''; if (!byCategory.has(g)) byCategory.set(g, []); byCategory.get(g).push(p); });
    const option = (p) => el('option', { value: p.id, text: p.name, title: p.description || '' });
    ps.replaceChildren(el('option', { value: '', text: t('none') }), ...[...byCategory.entries()].map(([g, list]) =>
      (g ? el('optgroup', { label: g }, list.map(option)) : list.map(option))).flat());
    ps.value = pv;
    await listConversations(convs);
    if (state.conv && convs.some((c) => c.id === state.conv)) await openConversation(state.conv);
  });
  // The conversations as the search box asks for them (its words in a title or in a message); only the latest call
  // draws, so that an answer arriving late (a search typed letter by letter) never replaces a newer one.
  let listSeq = 0;
  async function listConversations(convs) {
    const seq = ++listSeq;
    const q = $('#conv-search').value.trim();
    let shown = convs || await api('conversations');
    if (q) {
      const ids = new Set((await api('search?q=' + encodeURIComponent(q))).map((h) => h.conversationId));
      const words = q.toLowerCase();
      shown = shown.filter((c) => ids.has(c.id) || (c.title || '').toLowerCase().includes(words));
    }
    if (seq !== listSeq) return;
    renderConversations(shown);
    if (q && !shown.length) $('#conv-list').append(el('li', { text: t('noHits') }));
  }
  function renderConversations(convs) {
    $('#conv-list').replaceChildren(...convs.map((c) => el('li', { tabindex: '0', 'data-id': c.id, class: c.id === state.conv ? 'current' : '',
      onclick: () => openConversation(c.id), onkeydown: (e) => { if (e.key === 'Enter') openConversation(c.id); } },
      el('span', { class: 'title', text: c.messageCount === 0 || !c.title ? t('new') : c.title }),
      el('span', { class: 'actions' },
        el('button', { class: 'rename', 'aria-label': t('rename'), title: t('rename'), text: '✎', onclick: guard(async (e) => { e.stopPropagation();
          const name = window.prompt(t('renameAsk'), c.title || ''); if (!name || !name.trim()) return;
          await api('conversations/' + c.id + '/rename', { title: name.trim() }); refreshChat(); }) }),
        el('button', { class: 'delete', 'aria-label': t('delete'), title: t('delete'), text: '×', onclick: guard(async (e) => { e.stopPropagation();
          if (!confirm(t('confirmDelete'))) return; await api('conversations/' + c.id, undefined, 'DELETE');
          if (state.conv === c.id) { state.conv = null; localStorage.removeItem('terroir.conv'); $('#messages').replaceChildren(); $('#conv-title').textContent = t('pick'); }
          refreshChat(); }) })))));
  }
  function statsLine(s) {
    if (!s) return '';
    let line = t('statsWords')(s) + ' · ' + word('fin', s.finishReason);
    const e = s.energy;
    if (e && typeof e.joules === 'number') line += ' · ' + energyWords(e) + ' · ' + t(e.method === 'measured' ? 'energy.measured' : 'energy.estimated');
    // a remote model's answer says so where its figures are read (its energy was spent elsewhere and is unknown)
    if ((state.library || []).some((m) => m.name === s.model && m.source === 'REMOTE')) line += ' · ' + t('remoteTag');
    return line;
  }
  // --- energy: the same fields as the API's usage.energy (joules, wh, method, co2_grams, country_name in the page's language)
  // "≈ 0.21 Wh · ≈ 0.01 g CO2e (France)"; under 0.1 Wh in joules, where watt-hours would only show zeros.
  const energyAmount = (j) => (j < 360 ? num(j, j < 10 ? 1 : 0) + ' J' : num(j / 3600, 2) + ' Wh');
  function energyWords(e) {
    let words = '≈ ' + energyAmount(e.joules);
    if (typeof e.co2_grams === 'number') {
      words += ' · ' + (e.co2_grams > 0 && e.co2_grams < 0.01 ? '< ' + num(0.01, 2) : '≈ ' + num(e.co2_grams, 2)) + ' g CO2e (' + e.country_name + ')';
    }
    return words;
  }
  // How a total was obtained: every answer measured, none, or some (measured_joules of joules).
  function totalMethod(total) {
    const m = total.measured_joules || 0;
    return t(m <= 0 ? 'energy.estimated' : m >= total.joules * 0.999 ? 'energy.measured' : 'energy.partly');
  }
  function showConversationEnergy(total) {
    const box = $('#conv-energy');
    box.textContent = total && total.count ? t('energy.conv') + energyWords(total) + ' · ' + totalMethod(total) + ' · ' + t('energy.answers')(total.count) : '';
  }
  // A bar per day (or month) in plain SVG, its figure in each bar's title; nothing fetched from elsewhere.
  function energyChart(rows, label, key) {
    const w = 300; const h = 80; const max = Math.max(...rows.map((r) => r.joules), 1e-9); const bw = w / rows.length;
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('viewBox', '0 0 ' + w + ' ' + (h + 2)); svg.setAttribute('role', 'img'); svg.setAttribute('aria-label', label);
    svg.setAttribute('class', 'energy-chart');
    rows.forEach((r, i) => {
      const bar = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
      const bh = r.joules > 0 ? Math.max(1, (r.joules / max) * h) : 0;
      bar.setAttribute('x', String(i * bw + 0.5)); bar.setAttribute('width', String(Math.max(1, bw - 1)));
      bar.setAttribute('y', String(h - bh)); bar.setAttribute('height', String(bh)); bar.setAttribute('data-' + key, r[key]);
      const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
      title.textContent = r[key] + ' : ' + (r.count ? energyWords(r) + ' · ' + t('energy.answers')(r.count) : '0');
      bar.append(title); svg.append(bar);
    });
    const base = document.createElementNS('http://www.w3.org/2000/svg', 'line');
    base.setAttribute('x1', '0'); base.setAttribute('x2', String(w)); base.setAttribute('y1', String(h + 1)); base.setAttribute('y2', String(h + 1));
    svg.append(base);
    return svg;
  }
  // loadEnergy leaves the notice alone (after a send, the send's error must stay in view); refreshEnergy is the
  // guarded one for buttons, which clears the notice and shows its own failure.
  const loadEnergy = async () => {
    const v = await api('energy');
    const box = $('#energy');
    const byMonth = state.energyBy === 'months';
    const rows = byMonth ? v.months : v.days;
    box.replaceChildren(
      el('p', { class: 'energy-total', text: v.today.count || v.month.count ? t('energy.today') + energyWords(v.today) + ' · ' + totalMethod(v.today) + ' · ' + t('energy.answers')(v.today.count) : t('energy.none') }),
      v.month.count ? el('p', { class: 'energy-total', text: t('energy.month') + energyWords(v.month) + ' · ' + totalMethod(v.month) + ' · ' + t('energy.answers')(v.month.count) }) : '',
      el('div', { class: 'row' },
        el('button', { type: 'button', class: 'small' + (byMonth ? '' : ' current'), 'aria-pressed': String(!byMonth), text: t('energy.days'), onclick: () => { state.energyBy = 'days'; refreshEnergy(); } }),
        el('button', { type: 'button', class: 'small' + (byMonth ? ' current' : ''), 'aria-pressed': String(byMonth), text: t('energy.months'), onclick: () => { state.energyBy = 'months'; refreshEnergy(); } })),
      energyChart(rows, byMonth ? t('energy.months') : t('energy.days'), byMonth ? 'month' : 'date'),
      v.country_name ? el('p', { class: 'energy-grid', text: t('energy.grid')(v) }) : '');
  };
  const refreshEnergy = guard(loadEnergy);
  function messageItem(m, last) {
    const role = (m.role || 'assistant').toLowerCase();
    const content = el('div', { class: 'content' });
    if (role === 'assistant') renderAnswer(content, m.content); else content.textContent = m.content;
    const li = el('li', { class: 'msg ' + role + (role === 'assistant' ? ' done' : '') }, content,
      m.stats ? el('span', { class: 'stats', text: statsLine(m.stats) }) : (role === 'assistant' && !m.complete ? el('span', { class: 'stats', text: t('cut') }) : ''));
    if (role === 'user') li.append(editButton(m.content));
    hooks.message.forEach((h) => h(li, m));
    return li;
  }
  // A question of the conversation back into the box, to change and send again (as the question just sent, too).
  function editButton(text) {
    return el('button', { class: 'edit small', text: t('edit'), onclick: () => { $('#prompt').value = text; $('#prompt').focus(); } });
  }
  function regenerateButton() {
    const users = [...document.querySelectorAll('#messages li.msg.user .content')];
    if (!users.length) return '';
    const text = users[users.length - 1].textContent;
    return el('button', { class: 'regenerate small', text: t('regenerate'), onclick: () => send(text, true) });
  }
  const openConversation = guard(async (id) => {
    state.conv = id; localStorage.setItem('terroir.conv', id);
    document.querySelectorAll('#conv-list li').forEach((li) => li.classList.toggle('current', li.dataset.id === id));
    const c = await api('conversations/' + id);
    const conv = c.conversation;
    $('#conv-title').textContent = conv.messageCount === 0 || !conv.title ? t('new') : conv.title;
    $('#system-prompt').value = conv.systemPrompt || '';
    $('#preset-select').value = conv.presetId || '';
    if (conv.sampling && typeof conv.sampling.temperature === 'number') $('#temperature').value = conv.sampling.temperature;
    if (conv.modelRef && [...$('#model-select').options].some((o) => o.value === conv.modelRef)) $('#model-select').value = conv.modelRef;
    $('#messages').replaceChildren(...(conv.systemPrompt ? [el('li', { class: 'msg system', text: conv.systemPrompt })] : []),
      ...c.messages.map(messageItem));
    const lastAnswer = [...document.querySelectorAll('#messages li.msg.assistant')].pop();
    if (lastAnswer) lastAnswer.append(regenerateButton());
    $('#conv-actions').hidden = false;
    hooks.open.forEach((h) => h(id));
    showConversationEnergy(c.energy);
    $('#messages').scrollTop = 1e9;
  });
  function settingsBody() {
    const body = { modelRef: $('#model-select').value, presetId: $('#preset-select').value || null };
    if ($('#system-prompt').value.trim()) body.systemPrompt = $('#system-prompt').value;
    const temp = $('#temperature').value;
    if (temp !== '') body.temperature = Number(temp);
    return body;
  }
  async function newConversation(title) {
    const model = $('#model-select').value;
    if (!model || !state.loaded.some((m) => m.id === model)) { await chooseModel(model); }
    if (!$('#model-select').value) { notice(t('noModels')); return null; }
    const body = settingsBody();
    if (title) body.title = title;
    const c = await api('conversations', body);
    state.conv = c.id; localStorage.setItem('terroir.conv', c.id);
    showConversationEnergy(null);
    return c;
  }
  $('#new-conv-form').addEventListener('submit', guard(async (e) => {
    e.preventDefault();
    if (await newConversation()) { await refreshChat(); $('#prompt').focus(); }
  }));
  $('#preset-select').addEventListener('change', () => {
    // A preset brings its system prompt, in the page's language.
    const p = (state.presets || []).find((x) => x.id === $('#preset-select').value);
    if (p && p.systemPrompt) $('#system-prompt').value = p.systemPrompt;
    // its first message as the hint of the message box
    $('#prompt').placeholder = p && p.example ? p.example.trim() : t('placeholder');
  });
  $('#model-select').addEventListener('change', guard(async () => { await chooseModel($('#model-select').value); }));
  $('#save-settings').addEventListener('click', guard(async () => {
    if (!state.conv) return;
    await api('conversations/' + state.conv + '/update', settingsBody()); notice(t('saved'));
  }));
  // again: the last question answered once more, in place of its answer (the server removes the old one when the
  // new one is there); otherwise the text typed, or given, is sent as a new question.
  async function send(given, again) {
    const text = given || $('#prompt').value.trim();
    if (!text || state.turn) return;
    try {
      notice('');
      // The first message starts a conversation, named after its first words.
      if (!state.conv) { if (!await newConversation(text.slice(0, 48))) return; await refreshChat(); }
    } catch (e) { notice(e.message); return; }
    if (!given) $('#prompt').value = '';
    document.querySelectorAll('#messages .regenerate').forEach((b) => b.remove());
    const list = $('#messages');
    let replaced = null;
    if (again) {
      const answers = list.querySelectorAll('li.msg.assistant');
      replaced = answers.length ? answers[answers.length - 1] : null;
      if (replaced) replaced.hidden = true;
    } else {
      list.append(el('li', { class: 'msg user' }, el('div', { class: 'content', text }), editButton(text)));
    }
    const content = el('div', { class: 'content' });
    const answer = el('li', { class: 'msg assistant streaming' }, content);
    list.append(answer);
    $('#stop').disabled = false; $('#send').disabled = true;
    const controller = new AbortController(); state.turn = controller;
    let streamed = '';
    try {
      await events('/api/conversations/' + state.conv + (again ? '/regenerate' : '/send') + '?lang=' + state.lang,
        again ? {} : { text }, controller.signal, (name, data) => {
          if (name === 'token') { streamed += data.text; renderAnswer(content, streamed); list.scrollTop = 1e9; }
          else if (name === 'trimmed') notice(t('trimmed') + data.dropped);
          else if (name === 'documents-left-out') notice(t('docsLeftOut'));
          else if (name === 'done') { answer.classList.remove('streaming'); answer.classList.add('done'); if (replaced) replaced.remove();
            renderAnswer(content, data.message.content); answer.append(el('span', { class: 'stats', text: statsLine(data.message.stats) }), regenerateButton());
            hooks.message.forEach((h) => h(answer, data.message)); }
          else if (name === 'error') { answer.classList.remove('streaming'); notice(data.message); if (replaced) replaced.hidden = false; }
        });
    } catch (e) {
      if (e.name !== 'AbortError') notice(e.message);
      // refused before any word (busy, no model): no answer left spinning
      answer.classList.remove('streaming'); if (!streamed) answer.remove();
      if (replaced) replaced.hidden = false; // the answer asked again failed: the previous one stays
    } finally {
      state.turn = null; $('#stop').disabled = true; $('#send').disabled = false; $('#prompt').focus();
      listConversations().catch(() => {});
      if (state.conv) api('conversations/' + state.conv).then((c) => showConversationEnergy(c.energy)).catch(() => {});
      loadEnergy().catch(() => {});
    }
  }
  async function exportConv(format) {
    if (!state.conv) return;
    const text = await api('conversations/' + state.conv + '/export?format=' + format, undefined, 'GET', true);
    const a = el('a', { href: URL.createObjectURL(new Blob([text], { type: format === 'json' ? 'application/json' : 'text/markdown' })),
      download: 'conversation.' + (format === 'json' ? 'json' : 'md') });
    document.body.append(a); a.click(); a.remove();
  }
  $('#export-md').addEventListener('click', guard(() => exportConv('md')));
  $('#export-json').addEventListener('click', guard(() => exportConv('json')));
  $('#conv-search').addEventListener('input', guard(() => listConversations()));
  $('#send-form').addEventListener('submit', (e) => { e.preventDefault(); send(); });
  $('#prompt').addEventListener('keydown', (e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); send(); } });
  $('#stop').addEventListener('click', guard(async () => { if (state.conv) await api('conversations/' + state.conv + '/stop', {}); }));
  $('#search-form').addEventListener('submit', (e) => { e.preventDefault(); refreshCatalog(); });
  $('#lang').addEventListener('change', () => {
    state.lang = $('#lang').value; state.langChosen = true; localStorage.setItem('terroir.lang', state.lang); translate(); show(state.view);
    api('settings', { language: state.lang }).catch(() => {}); // kept by the platform: the next browser opens in it too
  });
  $('#api-key').addEventListener('change', () => { localStorage.setItem('terroir.key', $('#api-key').value); show(state.view); });
  document.querySelectorAll('nav button').forEach((b) => b.addEventListener('click', () => show(b.dataset.view)));
  $('#api-key').value = localStorage.getItem('terroir.key') || '';
  // The renderer, reachable for the page's tests (it holds nothing of the user's).
  window.terroirPage = Object.freeze({ renderAnswer });
  // For the page's own other scripts only (loaded after this one from this server); they add to it.
  window.terroirKit = ({ T, t, el, api, guard, notice, state, show, views, hooks, translate, headers, events, size, num, secs,
    refreshChat, openConversation, newConversation, renderAnswer });
  translate();
  show(state.view);
  // The language chosen in the settings (kept by the platform) wins over this browser's own, once known.
  api('settings').then((s) => {
    if (!state.langChosen && (s.language === 'fr' || s.language === 'en') && s.language !== state.lang) {
      state.lang = s.language; localStorage.setItem('terroir.lang', state.lang); translate(); show(state.view);
    }
  }).catch(() => {});
})();
