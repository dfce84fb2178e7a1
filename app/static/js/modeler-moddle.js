/* The spiffworkflow moddle extension for bpmn-js: lets the modeler read and write
   spiffworkflow:properties, instructionsForEndUser, pre/post scripts, messageVariable and
   calledDecisionId (namespace http://spiffworkflow.org/bpmn/schema/1.0/core). */
(function () {
  'use strict';
  function bodyType(name) {
    return { name: name, superClass: ['Element'], properties: [{ name: 'value', isBody: true, type: 'String' }] };
  }
  window.SpiffworkflowModdle = {
    name: 'SpiffWorkflow',
    uri: 'http://spiffworkflow.org/bpmn/schema/1.0/core',
    prefix: 'spiffworkflow',
    xml: { tagAlias: 'lowerCase' },
    associations: [],
    types: [
      {
        name: 'Properties',
        superClass: ['Element'],
        properties: [{ name: 'properties', type: 'Property', isMany: true }]
      },
      {
        name: 'Property',
        superClass: ['Element'],
        properties: [
          { name: 'name', isAttr: true, type: 'String' },
          { name: 'value', isAttr: true, type: 'String' }
        ]
      },
      bodyType('InstructionsForEndUser'),
      bodyType('PreScript'),
      bodyType('PostScript'),
      bodyType('MessageVariable'),
      bodyType('CalledDecisionId'),
      bodyType('VariableName')
    ]
  };
}());
