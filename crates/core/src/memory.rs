//! The allocator: mimalloc (set in main.rs), several times faster than the system's for
//! the many small blocks of a parsed document, and told to give memory back promptly.

use libmimalloc_sys::{mi_option_set, mi_option_t};

/// `mi_option_purge_delay` of mimalloc's v2 API: in mimalloc.h it is the entry after
/// `mi_option_eager_commit_delay` (14), which libmimalloc-sys exports; this one it does
/// not. A test checks that it reads the documented default of 10 ms.
const PURGE_DELAY: mi_option_t = 15;

/// From now on, frees memory back to the system at once rather than 10 ms later: for a
/// large document. A `save` of one frees the parsed tree, then its own copy of the text,
/// each just before the database buffers need as much again: without this, both stay
/// counted in the peak (58 instead of 48 MiB for a 10 MB document).
///
/// Not for every command: returning each freed page at once costs a page fault when it is
/// used again (5% of validating a stream of documents), and a storm of `madvise` calls as
/// the process exits (about 2 ms of every command).
pub fn return_freed_at_once() {
    // SAFETY: setting an option is a plain store in mimalloc's option table.
    unsafe { mi_option_set(PURGE_DELAY, 0) };
}

/// Just before the process exits. mimalloc's exit handler collects the heap by force,
/// which hands every freed page back to the system one `madvise` at a time: 2 to 4 ms of
/// a `save` (seen with strace), for memory the exit returns whole anyway. A negative
/// purge delay turns purging off (mimalloc's `_mi_os_purge_ex` checks it first).
pub fn exiting() {
    // SAFETY: setting an option is a plain store in mimalloc's option table.
    unsafe { mi_option_set(PURGE_DELAY, -1) };
}

/// Returns memory freed so far to the operating system.
pub fn release_freed() {
    // SAFETY: mi_collect only walks mimalloc's own free lists; it is safe to call at any
    // time, and harmless when mimalloc is not the global allocator (tests).
    unsafe { libmimalloc_sys::mi_collect(true) };
}

/// The purge delay in force (for the test that pins the option number).
#[cfg(test)]
fn purge_delay_ms() -> std::os::raw::c_long {
    // SAFETY: reading an option is a plain load.
    unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purge_delay_is_the_option_it_claims_to_be() {
        // mimalloc's documented default; an upgrade that renumbers the options fails here.
        assert_eq!(purge_delay_ms(), 10);
    }
}
