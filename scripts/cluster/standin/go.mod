// The stand-in model server, the pause program and the OCI image writer of the
// local cluster's real node (scripts/cluster/realnode). Standard library only.
module ai-inference/standin

go 1.26.0
