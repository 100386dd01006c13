// The moddle descriptor for OneWindow's own BPMN extension (`ow:warning` inside a user task's
// extensionElements, see bpmn/README.md), so bpmn-js reads, edits and writes it as a typed element.
export const OW_DESCRIPTOR = {
  name: "OneWindow",
  uri: "urn:onewindow:bpmn",
  prefix: "ow",
  xml: { tagAlias: "lowerCase" },
  types: [
    {
      name: "Warning",
      superClass: ["Element"],
      properties: [
        { name: "yellowDaysLeft", isAttr: true, type: "Integer" },
        { name: "yellowFractionUsed", isAttr: true, type: "Real" },
        { name: "escalateAfterDays", isAttr: true, type: "Integer" },
      ],
    },
  ],
};

export const WARNING_ATTRIBUTES = ["yellowDaysLeft", "yellowFractionUsed", "escalateAfterDays"];
