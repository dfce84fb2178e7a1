"""Small BPMN models built in code, to test the engine facade in isolation."""
from __future__ import annotations

from xml.sax.saxutils import escape

from app.engine import Library, SpecCache

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs" '
        'targetNamespace="http://bpmn.io/schema/bpmn">\n')
CACHE = SpecCache()


def _process(pid: str, body: str, extra: str = "") -> str:
    return (HEAD + extra + f'<bpmn:process id="{pid}" isExecutable="true">\n'
            '<bpmn:laneSet id="ls"><bpmn:lane id="l1" name="verifikator">'
            '<bpmn:flowNodeRef>wait</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>\n'
            + body + '</bpmn:process></bpmn:definitions>')


def script_after_wait(script: str, pid: str = "attack") -> str:
    """start -> user task `wait` -> script task -> end."""
    return _process(pid, f"""
<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
<bpmn:userTask id="wait" name="Tunggu"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
<bpmn:scriptTask id="run_script" name="Skrip"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
<bpmn:script>{escape(script)}</bpmn:script></bpmn:scriptTask>
<bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
<bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="run_script"/>
<bpmn:sequenceFlow id="f3" sourceRef="run_script" targetRef="end"/>
""")


def timer_then_task(duration: str = '"PT1H"') -> str:
    """start -> user task `wait` -> timer -> script -> end."""
    return _process("timed", f"""
<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
<bpmn:userTask id="wait" name="Tunggu"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
<bpmn:intermediateCatchEvent id="timer" name="Satu jam"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
<bpmn:timerEventDefinition><bpmn:timeDuration>{escape(duration)}</bpmn:timeDuration></bpmn:timerEventDefinition>
</bpmn:intermediateCatchEvent>
<bpmn:scriptTask id="after" name="Sesudah"><bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing>
<bpmn:script>timer_done = True</bpmn:script></bpmn:scriptTask>
<bpmn:endEvent id="end"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
<bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="timer"/>
<bpmn:sequenceFlow id="f3" sourceRef="timer" targetRef="after"/>
<bpmn:sequenceFlow id="f4" sourceRef="after" targetRef="end"/>
""")


def message_wait() -> str:
    """start -> user task `wait` -> catch message payment_received (into `payment`) -> end."""
    return _process("paid", """
<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
<bpmn:userTask id="wait" name="Tunggu"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
<bpmn:intermediateCatchEvent id="await_payment" name="Menunggu pembayaran">
<bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property name="caseStatus" value="waiting_payment"/>
</spiffworkflow:properties></bpmn:extensionElements>
<bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
<bpmn:messageEventDefinition messageRef="msg_paid"><bpmn:extensionElements>
<spiffworkflow:messageVariable>payment</spiffworkflow:messageVariable></bpmn:extensionElements>
</bpmn:messageEventDefinition></bpmn:intermediateCatchEvent>
<bpmn:endEvent id="end"><bpmn:extensionElements><spiffworkflow:properties>
<spiffworkflow:property name="caseStatus" value="issued"/></spiffworkflow:properties></bpmn:extensionElements>
<bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
<bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="await_payment"/>
<bpmn:sequenceFlow id="f3" sourceRef="await_payment" targetRef="end"/>
""", extra="")


def parsed(xml: str, pid: str):
    """Parse a single-file model through the same bundle path the app uses."""
    if "msg_paid" in xml:
        xml = xml.replace('<bpmn:process id="paid"', '<bpmn:message id="msg_paid" name="payment_received"/>\n'
                                                     '<bpmn:process id="paid"')
    library = Library.from_files({f"{pid}.bpmn": xml}, {}, {})
    return CACHE.get(library.bundle(pid))
