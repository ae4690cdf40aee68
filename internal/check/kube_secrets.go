package check

import (
	"pinwheel.dev/pinwheel/internal/check/k8syaml"
	"pinwheel.dev/pinwheel/internal/secrets"
)

// envSecrets reports PW408 for env entries whose literal value is a
// secret (internal/secrets: the detectors PW404 and pinwheel build use):
// critical when the value is shaped like a credential.
func (k *kubeCheck) envSecrets(o k8syaml.Object, c container) {
	for _, e := range k8syaml.Items(k8syaml.Get(c.node, "env")) {
		v := k8syaml.Get(e, "value")
		if v == nil {
			continue
		}
		name := k8syaml.Str(k8syaml.Get(e, "name"))
		k.judgeEnv(o, v.Line, "container "+c.name+" env "+name, name, k8syaml.Str(v))
	}
}

// release checks a pinwheel Release: its image (PW505/PW506) and its
// spec.env, which the controller copies into the canary's pods (PW408).
func (k *kubeCheck) release(o k8syaml.Object) {
	if img := k8syaml.Get(o.Root, "spec", "image"); img != nil {
		k.judgeImage(o, img.Line, "spec.image "+k8syaml.Str(img), k8syaml.Str(img))
	}
	for _, kv := range k8syaml.Pairs(k8syaml.Get(o.Root, "spec", "env")) {
		k.judgeEnv(o, kv[0].Line, "spec.env "+kv[0].Value, kv[0].Value, k8syaml.Str(kv[1]))
	}
}

func (k *kubeCheck) judgeEnv(o k8syaml.Object, line int, what, name, value string) {
	if kind, critical, ok := secrets.Env(name, value); ok {
		f := k.add("PW408", o, line, "%s %s: anyone who can read the object reads it", what, kind)
		if critical {
			f.Severity = SeverityCritical
		}
	}
}
