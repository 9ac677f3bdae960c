//! The allocator: mimalloc (set in main.rs), several times faster than the system's for
//! the many small blocks of a parsed document, and how to make it give memory back.

/// Returns memory freed so far to the operating system. mimalloc otherwise keeps freed
/// pages a while for reuse, so that a large document's parsed tree and the database
/// buffers that follow it would add up in the peak.
pub fn release_freed() {
    // SAFETY: mi_collect only walks mimalloc's own free lists; it is safe to call at any
    // time, and harmless when mimalloc is not the global allocator (tests).
    unsafe { libmimalloc_sys::mi_collect(true) };
}
