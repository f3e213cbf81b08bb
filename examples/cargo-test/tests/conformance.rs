fn main() -> std::process::ExitCode {
    sessionconf::test_main!()
}
