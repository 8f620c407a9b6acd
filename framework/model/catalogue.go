package model

// Catalogue holds the static attributes every type has, with their defaults
// (design.md §3). A type may redeclare one to change its default; the value
// in types.cf wins over the catalogue, and a resource override wins over both.
var Catalogue = map[string]*AttrDef{}

// ResourceCatalogue holds the attributes every resource has whatever its
// type (Enabled, Critical, AutoStart, ...), with their defaults.
var ResourceCatalogue = map[string]*AttrDef{}

func static(name string, k Kind, d Dimension, def Value) {
	Catalogue[name] = &AttrDef{Name: name, Kind: k, Dim: d, Static: true, Default: def, HasDef: true}
}

func resource(name string, k Kind, d Dimension, def Value) {
	ResourceCatalogue[name] = &AttrDef{Name: name, Kind: k, Dim: d, Default: def, HasDef: true}
}

func init() {
	for name, n := range map[string]int{
		"OnlineTimeout": 300, "OfflineTimeout": 300, "OpenTimeout": 60, "CloseTimeout": 60,
		"CleanTimeout": 60, "AttrChangedTimeout": 60, "MonitorTimeout": 60, "ActionTimeout": 30,
		"InfoTimeout": 30, "MonitorInterval": 60, "OfflineMonitorInterval": 300,
		"OnlineWaitLimit": 2, "OfflineWaitLimit": 0, "OnlineRetryLimit": 0, "CleanRetryLimit": 0,
		"RestartLimit": 0, "ToleranceLimit": 0, "ConfInterval": 600, "FaultOnMonitorTimeouts": 4,
		"NumThreads": 10, "LevelTwoMonitorFreq": 0, "InfoInterval": 0, "IntentionalOffline": 0,
		"AgentReplyTimeout": 130, "AgentStartTimeout": 60, "AgentPriority": 0, "FireDrill": 0,
		"ShutdownTimeout": 60, "ImfInitTimeout": 60, "ImfRegisterTimeout": 60,
	} {
		static(name, Int, Scalar, IntValue(n))
	}
	static("AEPTimeout", Boolean, Scalar, IntValue(0))
	for _, name := range []string{"AgentDirectory", "AgentFile", "AgentClass", "Operations", "ScriptClass", "ScriptPriority"} {
		static(name, Str, Scalar, ScalarValue(""))
	}
	Catalogue["AgentClass"].Default = ScalarValue("TS")
	Catalogue["Operations"].Default = ScalarValue("OnOff")
	static("ArgList", Str, Vector, Zero(Vector))
	static("IMFRegList", Str, Vector, Zero(Vector))
	static("SupportedActions", Str, Keylist, Zero(Keylist))
	static("RegList", Str, Keylist, Zero(Keylist))
	static("LogDbg", Str, Keylist, Zero(Keylist))
	static("ExternalStateChanged", Str, Keylist, Zero(Keylist))
	static("IMF", Int, Assoc, AssocValue(KV{"Mode", "0"}, KV{"MonitorFreq", "1"}, KV{"RegisterRetryLimit", "3"}))
	static("MonitorStatsParam", Int, Assoc, AssocValue(KV{"Frequency", "0"}, KV{"ExpectedValue", "3000"},
		KV{"ValueThreshold", "100"}, KV{"AvgThreshold", "40"}))
	static("ContainerOpts", Int, Assoc, Zero(Assoc))

	resource("Enabled", Boolean, Scalar, IntValue(1))
	resource("Critical", Boolean, Scalar, IntValue(1))
	resource("AutoStart", Boolean, Scalar, IntValue(1))
	resource("ComputeStats", Boolean, Scalar, IntValue(0))
	resource("ManageFaults", Str, Scalar, ScalarValue("ALL"))
	resource("ResourceOwner", Str, Scalar, ScalarValue(""))
	resource("ContainerInfo", Str, Assoc, Zero(Assoc))
}
