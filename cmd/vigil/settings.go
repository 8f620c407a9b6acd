package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/viper"
)

// defaultSettingsFile is where `vigil agent` looks for its settings when
// --config-file is not given.
const defaultSettingsFile = "/etc/vigil/vigil.yaml"

// readSettingsFile reads the settings file named by v's "config-file" into
// v, under the flags and VIGIL_* variables. The default file may be
// missing; a file named explicitly (flag or VIGIL_CONFIG_FILE) must exist.
// An unknown key is an error, so a misspelt setting is never ignored.
func readSettingsFile(v *viper.Viper, explicit bool) error {
	path := v.GetString("config-file")
	if path == "" {
		return nil
	}
	if _, ok := os.LookupEnv("VIGIL_CONFIG_FILE"); ok {
		explicit = true
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) && !explicit {
		return nil
	}
	file := viper.New()
	file.SetConfigFile(path)
	file.SetConfigType("yaml")
	if err := file.ReadInConfig(); err != nil {
		return fmt.Errorf("settings file %s: %w", path, err)
	}
	for _, k := range file.AllKeys() {
		if k == "config-file" || !v.IsSet(k) && v.Get(k) == nil {
			return fmt.Errorf("settings file %s: unknown setting %q (settings are named as the flags of vigil agent)", path, k)
		}
	}
	return v.MergeConfigMap(file.AllSettings())
}
