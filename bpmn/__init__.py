"""Shipped BPMN diagrams (data files beside this module) and the lint rules a diagram must pass."""
