package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

var httpClient = &http.Client{Timeout: 60 * time.Second}

// push uploads the image with the OCI distribution API (opencontainers/distribution-spec,
// spec.md): blobs the registry already has (HEAD 200) are skipped, the others go up
// as a monolithic upload (POST, then PUT ?digest=), and the manifest is PUT under the tag.
func (img image) push(r reference) error {
	base := "http://" + r.host + "/v2/" + r.repo
	for _, b := range []blob{img.layer, img.config} {
		if err := pushBlob(base, b); err != nil {
			return err
		}
	}
	_, err := do(http.MethodPut, base+"/manifests/"+r.tag, img.manifest.mediaType, img.manifest.data, http.StatusCreated)
	return err
}

func pushBlob(base string, b blob) error {
	if resp, err := httpClient.Head(base + "/blobs/" + b.digest); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			return nil
		}
	}
	resp, err := do(http.MethodPost, base+"/blobs/uploads/", "", nil, http.StatusAccepted)
	if err != nil {
		return err
	}
	loc, err := resp.Location()
	if err != nil {
		return fmt.Errorf("upload of %s: no Location: %w", b.digest, err)
	}
	q := loc.Query()
	q.Set("digest", b.digest)
	loc.RawQuery = q.Encode()
	_, err = do(http.MethodPut, loc.String(), "application/octet-stream", b.data, http.StatusCreated)
	return err
}

func do(method, target, contentType string, body []byte, want int) (*http.Response, error) {
	if _, err := url.Parse(target); err != nil {
		return nil, err
	}
	req, err := http.NewRequest(method, target, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		return nil, fmt.Errorf("%s %s: %d %s", method, target, resp.StatusCode, bytes.TrimSpace(msg))
	}
	return resp, nil
}
