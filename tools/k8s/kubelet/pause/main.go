// The pod sandbox process (the "pause" container): it holds the pod's namespaces, reaps orphaned
// children, and exits on SIGINT/SIGTERM. A stand-in for registry.k8s.io/pause, which no registry
// serves here; node.sh builds it (static, CGO_ENABLED=0) into a one-file OCI image.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range sigs {
		if s == syscall.SIGCHLD {
			for {
				var ws syscall.WaitStatus
				pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
				if pid <= 0 || err != nil {
					break
				}
			}
			continue
		}
		os.Exit(0)
	}
}
