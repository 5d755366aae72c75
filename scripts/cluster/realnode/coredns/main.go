// CoreDNS for the local cluster's real node, with only the plugins its Corefile uses
// (../coredns.yaml: errors, health, ready, kubernetes, cache, loadbalance). CoreDNS's
// own main package imports github.com/coredns/coredns/core/plugin, which links every
// plugin and the cloud SDKs behind them; each plugin registers itself in its init(),
// so importing these six is all a custom build needs (coremain.Run reads the Corefile).
// A plugin added to the Corefile must be imported here too, or CoreDNS refuses to
// start with "Unknown directive".
package main

import (
	"github.com/coredns/coredns/coremain"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/ready"
)

func main() {
	coremain.Run()
}
