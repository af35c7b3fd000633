package e2e

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/testenv"
)

// privateRedis is a Redis of this test's own, without persistence: a
// restart loses everything, as a failover or a crash without AOF does. The
// shared Redis is never restarted.
type privateRedis struct {
	addr, dir string
	cmd       *exec.Cmd
}

func startPrivateRedis(t *testing.T) *privateRedis {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not installed")
	}
	r := &privateRedis{addr: freeAddr(t), dir: t.TempDir()}
	r.start(t)
	t.Cleanup(r.stop)
	return r
}

func (r *privateRedis) URL() string { return "redis://" + r.addr + "/0" }

func (r *privateRedis) start(t *testing.T) {
	t.Helper()
	_, port, _ := net.SplitHostPort(r.addr)
	r.cmd = exec.Command("redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", r.dir)
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitTCP(t, r.addr)
}

func (r *privateRedis) stop() {
	if r.cmd != nil && r.cmd.Process != nil {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
	}
}

// restart kills Redis and starts an empty one on the same port.
func (r *privateRedis) restart(t *testing.T) {
	r.stop()
	r.start(t)
}

// privatePostgres is a PostgreSQL cluster of this test's own, so that it
// can be restarted; the shared server is never touched.
type privatePostgres struct {
	port, dir, bin string
}

func startPrivatePostgres(t *testing.T) *privatePostgres {
	t.Helper()
	initdb, err := exec.LookPath("initdb")
	if err != nil {
		t.Skip("initdb is not installed")
	}
	if p, err := filepath.EvalSymlinks(initdb); err == nil {
		initdb = p
	}
	dir, err := os.MkdirTemp("/var/tmp", "autonome-e2e-pg-") // reachable by the postgres user
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	_, port, _ := net.SplitHostPort(freeAddr(t))
	p := &privatePostgres{port: port, dir: dir, bin: filepath.Dir(initdb)}
	if os.Getuid() == 0 {
		if err := exec.Command("chown", "postgres", dir).Run(); err != nil {
			t.Fatal(err)
		}
	}
	p.run(t, "initdb", "-D", dir+"/data", "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
	p.start(t)
	t.Cleanup(func() { _ = p.cmd("pg_ctl", "-D", p.dir+"/data", "-m", "immediate", "stop").Run() })
	p.run(t, "psql", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-Xqc", "create database autonome")
	return p
}

func (p *privatePostgres) URL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%s/autonome?sslmode=disable", p.port)
}

func (p *privatePostgres) cmd(name string, args ...string) *exec.Cmd {
	path := filepath.Join(p.bin, name)
	if os.Getuid() == 0 { // PostgreSQL refuses to run as root
		args = append([]string{"-u", "postgres", "--", path}, args...)
		path = "runuser"
	}
	c := exec.Command(path, args...)
	c.Dir = "/"
	return c
}

func (p *privatePostgres) run(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := p.cmd(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out)
	}
}

func (p *privatePostgres) start(t *testing.T) {
	t.Helper()
	p.run(t, "pg_ctl", "-D", p.dir+"/data", "-l", p.dir+"/log", "-w", "-t", "60", "-o",
		strings.Join([]string{"-p", p.port, "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=''", "-c", "fsync=off"}, " "), "start")
}

// restart stops PostgreSQL (fast: sessions are cut, as in a failover) and
// starts it again.
func (p *privatePostgres) restart(t *testing.T) {
	t.Helper()
	p.run(t, "pg_ctl", "-D", p.dir+"/data", "-m", "fast", "-w", "stop")
	p.start(t)
}

func waitTCP(t *testing.T, addr string) {
	t.Helper()
	testenv.WaitFor(t, 20*time.Second, func() error {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return fmt.Errorf("%s does not accept connections: %w", addr, err)
		}
		return c.Close()
	})
}
