package k8syaml

import (
	"fmt"

	"gopkg.in/yaml.v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	sigsyaml "sigs.k8s.io/yaml"
)

// Selector reads a metav1.LabelSelector node with apimachinery's own
// semantics (matchLabels and matchExpressions). An empty selector selects
// everything, a missing one (nil) nothing — as policy/v1 says for a
// PodDisruptionBudget.
func Selector(n *yaml.Node) (labels.Selector, error) {
	if n == nil {
		return labels.Nothing(), nil
	}
	data, err := yaml.Marshal(n)
	if err != nil {
		return nil, err
	}
	var ls metav1.LabelSelector
	if err := sigsyaml.Unmarshal(data, &ls); err != nil {
		return nil, fmt.Errorf("selector: %w", err)
	}
	return metav1.LabelSelectorAsSelector(&ls)
}
