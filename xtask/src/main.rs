fn main() {
    eprintln!("usage: cargo xtask fixtures");
    std::process::exit(2);
}
