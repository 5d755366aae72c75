package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Media types of image-spec v1.1 (opencontainers/image-spec, media-types.md).
const (
	mediaManifest = "application/vnd.oci.image.manifest.v1+json"
	mediaIndex    = "application/vnd.oci.image.index.v1+json"
	mediaConfig   = "application/vnd.oci.image.config.v1+json"
	mediaLayer    = "application/vnd.oci.image.layer.v1.tar+gzip"
)

type blob struct {
	mediaType string
	data      []byte
	digest    string
}

func newBlob(mediaType string, data []byte) blob {
	sum := sha256.Sum256(data)
	return blob{mediaType: mediaType, data: data, digest: "sha256:" + hex.EncodeToString(sum[:])}
}

func (b blob) descriptor() map[string]any {
	return map[string]any{"mediaType": b.mediaType, "digest": b.digest, "size": len(b.data)}
}

type entry struct {
	name   string // path inside the image, without the leading slash
	kind   byte   // tar.TypeReg, tar.TypeDir or tar.TypeSymlink
	source string // file to copy (regular files)
	target string // link target (symlinks)
}

// layerEntries turns the -file, -symlink and -dir flags into tar entries, adding every
// parent directory, sorted by path.
func layerEntries(files, links, dirs []string) ([]entry, error) {
	byName := map[string]entry{}
	add := func(e entry) {
		for dir := path.Dir(e.name); dir != "." && dir != "/"; dir = path.Dir(dir) {
			byName[dir] = entry{name: dir, kind: tar.TypeDir}
		}
		byName[e.name] = e
	}
	for _, f := range files {
		src, dst, ok := strings.Cut(f, "=")
		if !ok || !strings.HasPrefix(dst, "/") {
			return nil, fmt.Errorf("-file %q is not SRC=/DST", f)
		}
		add(entry{name: strings.TrimPrefix(dst, "/"), kind: tar.TypeReg, source: src})
	}
	for _, l := range links {
		link, target, ok := strings.Cut(l, "=")
		if !ok || !strings.HasPrefix(link, "/") {
			return nil, fmt.Errorf("-symlink %q is not /LINK=TARGET", l)
		}
		add(entry{name: strings.TrimPrefix(link, "/"), kind: tar.TypeSymlink, target: target})
	}
	for _, d := range dirs {
		add(entry{name: strings.Trim(d, "/"), kind: tar.TypeDir})
	}
	out := make([]entry, 0, len(byName))
	for _, e := range byName {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

// layer writes the entries as a reproducible tar and returns it uncompressed and gzipped.
func layer(entries []entry) (raw, gz []byte, err error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, Typeflag: e.kind, Mode: 0o755, ModTime: time.Unix(0, 0), Format: tar.FormatPAX}
		var data []byte
		switch e.kind {
		case tar.TypeDir:
			hdr.Name += "/"
		case tar.TypeSymlink:
			hdr.Linkname, hdr.Mode = e.target, 0o777
		case tar.TypeReg:
			if data, err = os.ReadFile(e.source); err != nil {
				return nil, nil, err
			}
			hdr.Size = int64(len(data))
		}
		if err = tw.WriteHeader(hdr); err != nil {
			return nil, nil, err
		}
		if _, err = tw.Write(data); err != nil {
			return nil, nil, err
		}
	}
	if err = tw.Close(); err != nil {
		return nil, nil, err
	}
	var zbuf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&zbuf, gzip.BestSpeed)
	if _, err = zw.Write(buf.Bytes()); err == nil {
		err = zw.Close()
	}
	return buf.Bytes(), zbuf.Bytes(), err
}

type imageConfig struct {
	User       string   `json:"User"`
	Env        []string `json:"Env,omitempty"`
	Entrypoint []string `json:"Entrypoint"`
	Cmd        []string `json:"Cmd,omitempty"`
	WorkingDir string   `json:"WorkingDir"`
}

type image struct {
	layer, config, manifest blob
}

func newImage(entries []entry, cfg imageConfig) (image, error) {
	raw, gz, err := layer(entries)
	if err != nil {
		return image{}, err
	}
	diffID := newBlob("", raw).digest
	cfg.WorkingDir = "/"
	configJSON, err := json.Marshal(map[string]any{
		"architecture": "amd64", "os": "linux", "config": cfg,
		"rootfs": map[string]any{"type": "layers", "diff_ids": []string{diffID}},
	})
	if err != nil {
		return image{}, err
	}
	img := image{layer: newBlob(mediaLayer, gz), config: newBlob(mediaConfig, configJSON)}
	manifestJSON, err := json.Marshal(map[string]any{
		"schemaVersion": 2, "mediaType": mediaManifest,
		"config": img.config.descriptor(), "layers": []any{img.layer.descriptor()},
	})
	img.manifest = newBlob(mediaManifest, manifestJSON)
	return img, err
}

// writeLayout writes an OCI image layout (image-spec image-layout.md) holding this image under tag.
func (img image) writeLayout(dir, tag string) error {
	blobs := filepath.Join(dir, "blobs", "sha256")
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(blobs, 0o755); err != nil {
		return err
	}
	for _, b := range []blob{img.layer, img.config, img.manifest} {
		if err := os.WriteFile(filepath.Join(blobs, strings.TrimPrefix(b.digest, "sha256:")), b.data, 0o644); err != nil {
			return err
		}
	}
	desc := img.manifest.descriptor()
	desc["annotations"] = map[string]string{"org.opencontainers.image.ref.name": tag}
	index, _ := json.Marshal(map[string]any{"schemaVersion": 2, "mediaType": mediaIndex, "manifests": []any{desc}})
	if err := os.WriteFile(filepath.Join(dir, "index.json"), index, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "oci-layout"), []byte(`{"imageLayoutVersion":"1.0.0"}`), 0o644)
}
