// Command ociimage writes a one-layer OCI image (image-spec v1.1: a gzipped tar layer,
// a config and a manifest, each addressed by its sha256 digest) into an OCI image
// layout directory, and pushes it to a registry over the OCI distribution API with
// plain HTTP. No container engine is involved. The output is reproducible: entries
// are sorted, owned by 0:0 and dated 1970-01-01, so the same inputs give the same digest.
//
//	ociimage -layout DIR -ref HOST:PORT/REPO:TAG -file SRC=/DST [-file ...] [-symlink /LINK=TARGET]
//	         [-dir /PATH] -entrypoint /DST [-cmd ARG] [-user UID:GID] [-env K=V] [-push]
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func main() {
	var files, links, dirs, entrypoint, cmd, envs multi
	layout := flag.String("layout", "", "OCI image layout directory to write")
	ref := flag.String("ref", "", "image reference HOST[:PORT]/REPOSITORY:TAG")
	user := flag.String("user", "65532:65532", "user the container runs as")
	push := flag.Bool("push", false, "push to the registry named in -ref (plain HTTP)")
	flag.Var(&files, "file", "SRC=/DST: a regular file, mode kept executable (repeatable)")
	flag.Var(&links, "symlink", "/LINK=TARGET (repeatable)")
	flag.Var(&dirs, "dir", "/PATH: an empty directory (repeatable)")
	flag.Var(&entrypoint, "entrypoint", "entrypoint argument (repeatable)")
	flag.Var(&cmd, "cmd", "default command argument (repeatable)")
	flag.Var(&envs, "env", "K=V environment of the image (repeatable)")
	flag.Parse()
	if *layout == "" || *ref == "" || len(files) == 0 || len(entrypoint) == 0 {
		fmt.Fprintln(os.Stderr, "ociimage: -layout, -ref, -file and -entrypoint are required")
		os.Exit(2)
	}
	r, err := parseRef(*ref)
	if err == nil {
		err = build(r, *layout, *user, *push, files, links, dirs, entrypoint, cmd, envs)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ociimage:", err)
		os.Exit(1)
	}
}

func build(r reference, layout, user string, push bool, files, links, dirs, entrypoint, cmd, envs []string) error {
	entries, err := layerEntries(files, links, dirs)
	if err != nil {
		return err
	}
	img, err := newImage(entries, imageConfig{User: user, Entrypoint: entrypoint, Cmd: cmd, Env: envs})
	if err != nil {
		return err
	}
	if err := img.writeLayout(layout, r.tag); err != nil {
		return err
	}
	if push {
		if err := img.push(r); err != nil {
			return err
		}
	}
	fmt.Println(img.manifest.digest)
	return nil
}

type reference struct{ host, repo, tag string }

func parseRef(s string) (reference, error) {
	host, rest, ok := strings.Cut(s, "/")
	repo, tag, hasTag := strings.Cut(rest, ":")
	if !ok || !hasTag || repo == "" || tag == "" {
		return reference{}, fmt.Errorf("reference %q is not HOST[:PORT]/REPOSITORY:TAG", s)
	}
	return reference{host: host, repo: repo, tag: tag}, nil
}
