/* Side form of the browser modeler: the extension properties SatuPintu reads, written to
   spiffworkflow:properties (and the other spiffworkflow elements) through the bpmn-js moddle,
   so every edit is an undoable command. */
(function () {
  'use strict';

  var STATUSES = ['', 'submitted', 'in_review', 'waiting_applicant', 'waiting_agency', 'waiting_payment',
    'approved', 'issued', 'rejected', 'expired'];
  var TASK_FIELDS = [
    { name: 'formJsonSchemaFilename', label: spText('props.task_form'), kind: 'form' },
    { name: 'formUiSchemaFilename', label: spText('props.task_ui_schema'), kind: 'form' },
    { name: 'slaWorkingDays', label: spText('props.sla_days'), kind: 'number' },
    { name: 'caseStatus', label: spText('props.task_case_status'), kind: 'select', options: STATUSES },
    { name: 'priority', label: spText('props.priority'), kind: 'number' },
    { name: 'hostAction', label: spText('props.host_action'), kind: 'text' }
  ];
  var EVENT_FIELDS = [
    { name: 'caseStatus', label: spText('props.event_case_status'), kind: 'select', options: STATUSES },
    { name: 'notify', label: spText('props.notify'), kind: 'text' },
    { name: 'hostAction', label: spText('props.host_action'), kind: 'text' }
  ];
  var PROCESS_FIELDS = [
    { name: 'serviceCategory', label: spText('props.category'), kind: 'select', options: ['', 'perizinan', 'non_perizinan'] },
    { name: 'sopWorkingDays', label: spText('props.sop_days'), kind: 'number' },
    { name: 'agencyTimePauses', label: spText('props.agency_pauses'), kind: 'select',
      options: ['', 'true', 'false'] },
    { name: 'registrationPrefix', label: spText('props.registration_prefix'), kind: 'text' },
    { name: 'feeKind', label: spText('props.fee_kind'), kind: 'select', options: ['', 'free', 'fixed', 'computed'] },
    { name: 'feeAmount', label: spText('props.fee_amount'), kind: 'number' },
    { name: 'feeDecision', label: spText('props.fee_decision'), kind: 'decision' },
    { name: 'permitValidityYears', label: spText('props.validity_years'), kind: 'number' },
    { name: 'applicationFormSchema', label: spText('props.application_form'), kind: 'form' },
    { name: 'applicationFormUiSchema', label: spText('props.application_ui_schema'), kind: 'form' },
    { name: 'requirementsFile', label: spText('props.requirements'), kind: 'form' },
    { name: 'shared', label: spText('props.shared'), kind: 'select', options: ['', 'true'] }
  ];

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  window.ModelerProps = function (modeler, container, options) {
    var moddle = modeler.get('moddle');
    var modeling = modeler.get('modeling');
    var canvas = modeler.get('canvas');
    var registry = modeler.get('elementRegistry');
    var selected = null;

    function businessObject(element) {
      var bo = element.businessObject;
      return bo.$type === 'bpmn:Participant' && bo.processRef ? bo.processRef : bo;
    }
    function extValues(bo) { return bo.extensionElements ? bo.extensionElements.get('values') : []; }
    function findExt(bo, type) { return extValues(bo).filter(function (v) { return v.$type === type; })[0]; }
    function ensureExt(element, bo) {
      if (!bo.extensionElements) {
        var ext = moddle.create('bpmn:ExtensionElements', { values: [] });
        ext.$parent = bo;
        modeling.updateModdleProperties(element, bo, { extensionElements: ext });
      }
      return bo.extensionElements;
    }
    function getProp(bo, name) {
      var props = findExt(bo, 'spiffworkflow:Properties');
      var item = props && props.get('properties').filter(function (p) { return p.name === name; })[0];
      return item ? (item.value || '') : '';
    }
    function setProp(element, bo, name, value) {
      value = (value || '').trim();
      var props = findExt(bo, 'spiffworkflow:Properties');
      if (!props) {
        if (!value) { return; }
        var ext = ensureExt(element, bo);
        props = moddle.create('spiffworkflow:Properties', { properties: [] });
        props.$parent = ext;
        modeling.updateModdleProperties(element, ext, { values: ext.get('values').concat([props]) });
      }
      var list = props.get('properties');
      var item = list.filter(function (p) { return p.name === name; })[0];
      if (!value) {
        if (item) { modeling.updateModdleProperties(element, props, { properties: list.filter(function (p) { return p !== item; }) }); }
        return;
      }
      if (item) {
        modeling.updateModdleProperties(element, item, { value: value });
      } else {
        var created = moddle.create('spiffworkflow:Property', { name: name, value: value });
        created.$parent = props;
        modeling.updateModdleProperties(element, props, { properties: list.concat([created]) });
      }
    }
    function getBody(bo, type) { var node = findExt(bo, type); return node ? (node.value || '') : ''; }
    function setBody(element, bo, type, value) {
      var node = findExt(bo, type);
      if (!value.trim()) {
        if (node) {
          modeling.updateModdleProperties(element, bo.extensionElements,
            { values: extValues(bo).filter(function (v) { return v !== node; }) });
        }
        return;
      }
      if (node) { modeling.updateModdleProperties(element, node, { value: value }); return; }
      var ext = ensureExt(element, bo);
      node = moddle.create(type, { value: value });
      node.$parent = ext;
      modeling.updateModdleProperties(element, ext, { values: ext.get('values').concat([node]) });
    }

    function field(spec, value, onChange) {
      var id = 'prop-' + spec.name;
      var wrap = el('div', { class: 'field' });
      wrap.appendChild(el('label', { for: id }, spec.label));
      var input;
      if (spec.kind === 'select' || spec.kind === 'group') {
        input = el('select', { id: id, name: spec.name });
        var opts = spec.options.slice();
        if (value && opts.indexOf(value) < 0) { opts.push(value); }
        opts.forEach(function (o) {
          var option = el('option', { value: o }, o === '' ? spText('props.not_set') : o);
          if (o === value) { option.selected = true; }
          input.appendChild(option);
        });
      } else if (spec.kind === 'textarea') {
        input = el('textarea', { id: id, name: spec.name, rows: spec.rows || 4, spellcheck: 'false' });
        input.value = value || '';
      } else {
        input = el('input', { id: id, name: spec.name, type: spec.kind === 'number' ? 'number' : 'text' });
        if (spec.kind === 'number') { input.setAttribute('min', '0'); }
        if (spec.kind === 'form' || spec.kind === 'decision') { input.setAttribute('list', 'list-' + spec.kind); }
        input.value = value || '';
      }
      input.addEventListener('change', function () { onChange(input.value); });
      wrap.appendChild(input);
      return wrap;
    }

    function datalists() {
      var forms = el('datalist', { id: 'list-form' });
      options.forms().forEach(function (f) { forms.appendChild(el('option', { value: f })); });
      var decisions = el('datalist', { id: 'list-decision' });
      options.decisions().forEach(function (d) { decisions.appendChild(el('option', { value: d })); });
      container.appendChild(forms);
      container.appendChild(decisions);
    }

    function mainProcessElement() {
      var root = canvas.getRootElement();
      var participants = registry.filter(function (e) { return e.type === 'bpmn:Participant'; });
      var mine = participants.filter(function (p) {
        return p.businessObject.processRef && p.businessObject.processRef.id === options.processId();
      })[0];
      return mine || participants[0] || root;
    }

    function render() {
      container.textContent = '';
      datalists();
      var element = selected;
      if (!element || element === canvas.getRootElement()) { element = mainProcessElement(); }
      if (!element || !element.businessObject) { return; }
      var bo = businessObject(element);
      var type = bo.$type;
      var isProcess = type === 'bpmn:Process';
      container.appendChild(el('h2', {}, isProcess ? spText('props.process_title', { name: bo.name || bo.id }) : (bo.name || bo.id)));
      container.appendChild(el('p', { class: 'meta mono' }, type.replace('bpmn:', '') + ' · ' + bo.id));
      if (type === 'bpmn:Lane') {
        container.appendChild(field({ name: 'lane', label: spText('props.lane'), kind: 'group',
          options: [''].concat(options.groups()) }, bo.name || '', function (v) {
          modeling.updateProperties(element, { name: v });
        }));
        return;
      }
      container.appendChild(field({ name: 'name', label: spText('props.name'), kind: 'text' }, bo.name || '', function (v) {
        if (isProcess) { modeling.updateModdleProperties(element, bo, { name: v }); } else { modeling.updateLabel(element, v); }
      }));
      var specs = [];
      if (isProcess) { specs = PROCESS_FIELDS; } else if (type === 'bpmn:UserTask' || type === 'bpmn:ManualTask') { specs = TASK_FIELDS; } else if (/Event$/.test(type) || type === 'bpmn:ReceiveTask') { specs = EVENT_FIELDS; }
      specs.forEach(function (spec) {
        container.appendChild(field(spec, getProp(bo, spec.name), function (v) { setProp(element, bo, spec.name, v); }));
      });
      if (type === 'bpmn:UserTask') {
        container.appendChild(field({ name: 'instructions', label: spText('props.instructions'), kind: 'textarea' },
          getBody(bo, 'spiffworkflow:InstructionsForEndUser'), function (v) { setBody(element, bo, 'spiffworkflow:InstructionsForEndUser', v); }));
      }
      if (type === 'bpmn:ScriptTask') {
        container.appendChild(field({ name: 'script', label: spText('props.script'), kind: 'textarea', rows: 6 },
          bo.script || '', function (v) { modeling.updateProperties(element, { script: v }); }));
      }
      if (/Task$/.test(type) && type !== 'bpmn:ScriptTask') {
        container.appendChild(field({ name: 'preScript', label: spText('props.pre_script'), kind: 'textarea' },
          getBody(bo, 'spiffworkflow:PreScript'), function (v) { setBody(element, bo, 'spiffworkflow:PreScript', v); }));
        container.appendChild(field({ name: 'postScript', label: spText('props.post_script'), kind: 'textarea' },
          getBody(bo, 'spiffworkflow:PostScript'), function (v) { setBody(element, bo, 'spiffworkflow:PostScript', v); }));
      }
      if (type === 'bpmn:BusinessRuleTask') {
        container.appendChild(field({ name: 'calledDecisionId', label: spText('props.called_decision'), kind: 'decision' },
          getBody(bo, 'spiffworkflow:CalledDecisionId'), function (v) { setBody(element, bo, 'spiffworkflow:CalledDecisionId', v); }));
      }
      if (type === 'bpmn:CallActivity') {
        container.appendChild(field({ name: 'calledElement', label: spText('props.called_element'), kind: 'text' },
          bo.calledElement || '', function (v) { modeling.updateProperties(element, { calledElement: v }); }));
      }
      if (type === 'bpmn:SequenceFlow') {
        var condition = bo.conditionExpression ? bo.conditionExpression.body || '' : '';
        container.appendChild(field({ name: 'condition', label: spText('props.condition'), kind: 'textarea', rows: 2 },
          condition, function (v) {
            modeling.updateProperties(element, { conditionExpression: v.trim() ? moddle.create('bpmn:FormalExpression', { body: v }) : undefined });
          }));
      }
      (bo.eventDefinitions || []).filter(function (d) { return d.$type === 'bpmn:TimerEventDefinition'; }).forEach(function (timer) {
        var key = timer.timeDuration ? 'timeDuration' : (timer.timeDate ? 'timeDate' : (timer.timeCycle ? 'timeCycle' : 'timeDuration'));
        var current = timer[key] ? timer[key].body || '' : '';
        container.appendChild(field({ name: 'timer', label: spText('props.timer', { kind: key }), kind: 'text' },
          current, function (v) {
            var update = {};
            update[key] = moddle.create('bpmn:FormalExpression', { body: v });
            modeling.updateModdleProperties(element, timer, update);
          }));
      });
    }

    modeler.on('selection.changed', function (event) {
      selected = event.newSelection.length === 1 ? event.newSelection[0] : null;
      render();
    });
    modeler.on('import.done', function () { selected = null; render(); });
    modeler.on('commandStack.changed', function () {
      if (!container.contains(document.activeElement)) { render(); }
    });
    return { render: render };
  };
}());
