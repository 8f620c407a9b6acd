package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vigil-ha/vigil/framework/api/wire"
)

// grpAdminCmds are the hagrp maintenance and configuration verbs.
func grpAdminCmds(f *clientFlags) []*cobra.Command {
	out := []*cobra.Command{grpFreeze(f, true), grpFreeze(f, false)}
	for _, v := range []struct{ verb, short, example string }{
		{"enable", "Allow a group online again (Enabled = 1, saved in main.cf)", "  vigil grp enable websg"},
		{"disable", "Refuse every online of a group, AutoStart too (Enabled = 0, saved in main.cf)", "  vigil grp disable websg"},
		{"flush", "Cancel a group's running online or offline (entry points already running finish)", "  vigil grp flush websg"},
		{"clear", "Clear every FAULTED or ADMIN_WAIT resource of a group and wait for their re-probes", "  vigil grp clear websg && vigil grp online websg"},
	} {
		out = append(out, grpSimple(f, v.verb, v.short, v.example))
	}
	return append(out, grpDep(f), grpAdd(f), grpDelete(f))
}

func grpFreeze(f *clientFlags, on bool) *cobra.Command {
	verb := map[bool]string{true: "freeze", false: "unfreeze"}[on]
	var persistent bool
	cmd := &cobra.Command{
		Use: verb + " GRP [--persistent]",
		Short: map[bool]string{true: "Freeze a group: monitored and reported, but nothing is done to its resources",
			false: "Unfreeze a group"}[on],
		Long: "A frozen group's resources are monitored and their states reported, but vigil takes no online,\n" +
			"offline, clean or restart action on them: a fault is reported FAULTED and left as it is.\n" +
			"Without --persistent the freeze is TFrozen: never written to main.cf, gone when the daemon\n" +
			"restarts. With --persistent it is Frozen = 1, saved in main.cf; unfreezing it needs --persistent.",
		Args:              cobra.ExactArgs(1),
		Example:           fmt.Sprintf("  vigil grp %s websg\n  vigil grp %s websg --persistent", verb, verb),
		ValidArgsFunction: completeNames(f, groupName, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext()
			defer cancel()
			return f.done(cmd, f.client().Freeze(ctx, args[0], on, persistent))
		},
	}
	cmd.Flags().BoolVar(&persistent, "persistent", false, "Frozen (saved in main.cf) rather than TFrozen")
	f.addJSONFlag(cmd)
	return cmd
}

func grpSimple(f *clientFlags, verb, short, example string) *cobra.Command {
	cmd := &cobra.Command{
		Use: verb + " GRP", Short: short, Args: cobra.ExactArgs(1), Example: example,
		ValidArgsFunction: completeNames(f, groupName, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext()
			defer cancel()
			return f.done(cmd, f.client().GroupAdmin(ctx, args[0], verb))
		},
	}
	f.addJSONFlag(cmd)
	return cmd
}

func grpDep(f *clientFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use: "dep GRP", Short: "Show the groups a group requires and the groups requiring it",
		Args: cobra.ExactArgs(1), Example: "  vigil grp dep dbsg\n  vigil grp dep dbsg --json",
		ValidArgsFunction: completeNames(f, groupName, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext()
			defer cancel()
			v, err := f.client().GroupDeps(ctx, args[0])
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(cmd.OutOrStdout(), v)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "#Parent\tChild\tRelationship\n")
			for _, d := range v.Requires {
				fmt.Fprintf(w, "%s\t%s\t%s %s %s\n", v.Name, d.Group, d.Category, d.Location, d.Rigidity)
			}
			for _, d := range v.RequiredBy {
				fmt.Fprintf(w, "%s\t%s\t%s %s %s\n", d.Group, v.Name, d.Category, d.Location, d.Rigidity)
			}
			return nil
		},
	}
	f.addJSONFlag(cmd)
	return cmd
}

func grpAdd(f *clientFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use: "add GRP", Short: "Add an empty group (saved in main.cf at once)", Args: cobra.ExactArgs(1),
		Example: "  vigil grp add appsg\n  vigil grp add appsg && vigil res add app1 Process appsg",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext()
			defer cancel()
			return f.done(cmd, f.client().AddGroup(ctx, args[0]))
		},
	}
	f.addJSONFlag(cmd)
	return cmd
}

func grpDelete(f *clientFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use: "delete GRP", Short: "Delete a group with no resources that no group requires", Args: cobra.ExactArgs(1),
		Example: "  vigil grp delete appsg", ValidArgsFunction: completeNames(f, groupName, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext()
			defer cancel()
			return f.done(cmd, f.client().DeleteGroup(ctx, args[0]))
		},
	}
	f.addJSONFlag(cmd)
	return cmd
}

// resAdminCmds are the hares configuration verbs.
func resAdminCmds(f *clientFlags) []*cobra.Command {
	add := &cobra.Command{
		Use:   "add RES TYPE GRP",
		Short: "Add a resource (created with Enabled = 0; set its attributes, then Enabled 1)",
		Long: "Add a resource of TYPE to group GRP, as hares -add: it is created with Enabled = 0, so its agent\n" +
			"neither opens nor probes it until its attributes are set and Enabled is 1. The whole configuration\n" +
			"is validated as vigil check would, then main.cf is rewritten atomically.",
		Args:              cobra.ExactArgs(3),
		ValidArgsFunction: completeAdd(f),
		Example: "  vigil res add app2 Process appsg\n  vigil res modify app2 PathName /usr/bin/app\n" +
			"  vigil res modify app2 Enabled 1\n  vigil res link app2 ip1\n  vigil res online app2 --wait",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext()
			defer cancel()
			return f.done(cmd, f.client().AddResource(ctx, args[0], args[1], args[2]))
		},
	}
	del := &cobra.Command{
		Use: "delete RES", Short: "Delete a resource that is not online and has no links", Args: cobra.ExactArgs(1),
		Example:           "  vigil res offline app2 --wait && vigil res unlink app2 ip1 && vigil res delete app2",
		ValidArgsFunction: completeNames(f, resourceName, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext()
			defer cancel()
			return f.done(cmd, f.client().DeleteResource(ctx, args[0]))
		},
	}
	out := []*cobra.Command{add, del, resLink(f, true), resLink(f, false), resDep(f)}
	for _, c := range out {
		f.addJSONFlag(c)
	}
	return out
}

