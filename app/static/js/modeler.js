/* The analysts' browser modeler: BPMN (bpmn-js), decision tables (dmn-js) and forms (JSON with
   a live preview), saved together as a new version through the process models API. */
(function () {
  'use strict';

  var root = document.getElementById('modeler');
  if (!root) { return; }
  var api = root.dataset.api;
  var csrf = document.getElementById('csrf_token').value;
  var state = { files: null, original: null, baseline: {}, current: null, groups: [], saved: null };
  var $ = function (id) { return document.getElementById(id); };
  var statusLine = $('status');
  var problemsList = $('problems');

  var bpmn = new window.BpmnJS({ container: '#canvas', keyboard: { bindTo: document },
    moddleExtensions: { spiffworkflow: window.SpiffworkflowModdle } });
  var dmn = null;
  var props = window.ModelerProps(bpmn, $('props'), {
    groups: function () { return state.groups; },
    forms: function () { return Object.keys(state.files ? state.files.forms : {}); },
    decisions: function () { return decisionIds(); },
    processId: function () { return root.dataset.key; }
  });

  function say(text, kind) {
    statusLine.textContent = text;
    statusLine.className = 'status-line ' + (kind || '');
  }

  function decisionIds() {
    var ids = [];
    Object.keys(state.files ? state.files.dmn : {}).forEach(function (name) {
      var re = /<(?:\w+:)?decision\b[^>]*\bid="([^"]+)"/g;
      var m;
      while ((m = re.exec(state.files.dmn[name])) !== null) { ids.push(m[1]); }
    });
    return ids;
  }

  function request(url, options) {
    options = options || {};
    options.headers = Object.assign({ 'X-CSRFToken': csrf, Accept: 'application/json' }, options.headers || {});
    options.credentials = 'same-origin';
    return fetch(url, options).then(function (response) {
      return response.text().then(function (text) {
        var body = null;
        try { body = text ? JSON.parse(text) : null; } catch (e) { body = { error: { message: text } }; }
        return { status: response.status, ok: response.ok, body: body };
      });
    });
  }

  // -- files ---------------------------------------------------------------------------------------

  function fillSelect() {
    var select = $('file-select');
    select.textContent = '';
    [['bpmn', spText('modeler.kind_bpmn')], ['dmn', spText('modeler.kind_dmn')], ['forms', spText('modeler.kind_forms')]].forEach(function (pair) {
      var names = Object.keys(state.files[pair[0]]).sort();
      if (!names.length) { return; }
      var group = document.createElement('optgroup');
      group.label = pair[1];
      names.forEach(function (name) {
        var option = document.createElement('option');
        option.value = pair[0] + '/' + name;
        option.textContent = name === root.dataset.mainFile ? spText('modeler.main_file', { name: name }) : name;
        group.appendChild(option);
      });
      select.appendChild(group);
    });
    if (state.current) { select.value = state.current.kind + '/' + state.current.name; }
  }

  function stash() {
    var cur = state.current;
    if (!cur) { return Promise.resolve(); }
    if (cur.kind === 'forms') {
      state.files.forms[cur.name] = $('json-editor').value;
      return Promise.resolve();
    }
    var tool = cur.kind === 'bpmn' ? bpmn : dmn;
    return tool.saveXML({ format: true }).then(function (result) {
      // untouched files keep their stored text, so an unchanged file makes no new version
      if (result.xml !== state.baseline[cur.kind + '/' + cur.name]) { state.files[cur.kind][cur.name] = result.xml; }
    });
  }

  function show(kind) {
    $('pane-bpmn').hidden = kind !== 'bpmn';
    $('pane-dmn').hidden = kind !== 'dmn';
    $('pane-form').hidden = kind !== 'forms';
    $('btn-layout').hidden = kind !== 'bpmn';
  }

  // dmn-js and its styles come only with the first decision table opened (editor.html data-dmn-*).
  var dmnLoading = null;
  function loadDmn() {
    if (dmnLoading) { return dmnLoading; }
    dmnLoading = new Promise(function (resolve, reject) {
      root.dataset.dmnStyles.split(' ').forEach(function (href) {
        var link = document.createElement('link');
        link.rel = 'stylesheet';
        link.href = href;
        document.head.appendChild(link);
      });
      var script = document.createElement('script');
      script.src = root.dataset.dmnScript;
      script.onload = function () {
        resolve(new window.DmnJS({ container: '#dmn-canvas', common: { keyboard: { bindTo: document } } }));
      };
      script.onerror = function () {
        dmnLoading = null;
        reject(new Error(spText('modeler.dmn_unavailable')));
      };
      document.head.appendChild(script);
    });
    return dmnLoading;
  }

  function open(kind, name) {
    return stash().then(function () {
      state.current = { kind: kind, name: name };
      $('file-select').value = kind + '/' + name;
      show(kind);
      var text = state.files[kind][name];
      if (kind === 'bpmn') {
        return bpmn.importXML(text).then(function () {
          bpmn.get('canvas').zoom('fit-viewport');
          return bpmn.saveXML({ format: true });
        }).then(function (r) { state.baseline[kind + '/' + name] = r.xml; });
      }
      if (kind === 'dmn') {
        return loadDmn().then(function (modeler) {
          dmn = modeler;
          return dmn.importXML(text);
        }).then(function () {
          var table = dmn.getViews().filter(function (v) { return v.type === 'decisionTable'; })[0];
          return table ? dmn.open(table) : null;
        }).then(function () { return dmn.saveXML({ format: true }); })
          .then(function (r) { state.baseline[kind + '/' + name] = r.xml; });
      }
      $('json-editor').value = text;
      preview();
      return null;
    }).catch(function (err) { say(spText('modeler.open_failed', { error: err.message }), 'bad'); });
  }

  // -- form preview -------------------------------------------------------------------------------

  var previewTimer = null;
  function pairOf(name) {
    if (/\.schema\.json$/.test(name)) { return { schema: name, ui: name.replace(/\.schema\.json$/, '.uischema.json') }; }
    if (/\.uischema\.json$/.test(name)) { return { schema: name.replace(/\.uischema\.json$/, '.schema.json'), ui: name }; }
    return null;
  }
  function preview() {
    var name = state.current.name;
    var text = $('json-editor').value;
    var target = $('form-preview');
    try {
      JSON.parse(text);
      $('json-error').textContent = '';
    } catch (e) {
      $('json-error').textContent = spText('modeler.json_invalid', { error: e.message });
      return;
    }
    state.files.forms[name] = text;
    var pair = pairOf(name);
    if (!pair || !state.files.forms[pair.schema]) {
      target.textContent = spText('modeler.preview_unavailable');
      return;
    }
    var ui = state.files.forms[pair.ui] ? JSON.parse(state.files.forms[pair.ui]) : {};
    request(root.dataset.previewUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ schema: JSON.parse(state.files.forms[pair.schema]), ui_schema: ui }) })
      .then(function (r) {
        if (r.ok) {
          var doc = new DOMParser().parseFromString(r.body.html, 'text/html');
          target.replaceChildren.apply(target, Array.prototype.slice.call(doc.body.childNodes));
        } else {
          target.textContent = (r.body && r.body.error && (r.body.error.fields ? JSON.stringify(r.body.error.fields) : r.body.error.message)) || spText('modeler.preview_failed');
        }
      });
  }
  $('json-editor').addEventListener('input', function () {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(preview, 400);
  });

  // -- validate, save, deploy -------------------------------------------------------------------------

  function formData() {
    return stash().then(function () {
      var data = new FormData();
      [['bpmn', 'bpmn', 'application/xml'], ['dmn', 'dmn', 'application/xml'], ['forms', 'forms', 'application/json']].forEach(function (k) {
        Object.keys(state.files[k[0]]).forEach(function (name) {
          data.append(k[1], new Blob([state.files[k[0]][name]], { type: k[2] }), name);
        });
      });
      data.append('comment', $('comment').value);
      return data;
    });
  }

  function showProblems(problems, warnings) {
    problemsList.textContent = '';
    var canvas = bpmn.get('canvas');
    var registry = bpmn.get('elementRegistry');
    registry.forEach(function (e) { canvas.removeMarker(e.id, 'has-problem'); });
    (problems || []).concat(warnings || []).forEach(function (p, index) {
      var li = document.createElement('li');
      li.className = index < (problems || []).length ? 'problem' : 'warning';
      var where = [p.file, p.element_id, p.line ? spText('modeler.at_line', { line: p.line + (p.column ? ':' + p.column : '') }) : null].filter(Boolean).join(' · ');
      li.textContent = (where ? where + ': ' : '') + p.message;
      if (p.element_id) {
        li.tabIndex = 0;
        li.addEventListener('click', function () { focusElement(p); });
        li.addEventListener('keydown', function (e) { if (e.key === 'Enter') { focusElement(p); } });
      }
      problemsList.appendChild(li);
      if (p.element_id && registry.get(p.element_id) && li.className === 'problem') { canvas.addMarker(p.element_id, 'has-problem'); }
    });
  }
  function focusElement(p) {
    var go = function () {
      var element = bpmn.get('elementRegistry').get(p.element_id);
      if (element) { bpmn.get('selection').select(element); bpmn.get('canvas').scrollToElement(element); }
    };
    if (p.file && state.files.bpmn[p.file] && (!state.current || state.current.name !== p.file)) {
      open('bpmn', p.file).then(go);
    } else { go(); }
  }

  function problemsOf(body) {
    if (body && body.error) {
      return body.error.problems || [{ message: body.error.message + (body.error.fields ? ' ' + JSON.stringify(body.error.fields) : '') }];
    }
    return [{ message: spText('modeler.unknown_answer') }];
  }

  $('btn-validate').addEventListener('click', function () {
    say(spText('modeler.validating'));
    formData().then(function (data) {
      return request(api + '/validate', { method: 'POST', body: data });
    }).then(function (r) {
      if (r.ok && r.body.valid) { say(spText('modeler.valid'), 'good'); } else { say(spText('modeler.invalid'), 'bad'); }
      showProblems(r.ok ? r.body.problems : problemsOf(r.body), r.ok ? r.body.warnings : []);
    });
  });

  $('btn-save').addEventListener('click', function () {
    if (!$('comment').value.trim()) { say(spText('modeler.comment_needed'), 'bad'); $('comment').focus(); return; }
    say(spText('modeler.saving'));
    formData().then(function (data) {
      return request(api + '/versions', { method: 'POST', body: data });
    }).then(function (r) {
      if (r.status === 201) {
        state.saved = r.body.version;
        say(spText(r.body.created ? 'modeler.saved' : 'modeler.unchanged', { version: r.body.version }) + ' ' +
          spText('modeler.request_deploy_hint'), 'good');
        $('btn-deploy').hidden = false;
        $('btn-deploy').textContent = spText('modeler.request_deploy_button', { version: r.body.version });
        showProblems([], r.body.warnings);
      } else {
        say(spText('modeler.not_saved'), 'bad');
        showProblems(problemsOf(r.body), r.body && r.body.error ? r.body.error.warnings : []);
      }
    });
  });

  $('btn-deploy').addEventListener('click', function () {
    if (!state.saved) { return; }
    request(api + '/versions/' + state.saved + '/deploy', { method: 'POST' }).then(function (r) {
      if (r.ok) {
        say(spText('modeler.deploy_requested', { version: state.saved }), 'good');
        $('btn-deploy').hidden = true;
      } else { say(spText('modeler.deploy_request_failed', { error: (r.body && r.body.error && r.body.error.message) || r.status }), 'bad'); }
    });
  });

  $('btn-layout').addEventListener('click', function () {
    bpmn.saveXML({ format: true }).then(function (result) {
      return request(root.dataset.layoutUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ bpmn: result.xml }) });
    }).then(function (r) {
      if (!r.ok) { showProblems(problemsOf(r.body)); say(spText('modeler.layout_failed'), 'bad'); return null; }
      state.files.bpmn[state.current.name] = r.body.bpmn;
      state.baseline['bpmn/' + state.current.name] = null;
      return bpmn.importXML(r.body.bpmn).then(function () {
        bpmn.get('canvas').zoom('fit-viewport');
        say(spText('modeler.layout_done'), 'good');
      });
    });
  });

  $('file-select').addEventListener('change', function (event) {
    var parts = event.target.value.split('/');
    open(parts[0], parts.slice(1).join('/'));
  });

  $('new-form').addEventListener('click', function () {
    var name = window.prompt(spText('modeler.new_form_prompt'), '');
    if (!name) { return; }
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*\.json$/.test(name)) { say(spText('modeler.new_form_bad_name'), 'bad'); return; }
    if (!state.files.forms[name]) {
      state.files.forms[name] = JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema',
        title: spText('modeler.new_form_title'), type: 'object', properties: {}, required: [] }, null, 2);
    }
    stash().then(function () { state.current = null; fillSelect(); open('forms', name); });
  });

  request(api + '/versions/' + root.dataset.version).then(function (r) {
    if (!r.ok) { say(spText('modeler.load_failed'), 'bad'); return; }
    state.files = r.body.files;
    state.groups = r.body.groups;
    fillSelect();
    open('bpmn', r.body.main_file).then(function () { root.dataset.ready = '1'; });
  });
  window.satupintuModeler = { bpmn: bpmn, props: props, state: state };
}());
