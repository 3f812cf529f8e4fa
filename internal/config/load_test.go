package config

import (
	"bytes"
	"errors"
	"flag"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestLoadPrecedenceIsDefaultsThenFileThenEnvThenFlags(t *testing.T) {
	file := writeFile(t, "config.yaml", `
controller:
  clusterName: from-file
  syncPeriod: 1m
temporal:
  taskQueue: file-queue
vpsie:
  rateLimitPerMinute: 200
  circuitBreaker:
    failureThreshold: 7
logging:
  level: warn
`)
	tests := []struct {
		name  string
		args  []string
		env   env
		check func(*Config) bool
	}{
		{"defaults without sources", nil, nil, func(c *Config) bool {
			return reflect.DeepEqual(c, Default())
		}},
		{"file overrides defaults and keeps unset fields", []string{"--config", file}, nil, func(c *Config) bool {
			return c.Controller.ClusterName == "from-file" && c.Controller.SyncPeriod == time.Minute &&
				c.VPSie.RateLimitPerMinute == 200 && c.VPSie.CircuitBreaker.FailureThreshold == 7 &&
				c.Logging.Level == LogLevelWarn && c.Controller.Namespace == "kube-system" &&
				c.VPSie.CircuitBreaker.OpenTimeout == 30*time.Second
		}},
		{"env overrides file", []string{"--config", file}, env{
			"VPSIE_CONTROLLER_CLUSTER_NAME": "from-env", "VPSIE_CONTROLLER_SYNC_PERIOD": "2m",
			"VPSIE_VPSIE_RATE_LIMIT_PER_MINUTE": "300", "VPSIE_CONTROLLER_LEADER_ELECTION": "false",
		}, func(c *Config) bool {
			return c.Controller.ClusterName == "from-env" && c.Controller.SyncPeriod == 2*time.Minute &&
				c.VPSie.RateLimitPerMinute == 300 && !c.Controller.LeaderElection && c.Temporal.TaskQueue == "file-queue"
		}},
		{"flags override env", []string{"--config=" + file, "--controller.cluster-name=from-flag",
			"--vpsie.rate-limit-per-minute", "400", "--controller.leader-election", "--temporal.task-queue=flag-queue"},
			env{"VPSIE_CONTROLLER_CLUSTER_NAME": "from-env", "VPSIE_VPSIE_RATE_LIMIT_PER_MINUTE": "300",
				"VPSIE_CONTROLLER_LEADER_ELECTION": "false"},
			func(c *Config) bool {
				return c.Controller.ClusterName == "from-flag" && c.VPSie.RateLimitPerMinute == 400 &&
					c.Controller.LeaderElection && c.Temporal.TaskQueue == "flag-queue" && c.Logging.Level == LogLevelWarn
			}},
		{"config file named by VPSIE_CONFIG", nil, env{"VPSIE_CONFIG": file}, func(c *Config) bool {
			return c.Controller.ClusterName == "from-file"
		}},
		{"--config wins over VPSIE_CONFIG", []string{"--config", file}, env{"VPSIE_CONFIG": "/does/not/exist"},
			func(c *Config) bool { return c.Controller.ClusterName == "from-file" }},
		{"repeated flag keeps the last value", []string{"--logging.level=debug", "--logging.level=error"}, nil,
			func(c *Config) bool { return c.Logging.Level == LogLevelError }},
		{"empty env variable sets the field empty", nil, env{"VPSIE_TEMPORAL_IDENTITY": ""}, func(c *Config) bool {
			return c.Temporal.Identity == ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Load(tt.args, tt.env.lookup)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if !tt.check(cfg) {
				t.Errorf("unexpected configuration: %+v", cfg)
			}
		})
	}
}

func TestLoadReportsFieldErrorsNamingPathAndSource(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		args []string
		env  env
		want []string
	}{
		{
			name: "unknown top-level and nested keys, with a suggestion for a case mistake",
			yaml: "controler: {}\ntemporal:\n  taskqueue: q\n  tls:\n    insecure: true\n",
			want: []string{
				`temporal.tls.insecure (file F): unknown field`,
				`temporal.taskqueue (file F): unknown field; did you mean "taskQueue"?`,
				`controler (file F): unknown field`,
			},
		},
		{
			name: "YAML values of the wrong type",
			yaml: "controller:\n  leaseDuration: 15\n  leaderElection: \"yes\"\nvpsie:\n  rateLimitPerMinute: 1.5\n  credentials: vpsie-secret\n",
			want: []string{
				`controller.leaderElection (file F): must be true or false, got string "yes"`,
				`controller.leaseDuration (file F): must be a duration string such as "30s", got number 15`,
				`vpsie.credentials (file F): must be a mapping, got string "vpsie-secret"`,
				`vpsie.rateLimitPerMinute (file F): must be an integer, got number 1.5`,
			},
		},
		{
			name: "malformed duration in the file",
			yaml: "vpsie:\n  timeout: soon\n",
			want: []string{`vpsie.timeout (file F): invalid duration "soon", want a Go duration such as "30s" or "5m"`},
		},
		{
			name: "unparsable environment variables",
			env:  env{"VPSIE_CONTROLLER_LEASE_DURATION": "15", "VPSIE_VPSIE_RATE_LIMIT_PER_MINUTE": "many"},
			want: []string{
				`controller.leaseDuration (env VPSIE_CONTROLLER_LEASE_DURATION): invalid duration "15", want a Go duration such as "30s" or "5m"`,
				`vpsie.rateLimitPerMinute (env VPSIE_VPSIE_RATE_LIMIT_PER_MINUTE): invalid integer "many"`,
			},
		},
		{
			name: "unparsable flags are all reported",
			args: []string{"--controller.leader-election=maybe", "--vpsie.timeout=30"},
			want: []string{
				`controller.leaderElection (flag --controller.leader-election): invalid boolean "maybe", want true or false`,
				`vpsie.timeout (flag --vpsie.timeout): invalid duration "30", want a Go duration such as "30s" or "5m"`,
			},
		},
		{
			name: "read and validation problems together, without re-reporting an unreadable field",
			yaml: "vpsie:\n  rateLimitPerMinute: 0\n",
			env:  env{"VPSIE_TEMPORAL_TASK_QUEUE": "", "VPSIE_CONTROLLER_CLUSTER_NAME": "Prod_1"},
			args: []string{"--logging.level=verbose", "--controller.lease-duration=never"},
			want: []string{
				`controller.leaseDuration (flag --controller.lease-duration): invalid duration "never", want a Go duration such as "30s" or "5m"`,
				`controller.clusterName: must be a DNS-1123 label (at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit), got "Prod_1"`,
				`temporal.taskQueue: must not be empty`,
				`vpsie.rateLimitPerMinute: must be between 1 and 10000, got 0`,
				`logging.level: must be one of debug, info, warn, error, got "verbose"`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			file := ""
			if tt.yaml != "" {
				file = writeFile(t, "config.yaml", tt.yaml)
				args = append([]string{"--config", file}, args...)
			}
			cfg, err := Load(args, tt.env.lookup)
			if err == nil {
				t.Fatalf("Load succeeded with %+v", cfg)
			}
			got := messages(t, err)
			for i := range got {
				if file != "" {
					got[i] = strings.ReplaceAll(got[i], file, "F")
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got errors\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

func TestLoadRejectsBadCommandLinesAndFiles(t *testing.T) {
	dup := writeFile(t, "dup.yaml", "logging:\n  level: info\n  level: debug\n")
	broken := writeFile(t, "broken.yaml", "controller: [\n")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"--temporal.task-qeue=x"}, "flag provided but not defined: -temporal.task-qeue"},
		{"positional argument", []string{"--logging.level=info", "extra"}, `unexpected argument "extra"`},
		{"missing config file", []string{"--config", "/does/not/exist.yaml"}, "reading config file: open /does/not/exist.yaml"},
		{"duplicate YAML key", []string{"--config", dup}, `key "level" already set`},
		{"invalid YAML", []string{"--config", broken}, "parsing config file " + broken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.args, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestYAMLNullKeepsTheEarlierValue(t *testing.T) {
	file := writeFile(t, "config.yaml", "temporal:\n  tls:\n  taskQueue:\n")
	cfg, err := Load([]string{"--config", file}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Temporal.TaskQueue != "vpsie-autoscaler" {
		t.Errorf("taskQueue = %q, want the default", cfg.Temporal.TaskQueue)
	}
}

func TestExampleFileLoadsToValidDefaults(t *testing.T) {
	cfg, err := Load([]string{"--config", "../../" + ExamplePath}, nil)
	if err != nil {
		t.Fatalf("loading %s: %v", ExamplePath, err)
	}
	if !reflect.DeepEqual(cfg, Default()) {
		t.Errorf("%s does not hold the defaults:\n got %+v\nwant %+v", ExamplePath, cfg, Default())
	}
}

func TestHelpListsEveryFlagWithDefaultAndDoc(t *testing.T) {
	for _, arg := range []string{"--help", "-h"} {
		var out bytes.Buffer
		_, err := load([]string{arg}, nil, &out)
		if !errors.Is(err, flag.ErrHelp) {
			t.Fatalf("%s: got %v, want flag.ErrHelp", arg, err)
		}
		help := out.String()
		for _, want := range []string{
			"--config path",
			"--temporal.task-queue string\n        Task queue the worker polls and the controller starts workflows on. (env VPSIE_TEMPORAL_TASK_QUEUE, default \"vpsie-autoscaler\")",
			"--controller.lease-duration duration",
			"default \"15s\"",
			"--logging.level debug|info|warn|error",
		} {
			if !strings.Contains(help, want) {
				t.Errorf("%s output lacks %q:\n%s", arg, want, help)
			}
		}
	}
}
