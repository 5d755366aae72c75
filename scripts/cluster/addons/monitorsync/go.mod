module ai-inference.local/monitorsync

go 1.26
