package pep

// Environment holds PEP 508 marker variables by name, e.g.
// "python_version": "3.11". Build one for a target with EnvironmentFor;
// set "extra" to evaluate a requirement under one of its extras (or use
// Marker.EvaluateWithExtras). The set-valued variables of PEP 751 lock
// markers, "extras" and "dependency_groups", are comma-separated lists:
// "dev,test".
type Environment map[string]string
