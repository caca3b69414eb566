package shell

// Files Hearth attaches (charts, calendars, long lists) written where the
// person at the terminal can open them.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hearth-community/hearth/bot"
)

// writeFile writes a posted file into the files directory and returns its
// path. Without Config.FilesDir, the directory is one of this session's
// own, made in the temp directory at the first file, so sessions (and
// databases) never share one; it is kept after the session, since the
// output names the files in it. Within the directory a file never
// replaces another: a name already taken gets -2, -3… before its
// extension. The caller holds a.mu.
func (a *Adapter) writeFile(f *bot.File) (string, error) {
	if a.filesDir == "" {
		dir, err := os.MkdirTemp("", "hearth-files-")
		if err != nil {
			return "", err
		}
		a.filesDir = dir
	}
	base := filepath.Base(f.Name)
	if base == "." || base == string(filepath.Separator) {
		base = "file"
	}
	ext := filepath.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	for i := 1; i <= maxSameName; i++ {
		name := base
		if i > 1 {
			name = fmt.Sprintf("%s-%d%s", stem, i, ext)
		}
		path := filepath.Join(a.filesDir, name)
		fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		_, werr := fh.Write(f.Data)
		if err := errors.Join(werr, fh.Close()); err != nil {
			return "", err
		}
		return path, nil
	}
	return "", fmt.Errorf("%d files named like %s in %s already: choose another HEARTH_FILES_DIR or clear it", maxSameName, base, a.filesDir)
}

// maxSameName bounds the files of one name in the files directory.
const maxSameName = 10_000
