'use strict';
// The page's "Remote servers" section (Settings): another server's models beside the local ones (the remote backend,
// bundle org.terroir.backend-remote, serves /api/remote). Adding one asks for consent first (prompts leave this
// computer); its models are marked remote in the library and the model chooser. Without the bundle, the section hides.
(() => {
  const kit = window.terroirKit;
  const { el, api, guard, t } = kit;
  const $ = (s) => document.querySelector(s);
  Object.assign(kit.T.en, {
    remoteTag: 'remote: prompts leave this computer', 'r.title': 'Remote servers',
    'r.help': 'Use the models of another server (vLLM, llama.cpp, Ollama, LM Studio, another Terroir) beside your own. Their prompts and answers travel to that server: they leave this computer. Local models keep working offline.',
    'r.name': 'Short name (e.g. gpu)', 'r.url': 'Address, e.g. http://192.168.1.20:8000/v1', 'r.key': 'API key (if it needs one)',
    'r.pin': 'Certificate SHA-256 (only for a self-signed https server)', 'r.add': 'Add the server', 'r.test': 'Test the connection',
    'r.trust': 'Trust', 'r.remove': 'Remove', 'r.trusted': 'trusted', 'r.untrusted': 'not trusted yet: its models are refused',
    'r.models': (n) => n + (n === 1 ? ' model' : ' models'), 'r.ok': (n) => 'Connected: ' + n + (n === 1 ? ' model.' : ' models.'),
    'r.confirm': (url) => 'Models of ' + url + ' run on another computer: your prompts and their answers will leave this one. Use them?',
    'r.confirmRemove': (n) => 'Remove the server ' + n + ' and its key?', 'r.none': 'No remote server.'
  });
  Object.assign(kit.T.fr, {
    remoteTag: 'distant : les questions quittent cet ordinateur', 'r.title': 'Serveurs distants',
    'r.help': 'Utilisez les modèles d’un autre serveur (vLLM, llama.cpp, Ollama, LM Studio, un autre Terroir) à côté des vôtres. Leurs questions et réponses voyagent jusqu’à ce serveur : elles quittent cet ordinateur. Les modèles locaux fonctionnent toujours hors ligne.',
    'r.name': 'Nom court (par ex. gpu)', 'r.url': 'Adresse, par ex. http://192.168.1.20:8000/v1', 'r.key': 'Clé d’API (s’il en faut une)',
    'r.pin': 'SHA-256 du certificat (seulement pour un serveur https auto-signé)', 'r.add': 'Ajouter le serveur', 'r.test': 'Tester la connexion',
    'r.trust': 'Faire confiance', 'r.remove': 'Retirer', 'r.trusted': 'accepté', 'r.untrusted': 'pas encore accepté : ses modèles sont refusés',
    'r.models': (n) => n + (n === 1 ? ' modèle' : ' modèles'), 'r.ok': (n) => 'Connecté : ' + n + (n === 1 ? ' modèle.' : ' modèles.'),
    'r.confirm': (url) => 'Les modèles de ' + url + ' tournent sur un autre ordinateur : vos questions et leurs réponses quitteront celui-ci. Les utiliser ?',
    'r.confirmRemove': (n) => 'Retirer le serveur ' + n + ' et sa clé ?', 'r.none': 'Aucun serveur distant.'
  });
  const input = (id, key, type) => el('input', { id, type: type || 'text', 'data-i18n-placeholder': key, placeholder: t(key), autocomplete: 'off' });
  const box = el('fieldset', { id: 'remote-servers', hidden: '' },
    el('legend', { 'data-i18n': 'r.title', text: t('r.title') }),
    el('p', { class: 'risk', 'data-i18n': 'r.help', text: t('r.help') }),
    el('ul', { id: 'remote-list' }),
    el('div', { class: 'row' }, input('remote-name', 'r.name'), input('remote-url', 'r.url'), input('remote-key', 'r.key', 'password'),
      input('remote-pin', 'r.pin'), el('button', { id: 'remote-add', type: 'button', 'data-i18n': 'r.add', text: t('r.add') })),
    el('p', { id: 'remote-status', role: 'status' }));
  const form = $('#settings-form');
  form.insertBefore(box, $('#settings-save'));

  const item = (s) => el('li', { 'data-name': s.name }, el('strong', { text: s.name }), ' · ' + s.url + ' · ',
    el('span', { class: s.trusted ? 'trusted' : 'untrusted', text: t(s.trusted ? 'r.trusted' : 'r.untrusted') }),
    ' · ' + (s.error ? s.error : t('r.models')(s.models.length)) + ' ',
    el('button', { type: 'button', class: 'remote-test', text: t('r.test'), onclick: guard(async () => {
      const r = await api('remote/test', { name: s.name });
      $('#remote-status').textContent = r.ok ? t('r.ok')(r.models) : r.error; refresh(); }) }), ' ',
    s.trusted ? '' : el('button', { type: 'button', class: 'remote-trust', text: t('r.trust'), onclick: guard(async () => {
      if (confirm(t('r.confirm')(s.url))) { await api('remote/trust', { name: s.name }); refresh(); } }) }), ' ',
    el('button', { type: 'button', class: 'remote-remove', text: t('r.remove'), onclick: guard(async () => {
      if (confirm(t('r.confirmRemove')(s.name))) { await api('remote/remove', { name: s.name }); refresh(); } }) }));

  const refresh = async () => {
    let servers;
    try { servers = await api('remote/servers'); } catch (e) { box.hidden = true; return; } // no remote backend running
    box.hidden = false;
    $('#remote-list').replaceChildren(...(servers.length ? servers.map(item) : [el('li', { text: t('r.none') })]));
  };
  $('#remote-add').addEventListener('click', guard(async () => {
    const url = $('#remote-url').value.trim();
    // The consent the remote backend asks for: nothing is added (nor sent beyond the list of models) without it.
    if (!confirm(t('r.confirm')(url))) return;
    const body = { name: $('#remote-name').value.trim(), url, consent: true };
    if ($('#remote-key').value) body.key = $('#remote-key').value;
    if ($('#remote-pin').value.trim()) body.pin = $('#remote-pin').value.trim();
    const s = await api('remote/servers', body);
    $('#remote-key').value = ''; $('#remote-status').textContent = t('r.ok')(s.models.length);
    refresh();
  }));
  $('#tab-settings').addEventListener('click', () => refresh());
  kit.views.remote = refresh;
  if (kit.state.view === 'settings') refresh();
})();
