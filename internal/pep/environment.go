package pep

// Environment holds PEP 508 marker variables by name, e.g.
// "python_version": "3.11". Build one for a target with EnvironmentFor;
// set "extra" to evaluate a requirement under one of its extras.
type Environment map[string]string
