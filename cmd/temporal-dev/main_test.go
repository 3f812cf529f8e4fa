package main

import (
	"log/slog"
	"reflect"
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/devtemporal"
)

func TestTemporalDevParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    devtemporal.Options
		wantErr bool
	}{
		{
			name: "defaults match the Temporal CLI dev server",
			want: devtemporal.Options{
				DBFile: ".local/temporal.db", IP: "127.0.0.1", Port: 7233, UIPort: 8233, LogLevel: slog.LevelWarn,
			},
		},
		{
			name: "ui port 0 disables the UI and namespaces repeat",
			args: []string{"--db-file", ":memory:", "--port", "0", "--ui-port", "0",
				"--namespace", "default", "--namespace", "scale", "--log-level", "debug"},
			want: devtemporal.Options{
				DBFile: ":memory:", IP: "127.0.0.1", DisableUI: true,
				Namespaces: []string{"default", "scale"}, LogLevel: slog.LevelDebug,
			},
		},
		{name: "unknown log level", args: []string{"--log-level", "loud"}, wantErr: true},
		{name: "stray argument", args: []string{"serve"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseFlags(tt.args)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("options = %+v, want %+v", got, tt.want)
			}
		})
	}
}