func resLink(f *clientFlags, on bool) *cobra.Command {
	verb := map[bool]string{true: "link", false: "unlink"}[on]
	return &cobra.Command{
		Use: verb + " PARENT CHILD",
		Short: map[bool]string{true: "Make PARENT require CHILD (same group, no cycle)",
			false: "Remove the dependency of PARENT on CHILD"}[on],
		Args: cobra.ExactArgs(2), Example: fmt.Sprintf("  vigil res %s app1 ip1", verb),
		ValidArgsFunction: completeNames(f, resourceName, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext()
			defer cancel()
			return f.done(cmd, f.client().Link(ctx, args[0], args[1], on))
		},
	}
}

func resDep(f *clientFlags) *cobra.Command {
	return &cobra.Command{
		Use: "dep RES", Short: "Show what a resource requires and what requires it (direct, then all)",
		Args: cobra.ExactArgs(1), Example: "  vigil res dep ip1\n  vigil res dep ip1 --json",
		ValidArgsFunction: completeNames(f, resourceName, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext()
			defer cancel()
			v, err := f.client().ResourceDeps(ctx, args[0])
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(cmd.OutOrStdout(), v)
			}
			w := cmd.OutOrStdout()
			list := func(s []string) string {
				if len(s) == 0 {
					return "-"
				}
				return strings.Join(s, " ")
			}
			fmt.Fprintf(w, "requires:        %s\n", list(v.Requires))
			fmt.Fprintf(w, "required by:     %s\n", list(v.RequiredBy))
			fmt.Fprintf(w, "all requires:    %s\n", list(v.AllRequires))
			fmt.Fprintf(w, "all required by: %s\n", list(v.AllRequiredBy))
			return nil
		},
	}
}

// editFlags are the partial-change modes of vigil res modify (hares -modify
// -add, -update, -delete and -undo_override).
type editFlags struct {
	plus, update, del, undo bool
	sys                     string
}

func (e *editFlags) add(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&e.plus, "add", false, "add keys (keylist), elements (vector) or key value pairs (association)")
	cmd.Flags().BoolVar(&e.update, "update", false, "change key value pairs (association) or index value pairs (vector)")
	cmd.Flags().BoolVar(&e.del, "delete", false, "delete the keys or elements named (all with none)")
	cmd.Flags().BoolVar(&e.undo, "undo-override", false, "drop the resource's override of a static attribute")
	cmd.Flags().StringVar(&e.sys, "sys", "", "the value for this system only (Attr@SYS in main.cf); with --delete, remove it")
}

// sysOp returns the mode of a --sys change: the whole value, or --delete.
func (e *editFlags) sysOp() (string, error) {
	switch op, err := e.op(); {
	case err != nil:
		return "", err
	case op == "":
		return "set", nil
	case op == "delete":
		return "delete", nil
	default:
		return "", fmt.Errorf("modify: --sys takes a whole value or --delete, not --%s", op)
	}
}

// op returns the mode chosen, "" for a whole value.
func (e *editFlags) op() (string, error) {
	var ops []string
	for _, m := range []struct {
		name string
		on   bool
	}{{"add", e.plus}, {"update", e.update}, {"delete", e.del}, {"undo-override", e.undo}} {
		if m.on {
			ops = append(ops, m.name)
		}
	}
	switch len(ops) {
	case 0:
		return "", nil
	case 1:
		return ops[0], nil
	}
	return "", fmt.Errorf("modify: --%s cannot be combined", strings.Join(ops, " and --"))
}

func typeModify(f *clientFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "modify TYPE ATTR VALUE...",
		Short: "Set the type-level value of a static attribute (like hatype -modify)",
		Long: "Set a static attribute of a type. Every resource of the type that does not override it gets\n" +
			"the value at once; the types file is rewritten atomically after the whole configuration is\n" +
			"validated as vigil check would. Only a type defined in the configuration directory can be\n" +
			"changed (copy a bundled types file there first).",
		Args:              cobra.MinimumNArgs(2),
		Example:           "  vigil type modify Process MonitorInterval 30\n  vigil type modify Web LogDbg DBG_1 DBG_3",
		ValidArgsFunction: completeNames(f, typeName, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext()
			defer cancel()
			return f.done(cmd, f.client().ModifyType(ctx, args[0], wire.ModifyRequest{Attribute: args[1], Values: append([]string{}, args[2:]...)}))
		},
	}
	f.addJSONFlag(cmd)
	return cmd
}

// completeAdd completes vigil res add RES TYPE GRP: nothing for the new
// name, then type names, then group names.
func completeAdd(f *clientFlags) cobra.CompletionFunc {
	types, groups := completeNames(f, typeName, 2), completeNames(f, groupName, 3)
	return func(cmd *cobra.Command, args []string, s string) ([]cobra.Completion, cobra.ShellCompDirective) {
		switch len(args) {
		case 1:
			return types(cmd, args[1:], s)
		case 2:
			return groups(cmd, args[2:], s)
		}
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
}
