package devtemporal

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"

	"go.temporal.io/server/common/config"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	sqliteschema "go.temporal.io/server/schema/sqlite"
)

// openDatabase returns the SQLite store configuration, creating the schema in a new file
// and registering any namespace that does not exist yet.
func openDatabase(o Options) (*config.SQL, error) {
	sql, err := sqlConfig(o)
	if err != nil {
		return nil, err
	}
	if !o.inMemory() {
		if err := ensureSchema(sql); err != nil {
			return nil, err
		}
	}
	if err := registerNamespaces(sql, o.Namespaces); err != nil {
		return nil, err
	}
	return sql, nil
}

func sqlConfig(o Options) (*config.SQL, error) {
	if o.inMemory() {
		// A shared cache lets every service in this process see one database; the random
		// name keeps two in-memory servers in one process (tests) apart. The SQLite plugin
		// creates the schema itself for in-memory databases.
		return &config.SQL{
			PluginName:        sqliteplugin.PluginName,
			DatabaseName:      "devtemporal-" + strconv.FormatUint(rand.Uint64(), 36),
			ConnectAttributes: map[string]string{"mode": "memory", "cache": "shared"},
		}, nil
	}
	path, err := filepath.Abs(o.DBFile)
	if err != nil {
		return nil, fmt.Errorf("resolving db file %q: %w", o.DBFile, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("creating directory for db file: %w", err)
	}
	return &config.SQL{
		PluginName:        sqliteplugin.PluginName,
		DatabaseName:      path,
		ConnectAttributes: map[string]string{"mode": "rwc"},
	}, nil
}

// ensureSchema creates the schema when the file is new (or empty, left by an interrupted
// first start). An existing file is trusted as is: its schema is the server's to check.
func ensureSchema(sql *config.SQL) error {
	info, err := os.Stat(sql.DatabaseName)
	switch {
	case err == nil && info.Size() > 0:
		return nil
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("checking db file: %w", err)
	}
	if err := sqliteschema.SetupSchema(sql); err != nil {
		// Leave no half-built file behind, or the next start would trust it.
		_ = os.Remove(sql.DatabaseName)
		return fmt.Errorf("creating schema in %s: %w", sql.DatabaseName, err)
	}
	return nil
}

// registerNamespaces writes namespaces straight into the store before the server starts,
// so clients never race a registration RPC; existing namespaces are left untouched.
func registerNamespaces(sql *config.SQL, names []string) error {
	namespaces := make([]*sqliteschema.NamespaceConfig, 0, len(names))
	for _, name := range names {
		ns, err := sqliteschema.NewNamespaceConfig(clusterName, name, false, nil)
		if err != nil {
			return fmt.Errorf("building namespace %q: %w", name, err)
		}
		namespaces = append(namespaces, ns)
	}
	if err := sqliteschema.CreateNamespaces(sql, namespaces...); err != nil {
		return fmt.Errorf("registering namespaces: %w", err)
	}
	return nil
}
