'use strict';
// The page's Presets tab (built-in, plugins' and the user's own presets; create, edit, delete, export, import) and its
// Guide tab (what each model size can do, how to write a request, checking facts, privacy; each tip opens a chat).
(() => {
  const kit = window.terroirKit;
  const { el, api, guard, notice, state, t } = kit;
  const $ = (s) => document.querySelector(s);
  Object.assign(kit.T.en, {
    'tab.presets': 'Presets', 'tab.guide': 'Guide', 'p.new': 'New preset', 'p.exportAll': 'Export my presets', 'p.import': 'Import a file',
    'p.rename': 'rename presets whose name is taken', 'p.name': 'Name', 'p.category': 'Category (the group it is listed under)',
    'p.description': 'What it is for', 'p.system': 'Instructions to the model (system prompt): short, explicit steps',
    'p.example': 'A first message to start from (shown in the message box)', 'p.mine': 'My presets', 'p.yours': 'yours',
    'p.use': 'Use it', 'p.edit': 'Edit', 'p.copy': 'Make my own copy', 'p.export': 'Export', 'p.show': 'Instructions',
    'p.copyName': (n) => n + ' (my copy)', 'p.confirmDelete': (n) => 'Delete the preset “' + n + '” for good?',
    'p.imported': (n) => n + (n === 1 ? ' preset imported.' : ' presets imported.'), 'p.saved': 'Preset saved.', 'p.none': 'You have no preset of your own yet: create one, or copy a built-in one.',
    'p.temperatureWords': (x) => 'temperature ' + x, tryIt: 'Try it', 'g.title': 'Guide: getting good answers from a local model'
  });
  Object.assign(kit.T.fr, {
    'tab.presets': 'Préréglages', 'tab.guide': 'Guide', 'p.new': 'Nouveau préréglage', 'p.exportAll': 'Exporter mes préréglages', 'p.import': 'Importer un fichier',
    'p.rename': 'renommer les préréglages dont le nom est pris', 'p.name': 'Nom', 'p.category': 'Catégorie (le groupe où il est rangé)',
    'p.description': 'À quoi il sert', 'p.system': 'Consignes au modèle (invite système) : des étapes courtes et explicites',
    'p.example': 'Un premier message pour commencer (mis dans la zone de message)', 'p.mine': 'Mes préréglages', 'p.yours': 'le vôtre',
    'p.use': 'L’utiliser', 'p.edit': 'Modifier', 'p.copy': 'En faire ma copie', 'p.export': 'Exporter', 'p.show': 'Consignes',
    'p.copyName': (n) => n + ' (ma copie)', 'p.confirmDelete': (n) => 'Supprimer le préréglage « ' + n + ' » pour de bon ?',
    'p.imported': (n) => n + (n === 1 ? ' préréglage importé.' : ' préréglages importés.'), 'p.saved': 'Préréglage enregistré.', 'p.none': 'Vous n’avez pas encore de préréglage à vous : créez-en un, ou copiez un préréglage fourni.',
    'p.temperatureWords': (x) => 'température ' + x.toString().replace('.', ','), tryIt: 'Essayer', 'g.title': 'Guide : obtenir de bonnes réponses d’un modèle local'
  });

  // --- starting a chat from a preset: a new conversation with its instructions, the sample request in the box
  async function startWith(presetId, sample) {
    state.conv = null; localStorage.removeItem('terroir.conv');
    state.view = 'chat'; localStorage.setItem('terroir.view', 'chat');
    document.querySelectorAll('.view').forEach((v) => { v.hidden = v.id !== 'view-chat'; });
    document.querySelectorAll('nav button').forEach((b) => b.setAttribute('aria-selected', String(b.dataset.view === 'chat')));
    $('#messages').replaceChildren(); $('#conv-title').textContent = t('new');
    await kit.refreshChat();
    const preset = (state.presets || []).find((p) => p.id === presetId);
    $('#preset-select').value = presetId;
    $('#system-prompt').value = preset ? preset.systemPrompt : '';
    if (preset && preset.sampling && typeof preset.sampling.temperature === 'number') $('#temperature').value = preset.sampling.temperature;
    $('#prompt').placeholder = preset && preset.example ? preset.example.trim() : t('placeholder');
    const model = $('#model-select').value;
    if (model && state.loaded.some((m) => m.id === model)) {
      // A model is there: the conversation starts now, with the preset (the first message names it).
      const c = await kit.newConversation();
      if (c) await kit.refreshChat();
    }
    $('#prompt').value = sample !== undefined ? sample : (preset ? preset.example : '');
    $('#prompt').focus();
  }
  kit.startWith = startWith;

  // --- the Presets tab
  function presetCard(p) {
    const temp = p.sampling && typeof p.sampling.temperature === 'number' ? p.sampling.temperature : null;
    return el('li', { 'data-id': p.id, class: p.user ? 'mine' : '' },
      el('strong', { text: p.name }), p.user ? el('span', { class: 'badge mine', text: t('p.yours') }) : '',
      el('p', { text: p.description || '' }),
      el('details', {}, el('summary', { text: t('p.show') + (temp !== null ? ' · ' + t('p.temperatureWords')(Math.round(temp * 100) / 100) : '') }),
        el('p', { class: 'prompt-text', text: p.systemPrompt })),
      el('div', { class: 'row' },
        el('button', { class: 'use', type: 'button', text: t('p.use'), onclick: guard(() => startWith(p.id)) }),
        p.user ? el('button', { class: 'edit', type: 'button', text: t('p.edit'), onclick: () => openForm(p, false) })
          : el('button', { class: 'copy', type: 'button', text: t('p.copy'), onclick: () => openForm(p, true) }),
        el('button', { class: 'export', type: 'button', text: t('p.export'), onclick: guard(() => download(p.id)) }),
        p.user ? el('button', { class: 'delete', type: 'button', text: t('delete'), onclick: guard(async () => {
          if (!confirm(t('p.confirmDelete')(p.name))) return;
          await api('presets-delete', { id: p.id }); refreshPresets(); }) }) : ''));
  }
  const refreshPresets = guard(async () => {
    const presets = await api('presets');
    state.presets = presets;
    const groups = new Map();
    for (const p of presets) {
      const g = p.user && !p.category ? t('p.mine') : (p.category || t('p.mine'));
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g).push(p);
    }
    const box = $('#preset-groups');
    box.replaceChildren(...[...groups.entries()].map(([name, list]) => el('section', { class: 'preset-group' },
      el('h3', { text: name }), el('ul', { class: 'cards presets' }, list.map(presetCard)))));
    if (!presets.some((p) => p.user)) box.append(el('p', { class: 'hint', id: 'preset-none', text: t('p.none') }));
  });
  function openForm(p, copy) {
    const f = $('#preset-form');
    f.hidden = false;
    $('#pf-id').value = p && !copy ? p.id : '';
    $('#pf-name').value = p ? (copy ? t('p.copyName')(p.name) : p.name) : '';
    $('#pf-category').value = p ? (copy ? '' : p.category || '') : '';
    $('#pf-description').value = p ? p.description || '' : '';
    $('#pf-system').value = p ? p.systemPrompt || '' : '';
    $('#pf-example').value = p ? p.example || '' : '';
    $('#pf-temperature').value = p && p.sampling && typeof p.sampling.temperature === 'number' ? Math.round(p.sampling.temperature * 100) / 100 : 0.7;
    $('#pf-name').focus();
  }
  async function download(ids) {
    const text = await api('presets-export' + (ids ? '?ids=' + encodeURIComponent(ids) : ''), undefined, 'GET', true);
    const a = el('a', { href: URL.createObjectURL(new Blob([text], { type: 'application/json' })), download: 'terroir-' + (ids || 'presets') + '.json' });
    document.body.append(a); a.click(); a.remove();
  }
  $('#preset-new').addEventListener('click', () => openForm(null, false));
  $('#pf-cancel').addEventListener('click', () => { $('#preset-form').hidden = true; });
  $('#preset-form').addEventListener('submit', guard(async (e) => {
    e.preventDefault();
    const body = { name: $('#pf-name').value, category: $('#pf-category').value, description: $('#pf-description').value,
      systemPrompt: $('#pf-system').value, example: $('#pf-example').value };
    if ($('#pf-temperature').value !== '') body.temperature = Number($('#pf-temperature').value);
    const id = $('#pf-id').value;
    if (id) { body.id = id; await api('presets-update', body); } else await api('presets-create', body);
    $('#preset-form').hidden = true;
    await refreshPresets();
    notice(t('p.saved'));
  }));
  $('#preset-export-all').addEventListener('click', guard(() => download('')));
  $('#preset-import').addEventListener('change', guard(async (e) => {
    const file = e.target.files[0];
    e.target.value = '';
    if (!file) return;
    const data = await file.text();
    const r = await api('presets-import', { data, rename: $('#preset-rename').checked });
    await refreshPresets();
    notice(t('p.imported')(r.imported.length));
  }));
  kit.views.presets = refreshPresets;

  // --- the Guide tab: short and concrete, for beginners; every tip can be tried with a matching preset
  const GUIDE = {
    en: {
      intro: 'A local model runs on this computer: nothing you write leaves it. It is smaller than the online assistants, so it needs clearer requests, and it makes more mistakes. This page says what to expect and how to ask.',
      tiersTitle: 'What a model size can and cannot do',
      tiersHead: ['Size (parameters)', 'Examples', 'Does well', 'Does badly', 'Computer needed'],
      tiers: [
        ['~1–4 B', 'Qwen3 1.7B / 4B, Gemma 3 1B / 4B, Llama 3.2 3B, SmolLM3 3B', 'Short rewrites, proofreading, a summary of one page, simple translations, sorting texts', 'Facts (it invents), reasoning in several steps, long documents, fine style in French', 'Any recent computer, 8 GB of memory; answers at reading speed'],
        ['7–9 B', 'Mistral 7B, Llama 3.1 8B, Qwen3 8B, Gemma 2 9B', 'Good drafts: e-mails, leaflets, press releases, minutes; summaries of a few pages; correct French', 'Exact figures and dates without a source; long chains of reasoning', '16 GB of memory; a few words per second without a graphics card'],
        ['12–14 B', 'Gemma 3 12B, Mistral Nemo 12B, Qwen3 14B, Phi-4 14B', 'Follows detailed instructions, argument sheets, long documents with their sources, the right tone', 'Still invents when it does not know; slow without a graphics card', '16–32 GB of memory, or a graphics card with 12 GB'],
        ['20–32 B', 'Mistral Small 24B, Gemma 3 27B, Qwen3 32B, gpt-oss 20B', 'Close to online assistants for writing and careful reasoning; long reports', 'Not a source of truth either; slow on a processor alone', '32–64 GB of memory, or a graphics card with 24 GB'],
        ['70 B and more', 'Llama 3.3 70B, Qwen2.5 72B', 'The best that runs locally', 'Does not run on an ordinary computer; slow', '64 GB of memory or more, or several large graphics cards']
      ],
      tiersNote: 'The Machine tab says which sizes fit this computer. Start small: a 4 B model that answers quickly is often more useful than a 14 B one that makes you wait.',
      writeTitle: 'How to write a clear request',
      tips: [
        { title: 'Give it a role', text: 'Say who it is for this task: “You are the secretary of a tenants’ association.” The presets do it for you.', preset: 'minutes',
          sample: 'You are the secretary of our tenants’ association. Write the minutes of these notes:\n12 March, 9 people. Rent increase: petition, Ana writes it, before the 30th. June party: Karim asks the town hall.' },
        { title: 'Say the task in one sentence', text: 'One clear verb first: write, summarise, correct, translate. One task per message; ask the next step afterwards.', preset: 'press-release',
          sample: 'Write a press release: our association holds a rally on Saturday 5 April at 11 am in front of the town hall against the closing of the library.' },
        { title: 'Give the context', text: 'Who reads it, why, what they already know, what must not be said. The model knows nothing about your group.', preset: 'leaflet',
          sample: 'Leaflet for the residents of our street, many elderly, who do not use the internet. The bus line 12 stops on 1 June; meeting Thursday at 7 pm at the community centre.' },
        { title: 'Ask for a format', text: 'A list, a table, three versions, at most 150 words, a title: say it, the model follows it.', preset: 'arguments',
          sample: 'Argument sheet for free school meals, as a table with two columns: argument, answer to the objection. At most 8 rows.' },
        { title: 'Show an example', text: 'One example of what you want is worth a long explanation: paste a post you liked and ask for the same style.', preset: 'social-post',
          sample: 'Here is a post we liked: “1,000 signatures in a week! Thank you all. Next step: the council on Monday.” Same style: we now have 1,200 signatures and hand them in on Friday at 5 pm.' },
        { title: 'Plain words for everyone', text: 'Ask for short sentences and common words, or the easy-to-read rules, for a text everyone must understand.', preset: 'plain-language',
          sample: 'Rewrite in plain language: The general assembly will deliberate on the modification of the statutes subject to the quorum being reached.' }
      ],
      factsTitle: 'Check the facts: local models invent',
      facts: 'A model writes what sounds likely, not what is true: names, dates, figures, quotes and laws can be made up, with confidence. Give it the facts yourself, or attach the document (drop it onto the chat): the answer then cites its passages as [1], [2], and a click shows the page. Check every figure before you publish.',
      factsTip: { title: 'Summarise a document and check its sources', preset: 'report-summary', sample: 'Summarise the attached report in five points, with the page of each point.' },
      privacyTitle: 'Privacy',
      privacy: [
        'Your conversations, documents and presets stay on this computer (in the Terroir folder, readable only by you). Nothing is sent anywhere unless you choose a remote model (below); there is no telemetry.',
        'A model marked “remote” runs on a server you added: your questions, the conversation and the passages of attached documents go to that server.',
        'Other people using this computer with your account can read them: delete what is sensitive, or export it and keep it safe.',
        'Access from the local network (Settings) lets other devices use Terroir: give a key only to people you trust.',
        'An exported file (conversation or presets) holds your text: share it knowingly.'
      ],
      privacyTip: { title: 'Reread a text before sending it', preset: 'proofreading', sample: 'Proofread this text: ' }
    },
    fr: {
      intro: 'Un modèle local tourne sur cet ordinateur : rien de ce que vous écrivez n’en sort. Il est plus petit que les assistants en ligne : il lui faut des demandes plus claires, et il se trompe plus souvent. Cette page dit à quoi s’attendre et comment demander.',
      tiersTitle: 'Ce qu’une taille de modèle sait faire, et ne sait pas faire',
      tiersHead: ['Taille (paramètres)', 'Exemples', 'Fait bien', 'Fait mal', 'Ordinateur nécessaire'],
      tiers: [
        ['~1–4 B', 'Qwen3 1.7B / 4B, Gemma 3 1B / 4B, Llama 3.2 3B, SmolLM3 3B', 'Reformuler un texte court, corriger, résumer une page, traduire simplement, trier des textes', 'Les faits (il invente), raisonner en plusieurs étapes, les longs documents, un français soigné', 'Tout ordinateur récent, 8 Go de mémoire ; répond à la vitesse de lecture'],
        ['7–9 B', 'Mistral 7B, Llama 3.1 8B, Qwen3 8B, Gemma 2 9B', 'De bons brouillons : courriels, tracts, communiqués, comptes rendus ; résumés de quelques pages ; un français correct', 'Les chiffres et dates exacts sans source ; les longs raisonnements', '16 Go de mémoire ; quelques mots par seconde sans carte graphique'],
        ['12–14 B', 'Gemma 3 12B, Mistral Nemo 12B, Qwen3 14B, Phi-4 14B', 'Suit des consignes détaillées, argumentaires, longs documents avec leurs sources, le bon ton', 'Invente encore quand il ne sait pas ; lent sans carte graphique', '16 à 32 Go de mémoire, ou une carte graphique de 12 Go'],
        ['20–32 B', 'Mistral Small 24B, Gemma 3 27B, Qwen3 32B, gpt-oss 20B', 'Proche des assistants en ligne pour écrire et raisonner avec soin ; longs rapports', 'N’est pas non plus une source de vérité ; lent sur le seul processeur', '32 à 64 Go de mémoire, ou une carte graphique de 24 Go'],
        ['70 B et plus', 'Llama 3.3 70B, Qwen2.5 72B', 'Le meilleur de ce qui tourne en local', 'Ne tourne pas sur un ordinateur ordinaire ; lent', '64 Go de mémoire ou plus, ou plusieurs grandes cartes graphiques']
      ],
      tiersNote: 'L’onglet Machine dit quelles tailles tiennent sur cet ordinateur. Commencez petit : un modèle de 4 B qui répond vite est souvent plus utile qu’un 14 B qui fait attendre.',
      writeTitle: 'Écrire une demande claire',
      tips: [
        { title: 'Donnez-lui un rôle', text: 'Dites qui il est pour cette tâche : « Tu es le secrétaire d’une association de locataires. » Les préréglages le font pour vous.', preset: 'minutes',
          sample: 'Tu es le secrétaire de notre association de locataires. Fais le compte rendu de ces notes :\n12 mars, 9 personnes. Hausse des loyers : pétition, Ana la rédige, avant le 30. Fête de juin : Karim demande à la mairie.' },
        { title: 'Dites la tâche en une phrase', text: 'Un verbe clair d’abord : écris, résume, corrige, traduis. Une tâche par message ; demandez l’étape suivante ensuite.', preset: 'press-release',
          sample: 'Rédige un communiqué de presse : notre association organise un rassemblement le samedi 5 avril à 11 h devant la mairie contre la fermeture de la médiathèque.' },
        { title: 'Donnez le contexte', text: 'Qui le lira, pourquoi, ce qu’ils savent déjà, ce qu’il ne faut pas dire. Le modèle ne sait rien de votre groupe.', preset: 'leaflet',
          sample: 'Tract pour les habitants de notre rue, souvent âgés, qui n’utilisent pas internet. La ligne de bus 12 s’arrête le 1er juin ; réunion jeudi à 19 h à la maison de quartier.' },
        { title: 'Demandez une forme', text: 'Une liste, un tableau, trois versions, 150 mots au plus, un titre : dites-le, le modèle suit.', preset: 'arguments',
          sample: 'Argumentaire pour la cantine gratuite, en tableau à deux colonnes : argument, réponse à l’objection. 8 lignes au plus.' },
        { title: 'Montrez un exemple', text: 'Un exemple de ce que vous voulez vaut une longue explication : collez une publication qui vous a plu et demandez le même style.', preset: 'social-post',
          sample: 'Voici une publication qui nous a plu : « 1 000 signatures en une semaine ! Merci à toutes et tous. Prochaine étape : le conseil municipal lundi. » Même style : nous avons maintenant 1 200 signatures et les remettons vendredi à 17 h.' },
        { title: 'Des mots simples pour tout le monde', text: 'Demandez des phrases courtes et des mots courants, ou le FALC, pour un texte que tout le monde doit comprendre.', preset: 'plain-language',
          sample: 'Réécris en FALC : L’assemblée générale délibérera sur la modification des statuts sous réserve que le quorum soit atteint.' }
      ],
      factsTitle: 'Vérifiez les faits : les modèles locaux inventent',
      facts: 'Un modèle écrit ce qui semble probable, pas ce qui est vrai : noms, dates, chiffres, citations et lois peuvent être inventés, avec aplomb. Donnez-lui vous-même les faits, ou joignez le document (déposez-le sur la discussion) : la réponse cite alors ses passages [1], [2], et un clic montre la page. Vérifiez chaque chiffre avant de publier.',
      factsTip: { title: 'Résumer un document et vérifier ses sources', preset: 'report-summary', sample: 'Résume le rapport joint en cinq points, avec la page de chaque point.' },
      privacyTitle: 'Confidentialité',
      privacy: [
        'Vos conversations, documents et préréglages restent sur cet ordinateur (dans le dossier de Terroir, lisible par vous seul). Rien n’est envoyé nulle part, sauf si vous choisissez un modèle distant (ci-dessous) ; aucune télémétrie.',
        'Un modèle marqué « distant » tourne sur un serveur que vous avez ajouté : vos questions, la conversation et les passages des documents joints partent vers ce serveur.',
        'Les autres personnes qui utilisent cet ordinateur avec votre compte peuvent les lire : supprimez ce qui est sensible, ou exportez-le et rangez-le en lieu sûr.',
        'L’accès depuis le réseau local (Réglages) laisse d’autres appareils utiliser Terroir : ne donnez une clé qu’à des personnes de confiance.',
        'Un fichier exporté (conversation ou préréglages) contient vos textes : partagez-le en connaissance de cause.'
      ],
      privacyTip: { title: 'Relire un texte avant de l’envoyer', preset: 'proofreading', sample: 'Relis ce texte : ' }
    }
  };
  kit.GUIDE = GUIDE;
  const tryButton = (tip) => el('button', { class: 'try', type: 'button', 'data-preset': tip.preset, text: t('tryIt'),
    onclick: guard(() => startWith(tip.preset, tip.sample)) });
  function renderGuide() {
    const g = GUIDE[state.lang] || GUIDE.en;
    $('#guide').replaceChildren(
      el('h2', { text: t('g.title') }), el('p', { text: g.intro }),
      el('h3', { text: g.tiersTitle }),
      el('table', { class: 'tiers' }, el('thead', {}, el('tr', {}, g.tiersHead.map((h) => el('th', { text: h })))),
        el('tbody', {}, g.tiers.map((row) => el('tr', {}, row.map((c, i) => el(i === 0 ? 'th' : 'td', { text: c })))))),
      el('p', { class: 'hint', text: g.tiersNote }),
      el('h3', { text: g.writeTitle }),
      el('ol', { class: 'tips' }, g.tips.map((tip) => el('li', { 'data-preset': tip.preset }, el('strong', { text: tip.title }), ' ',
        el('span', { text: tip.text }), ' ', tryButton(tip)))),
      el('h3', { text: g.factsTitle }), el('p', { text: g.facts }),
      el('p', { class: 'tip' }, el('strong', { text: g.factsTip.title }), ' ', tryButton(g.factsTip)),
      el('h3', { text: g.privacyTitle }), el('ul', {}, g.privacy.map((x) => el('li', { text: x }))),
      el('p', { class: 'tip' }, el('strong', { text: g.privacyTip.title }), ' ', tryButton(g.privacyTip)));
  }
  kit.views.guide = renderGuide;
  kit.translate();
  if (state.view === 'presets' || state.view === 'guide') kit.show(state.view);
})();
