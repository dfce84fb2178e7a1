/* Test runs page: run a scenario through the API and show the path taken; save it as a model test. */
(function () {
  'use strict';
  var root = document.getElementById('test-runs');
  if (!root) { return; }
  var $ = function (id) { return document.getElementById(id); };
  var csrf = $('csrf_token').value;

  function post(url, body) {
    return fetch(url, { method: 'POST', credentials: 'same-origin', body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': csrf } })
      .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); });
  }
  function scenario() {
    try { return JSON.parse($('scenario').value); } catch (e) { $('status').textContent = spText('tests.scenario_invalid', { error: e.message }); return null; }
  }
  function item(list, text, cls) {
    var li = document.createElement('li');
    li.textContent = text;
    if (cls) { li.className = cls; }
    list.appendChild(li);
  }
  function show(result) {
    var box = $('result');
    box.textContent = '';
    var head = document.createElement('p');
    head.className = result.passed ? 'good' : 'bad';
    head.textContent = spText('tests.summary', { verdict: spText(result.passed ? 'tests.passed' : 'tests.failed').toUpperCase(),
      version: result.version, status: result.status, outcome: result.outcome || spText('tests.not_finished') });
    box.appendChild(head);
    var failures = document.createElement('ul');
    result.failures.forEach(function (f) { item(failures, f, 'problem'); });
    box.appendChild(failures);
    var h = document.createElement('h3'); h.textContent = spText('tests.steps'); box.appendChild(h);
    var steps = document.createElement('ol');
    result.steps.forEach(function (s) {
      item(steps, (s.kind === 'task' ? spText('tests.step_task', { name: s.name, id: s.bpmn_id, lane: s.lane || '-' }) :
        s.kind === 'timer' ? spText('tests.step_timer', { name: s.name || s.bpmn_id }) : spText('tests.step_message', { name: s.name })) +
        ' · ' + s.at, s.errors ? 'problem' : '');
    });
    box.appendChild(steps);
    var h2 = document.createElement('h3'); h2.textContent = spText('tests.path'); box.appendChild(h2);
    var path = document.createElement('ol');
    path.className = 'path';
    result.path.forEach(function (p) { item(path, p.name + ' (' + p.process_id + ':' + p.bpmn_id + ', ' + p.kind + ')'); });
    box.appendChild(path);
    if (result.waiting.length) {
      var h3 = document.createElement('h3'); h3.textContent = spText('tests.waiting'); box.appendChild(h3);
      var waiting = document.createElement('ul');
      result.waiting.forEach(function (w) { item(waiting, spText('tests.waiting_task', { name: w.name, id: w.bpmn_id, lane: w.lane })); });
      result.timers.forEach(function (t) { item(waiting, spText('tests.waiting_timer', { name: t.name || t.bpmn_id, due: t.due_at })); });
      box.appendChild(waiting);
    }
  }
  $('btn-run').addEventListener('click', function () {
    var body = scenario();
    if (!body) { return; }
    $('status').textContent = spText('tests.running');
    post(root.dataset.api + '/test-runs', { scenario: body, version: parseInt($('run-version').value, 10) || null })
      .then(function (r) {
        $('status').textContent = r.ok ? '' : spText('tests.failed_request', { error: JSON.stringify(r.body.error) });
        if (r.ok) { show(r.body); }
      });
  });
  $('btn-save-test').addEventListener('click', function () {
    var body = scenario();
    if (!body) { return; }
    post(root.dataset.api + '/tests', { scenario: body }).then(function (r) {
      $('status').textContent = r.ok ? spText('tests.saved', { name: r.body.name }) : spText('tests.failed_request', { error: JSON.stringify(r.body.error) });
    });
  });
}());
