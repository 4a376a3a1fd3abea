fn main() -> std::process::ExitCode {
    locker::cli::main()
}
