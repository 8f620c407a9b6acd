package config

import (
	"fmt"
	"strings"

	"github.com/vigil-ha/vigil/framework/model"
)

// checkPrintable reports the first value or name that the language cannot
// hold (a string with a newline: quoted strings are one line), so that Dump
// refuses it before writing anything.
func checkPrintable(cfg *model.Config) error {
	bad := func(s string) bool { return strings.ContainsAny(s, "\n") }
	value := func(v model.Value) bool {
		if bad(v.Scalar) {
			return true
		}
		for _, s := range v.List {
			if bad(s) {
				return true
			}
		}
		for _, kv := range v.Assoc {
			if bad(kv.Key) || bad(kv.Value) {
				return true
			}
		}
		return false
	}
	for _, r := range cfg.Resources {
		for _, m := range []map[string]model.Value{r.Values, r.Overrides} {
			for k, v := range m {
				if value(v) {
					return fmt.Errorf("attribute %s of resource %s holds a newline, which main.cf cannot represent", k, r.Name)
				}
			}
		}
	}
	for _, g := range cfg.Groups {
		for k, v := range g.Attrs {
			if value(v) {
				return fmt.Errorf("attribute %s of group %s holds a newline, which main.cf cannot represent", k, g.Name)
			}
		}
	}
	for _, t := range cfg.Types {
		for k, v := range t.Statics {
			if value(v) {
				return fmt.Errorf("attribute %s of type %s holds a newline, which a types file cannot represent", k, t.Name)
			}
		}
	}
	for k, v := range cfg.ClusterAt {
		if value(v) {
			return fmt.Errorf("attribute %s of the cluster holds a newline, which main.cf cannot represent", k)
		}
	}
	return nil
}
