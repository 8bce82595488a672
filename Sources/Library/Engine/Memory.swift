// Keeping large buffers in the process (Linux/glibc only).
//
// Every op returns a fresh array. glibc serves blocks above its mmap threshold (at most 32 MB) with a new mmap
// and returns them to the kernel on free, so each large activation is page-faulted in again: on these machines
// allocating and filling 38 MB took 30–45 ms that way and 3 ms when the memory is reused — the difference between
// a batch-32 forward pass being memory-bound or not. So, once per process, the engine raises the mmap threshold to
// 1 GB and disables trimming: freed activations stay in the heap and the next op reuses them. The cost is that the
// process keeps its peak memory until it exits. This is the engine's only process-wide setting.

#if canImport(Glibc)
import Glibc

/// Applied once, the first time a tensor is created.
let largeBufferReuse: Bool = {
    typealias MallocOption = @convention(c) (Int32, Int32) -> Int32
    // mallopt is not in Swift's Glibc module, so look it up; without it nothing changes.
    guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "mallopt") else { return false }
    let mallopt = unsafeBitCast(symbol, to: MallocOption.self)
    let (mmapThreshold, trimThreshold): (Int32, Int32) = (-3, -1)   // M_MMAP_THRESHOLD, M_TRIM_THRESHOLD
    return mallopt(mmapThreshold, 1 << 30) == 1 && mallopt(trimThreshold, Int32.max) == 1
}()
#else
/// Other platforms keep their allocator's defaults.
let largeBufferReuse = false
#endif
