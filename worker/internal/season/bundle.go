package season

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/klauspost/compress/zstd"
)

// Manifest is a bundle's table of contents: manifest.json, the archive's
// first file. It names every other file with its size and SHA-256, the
// season and its parent, and the result hash a replay must reproduce.
// Importers (a dashboard, seasons.list) read it without replaying.
type Manifest struct {
	Format     int       `json:"format"`
	Kind       string    `json:"kind,omitempty"` // "" a season run; LiveKind a period of the live season
	ID         string    `json:"id"`
	Parent     *Parent   `json:"parent,omitempty"`
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	Entrants   int       `json:"entrants"`
	Code       Code      `json:"code"`
	ResultHash string    `json:"resultHash"`
	Files      []File    `json:"files"`
}

// File is one file of a bundle.
type File struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Bundle file names.
const (
	ManifestFile    = "manifest.json"
	ConfigFile      = "season.json"
	TapeFile        = "market.tape.bin" // the binary tape (tape.EncodeBinary)
	RosterFile      = "roster.yaml"
	CallsFile       = "calls.jsonl"
	CommandsFile    = "commands.jsonl"
	InvocationsFile = "invocations.jsonl"
	ResultFile      = "result.json"
)

// Bundle is a read bundle: its manifest and files by name.
type Bundle struct {
	Manifest Manifest
	Files    map[string][]byte
}

// Write writes a bundle: manifest.json first, then files in name order, as
// a tar archive compressed with zstd. Headers carry no times, owners or
// modes, so the same files always give the same bytes.
func Write(w io.Writer, m Manifest, files map[string][]byte) error {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	m.Format, m.Files = FormatVersion, m.Files[:0]
	for _, n := range names {
		sum := sha256.Sum256(files[n])
		m.Files = append(m.Files, File{Name: n, Size: int64(len(files[n])), SHA256: hex.EncodeToString(sum[:])})
	}
	man, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("bundle: encode manifest: %w", err)
	}
	return writeArchive(w, append(man, '\n'), names, files)
}

// writeArchive writes the manifest's bytes and then files (in names' order)
// as a zstd-compressed tar.
func writeArchive(w io.Writer, manifest []byte, names []string, files map[string][]byte) error {
	zw, err := zstd.NewWriter(w, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1))
	if err != nil {
		return err
	}
	tw := tar.NewWriter(zw)
	add := func(name string, b []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg, Format: tar.FormatPAX}); err != nil {
			return err
		}
		_, err := tw.Write(b)
		return err
	}
	if err := add(ManifestFile, manifest); err != nil {
		return fmt.Errorf("bundle: write: %w", err)
	}
	for _, n := range names {
		if err := add(n, files[n]); err != nil {
			return fmt.Errorf("bundle: write %s: %w", n, err)
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("bundle: write: %w", err)
	}
	return zw.Close()
}

// WriteFile writes a bundle to path (through a temporary file, renamed).
func WriteFile(path string, m Manifest, files map[string][]byte) error {
	var buf bytes.Buffer
	if err := Write(&buf, m, files); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	return os.Rename(tmp, path)
}

// Read reads a bundle and checks it: the archive's integrity (zstd's frame
// checksums), that it holds exactly the manifest's files, and each file's
// size and SHA-256. Every problem found is reported, one per line.
func Read(r io.Reader) (*Bundle, error) {
	zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	defer zr.Close()
	tr := tar.NewReader(zr)
	b := &Bundle{Files: map[string][]byte{}}
	first := true
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("bundle: the archive is damaged: %w", err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return nil, fmt.Errorf("bundle: the archive is damaged in %s: %w", h.Name, err)
		}
		if first {
			if h.Name != ManifestFile {
				return nil, fmt.Errorf("bundle: the first file is %q, not %s", h.Name, ManifestFile)
			}
			if err := json.Unmarshal(data, &b.Manifest); err != nil {
				return nil, fmt.Errorf("bundle: bad manifest: %w", err)
			}
			first = false
			continue
		}
		b.Files[h.Name] = data
	}
	if first {
		return nil, errors.New("bundle: the archive is empty")
	}
	if err := b.check(); err != nil {
		return b, err
	}
	return b, nil
}

// ReadFile reads and checks the bundle at path.
func ReadFile(path string) (*Bundle, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	defer f.Close()
	return Read(f)
}

// ChecksumError lists every file that does not match the manifest.
type ChecksumError struct{ Problems []string }

func (e *ChecksumError) Error() string {
	s := "bundle: checksums do not match the manifest:"
	for _, p := range e.Problems {
		s += "\n  " + p
	}
	return s
}

func (b *Bundle) check() error {
	if b.Manifest.Format != FormatVersion {
		return fmt.Errorf("bundle: format %d, this build reads %d", b.Manifest.Format, FormatVersion)
	}
	var probs []string
	listed := map[string]bool{}
	for _, f := range b.Manifest.Files {
		listed[f.Name] = true
		data, ok := b.Files[f.Name]
		if !ok {
			probs = append(probs, f.Name+": missing")
			continue
		}
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); got != f.SHA256 || int64(len(data)) != f.Size {
			probs = append(probs, fmt.Sprintf("%s: sha256 %s (%d bytes), manifest says %s (%d bytes)", f.Name, got, len(data), f.SHA256, f.Size))
		}
	}
	names := make([]string, 0, len(b.Files))
	for n := range b.Files {
		if !listed[n] {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	for _, n := range names {
		probs = append(probs, n+": not in the manifest")
	}
	if len(probs) > 0 {
		return &ChecksumError{Problems: probs}
	}
	return nil
}
