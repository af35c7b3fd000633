package signer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

var oracleCount = flag.Int("oracle.n", 150, "transactions the venue's signer signs for TestOracle (use thousands for a long run)")

// oracleRecord is one line printed by oracle/sign.cjs.
type oracleRecord struct {
	Kind      string `json:"kind"`
	Key       string `json:"key"`
	Account   int64  `json:"account"`
	APIKey    uint8  `json:"apiKey"`
	Chain     uint32 `json:"chain"`
	TxInfo    string `json:"txInfo"`
	AuthToken string `json:"authToken"`
}

var oracleTypes = map[string]int{
	"createOrder": TxTypeCreateOrder, "cancelOrder": TxTypeCancelOrder,
	"cancelAll": TxTypeCancelAll, "updateLeverage": TxTypeUpdateLeverage,
}

// checkOracleRecord proves one record of the venue's signer against ours:
// (a) our hash of the same fields is the one the venue signed, (b) its
// signature verifies under the public key we derive from the same private
// key, (c) our own signature of the same transaction verifies, and the tx_info
// JSON we produce is byte-identical to the venue's apart from the signature
// (the venue's nonce is random, so signatures themselves cannot match).
func checkOracleRecord(t *testing.T, r oracleRecord) {
	t.Helper()
	key, err := ParsePrivateKey(r.Key)
	if err != nil {
		t.Fatalf("%s: %v", r.Kind, err)
	}
	if r.Kind == "authToken" {
		checkOracleAuthToken(t, key, r)
		return
	}
	tx, sig, err := ParseTx(oracleTypes[r.Kind], r.TxInfo)
	if err != nil {
		t.Fatalf("%s: %v\n%s", r.Kind, err, r.TxInfo)
	}
	if err := Verify(key.Public(), tx.Hash(r.Chain), sig); err != nil {
		t.Fatalf("%s: venue signature rejected under our hash and key: %v\n%s", r.Kind, err, r.TxInfo)
	}
	ours, h, err := key.SignTx(r.Chain, tx)
	if err != nil {
		t.Fatal(err)
	}
	_, oursSig, err := ParseTx(oracleTypes[r.Kind], ours)
	if err != nil {
		t.Fatalf("%s: our tx info does not parse: %v", r.Kind, err)
	}
	if err := Verify(key.Public(), h, oursSig); err != nil {
		t.Fatalf("%s: our own signature rejected: %v", r.Kind, err)
	}
	if a, b := withoutSig(ours), withoutSig(r.TxInfo); a != b {
		t.Fatalf("%s: tx info differs\nours:  %s\nvenue: %s", r.Kind, a, b)
	}
}

func checkOracleAuthToken(t *testing.T, key *PrivateKey, r oracleRecord) {
	t.Helper()
	i := strings.LastIndexByte(r.AuthToken, ':')
	msg, sigHex := r.AuthToken[:i], r.AuthToken[i+1:]
	deadline, err := strconv.ParseInt(strings.SplitN(msg, ":", 2)[0], 10, 64)
	if err != nil {
		t.Fatalf("auth token %q: %v", r.AuthToken, err)
	}
	if want := AuthMessage(time.Unix(deadline, 0), r.Account, r.APIKey); msg != want {
		t.Fatalf("auth message = %q, ours %q", msg, want)
	}
	var sig Signature
	if b, err := hex.DecodeString(sigHex); err != nil || len(b) != len(sig) {
		t.Fatalf("auth token signature %q is not 80 bytes of hex", sigHex)
	} else {
		copy(sig[:], b)
	}
	if err := Verify(key.Public(), HashBytes([]byte(msg)), sig); err != nil {
		t.Fatalf("venue auth token rejected: %v (%s)", err, r.AuthToken)
	}
	ours, err := key.AuthToken(time.Unix(deadline, 0), r.Account, r.APIKey)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ours, msg+":") || len(ours) != len(r.AuthToken) {
		t.Fatalf("our auth token %q does not have the venue's form %q", ours, r.AuthToken)
	}
	b, _ := hex.DecodeString(ours[len(msg)+1:])
	copy(sig[:], b)
	if err := Verify(key.Public(), HashBytes([]byte(msg)), sig); err != nil {
		t.Fatalf("our auth token rejected: %v", err)
	}
}

func withoutSig(txInfo string) string {
	i := strings.Index(txInfo, `,"Sig":`)
	if i < 0 {
		return txInfo
	}
	return txInfo[:i]
}

func readRecords(t *testing.T, data []byte) []oracleRecord {
	t.Helper()
	var out []oracleRecord
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r oracleRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("oracle record: %v", err)
		}
		out = append(out, r)
	}
	return out
}

// TestOracleVectors checks the vectors recorded from the venue's signer into
// testdata (no Node needed).
func TestOracleVectors(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "oracle_vectors.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	recs := readRecords(t, data)
	kinds := map[string]int{}
	for _, r := range recs {
		checkOracleRecord(t, r)
		kinds[r.Kind]++
	}
	if len(kinds) != 5 {
		t.Fatalf("vectors cover %v, want all five kinds", kinds)
	}
}

// TestOracle has the venue's own signer (pinned npm package, installed here
// with npm ci) sign random transactions of every type and proves ours against
// each. -oracle.n sets how many (default a few hundred; thousands for a long run).
func TestOracle(t *testing.T) {
	node := requireNode(t)
	dir, _ := filepath.Abs("oracle")
	installOracle(t, dir)
	seed := time.Now().UnixNano() % 1_000_000_007
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "sign.cjs", strconv.Itoa(*oracleCount), strconv.FormatInt(seed, 10))
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node sign.cjs (seed %d): %v\n%s", seed, err, stderr.String())
	}
	recs := readRecords(t, out)
	if len(recs) != *oracleCount {
		t.Fatalf("oracle printed %d records, want %d", len(recs), *oracleCount)
	}
	kinds := map[string]int{}
	for _, r := range recs {
		checkOracleRecord(t, r)
		kinds[r.Kind]++
		if r.Kind == "createOrder" {
			kinds[orderShape(t, r.TxInfo)]++
		}
	}
	t.Logf("seed %d: %v", seed, kinds)
}

// orderShape names the kind of order a create-order record is, for coverage.
func orderShape(t *testing.T, txInfo string) string {
	tx, _, err := ParseTx(TxTypeCreateOrder, txInfo)
	if err != nil {
		t.Fatal(err)
	}
	o := tx.(CreateOrder)
	return fmt.Sprintf("order type=%d tif=%d reduceOnly=%v trigger=%v", o.Type, o.TimeInForce, o.ReduceOnly, o.TriggerPrice != 0)
}

func requireNode(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = exec.LookPath("npm")
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("node and npm are required when CI=true: %v", err)
		}
		t.Skipf("node or npm not installed (%v): the signer oracle test is skipped", err)
	}
	return node
}

// installOracle installs the pinned package into oracle/node_modules
// (git-ignored) unless the installed version already matches the lock.
func installOracle(t *testing.T, dir string) {
	t.Helper()
	lock, err := os.Stat(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json")); err == nil && !st.ModTime().Before(lock.ModTime()) {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci: %v\n%s", err, out)
	}
}
