fn main() {
    std::process::exit(locker::cli::main());
}
