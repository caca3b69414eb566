package main

import "runtime/debug"

// version is set at build time with -ldflags "-X main.version=…" (the
// Dockerfile passes its VERSION build argument).
var version = "dev"

// buildVersion is the version the binary was built as: the linker's, else
// the module version `go install …@vX` records, else the commit a build
// from a git checkout records (with "+dirty" for uncommitted changes),
// else "dev".
func buildVersion() string {
	if version != "dev" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return version
	}
	return versionFrom(info)
}

func versionFrom(info *debug.BuildInfo) string {
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev == "" {
		return "dev"
	}
	return "dev-" + rev[:min(12, len(rev))] + dirty
}
