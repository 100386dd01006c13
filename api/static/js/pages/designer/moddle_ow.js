// The moddle descriptor for OneWindow's own BPMN extension (bpmn/README.md): `ow:warning`, `ow:choice` and
// `ow:opinion` inside a user task's extensionElements, `ow:shared` and `ow:field` inside a process's. bpmn-js drops the
// elements of a registered namespace it has no type for, so every one of them is declared here, or a
// diagram opened and saved in the designer would lose it.
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
        { name: "maxDaysWithExtension", isAttr: true, type: "Integer" },
        { name: "maxDaysFromReceipt", isAttr: true, type: "Integer" },
      ],
    },
    {
      name: "Choice",
      superClass: ["Element"],
      properties: [
        { name: "value", isAttr: true, type: "String" },
        { name: "label", isAttr: true, type: "String" },
        { name: "opinion", isAttr: true, type: "String" },
      ],
    },
    {
      name: "Opinion",
      superClass: ["Element"],
      properties: [
        { name: "label", isAttr: true, type: "String" },
        { name: "required", isAttr: true, type: "String" },
      ],
    },
    {
      name: "Shared",
      superClass: ["Element"],
      properties: [{ name: "keys", isAttr: true, type: "String" }],
    },
    {
      name: "Field",
      superClass: ["Element"],
      properties: [
        { name: "name", isAttr: true, type: "String" },
        { name: "label", isAttr: true, type: "String" },
      ],
    },
  ],
};

export const WARNING_ATTRIBUTES = ["yellowDaysLeft", "yellowFractionUsed", "escalateAfterDays"];
