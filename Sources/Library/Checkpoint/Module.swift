// Checkpoint — weight files.
//
// Job: read PyTorch .pth files (legacy and zip formats, a restricted unpickler that runs no code) and safetensors
// into named tensors, and write safetensors. It may import Foundation only: it knows nothing of Engine, so the
// tools that inspect files need no numeric code.
