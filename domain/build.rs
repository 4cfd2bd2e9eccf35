//! The migrations are embedded by `sqlx::migrate!`, which cannot tell cargo to watch them on
//! stable Rust: a changed migration must rebuild this crate all the same.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
