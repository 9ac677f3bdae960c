//! The resumectl binary. Everything is in the library, whose modules stay private so
//! that the compiler finds dead code; `resumectl::main` parses, runs and reports.

/// Parsing a document allocates a node for every value and frees them all again:
/// mimalloc does that several times faster than the system allocator (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    resumectl::main()
}
