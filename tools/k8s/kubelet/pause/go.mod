// The pod sandbox's "pause" process, built locally because no registry serves
// registry.k8s.io/pause here (tools/k8s/kubelet/node.sh).
module meetup-analytics/tools/k8s/kubelet/pause

go 1.24
