//! The `kith` binary: the command line (serve, migrate, import, reindex, bench, …). The
//! service itself is the `kith` library; the commands and the benchmarks live only here.

mod cli;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
